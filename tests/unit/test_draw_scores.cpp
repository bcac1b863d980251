// The hard-draw scores (core/outputs.cpp): counted on the raw Philox words by a SIMD kernel per
// instruction set (backends/cpu/draw_counts.hpp), they must equal the definition draw by draw:
// u = clamp_uniform(uint_to_uniform(word)) > exp(-e^w) in double, for every ISA and thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "backends/backends.hpp"
#include "core/outputs.hpp"
#include "kernels/math.hpp"
#include "kernels/philox.hpp"

namespace gfs::detail {

void cpu_draw_counts_avx512(const std::int64_t*, std::int64_t, std::uint64_t, int, int, std::int32_t*);
void cpu_draw_counts_avx2(const std::int64_t*, std::int64_t, std::uint64_t, int, int, std::int32_t*);
void cpu_draw_counts_generic(const std::int64_t*, std::int64_t, std::uint64_t, int, int, std::int32_t*);

namespace {

/// The definition, one draw and one column at a time.
std::vector<std::int32_t> reference_scores(const std::vector<float>& logits, std::uint64_t seed, int n_draws) {
  std::vector<std::int32_t> s(logits.size(), 0);
  for (std::size_t j = 0; j < logits.size(); ++j) {
    const double threshold = std::exp(-std::exp(double(logits[j])));
    for (int d = 0; d < n_draws; ++d) {
      const float u = kern::philox_uniform(seed, kern::kScoreStream + static_cast<std::uint64_t>(d), j);
      s[j] += kern::clamp_uniform(double(u)) > threshold ? 1 : 0;
    }
  }
  return s;
}

/// Logits a fit can end with: ordinary ones, runs of one value (closed columns), the extremes, and
/// values whose threshold sits next to a representable uniform.
std::vector<float> test_logits(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0F, 4.0F);
  std::vector<float> w;
  const float edge[] = {-100.0F,
                        -30.0F,
                        -16.6F,
                        -16.5F,
                        -15.0F,
                        -10.0F,
                        -0.0F,
                        0.0F,
                        2.8F,
                        3.0F,
                        10.0F,
                        88.0F,
                        1e30F,
                        -1e30F,
                        std::numeric_limits<float>::max(),
                        std::numeric_limits<float>::lowest()};
  for (float e : edge) w.push_back(e);
  while (w.size() < n) {
    if (w.size() % 97 == 0)
      w.insert(w.end(), 40, -11.5F);  // a run, as the prescreen leaves
    else
      w.push_back(normal(rng));
  }
  w.resize(n);
  return w;
}

TEST(DrawScores, EqualTheDefinitionDrawByDraw) {
  for (const std::size_t d : {std::size_t{1}, std::size_t{3}, std::size_t{64}, std::size_t{1003}}) {
    const std::vector<float> w = test_logits(d, static_cast<unsigned>(d));
    for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{42}, std::uint64_t{0xFEDCBA9876543210ULL}}) {
      const std::vector<std::int32_t> expect = reference_scores(w, seed, 37);
      for (const int threads : {1, 3}) EXPECT_EQ(hard_draw_scores(w, seed, 37, threads), expect) << d << " " << seed;
    }
  }
}

TEST(DrawScores, EveryInstructionSetCountsTheSame) {
  const std::vector<float> w = test_logits(517, 9);
  const std::vector<std::int32_t> expect = reference_scores(w, 7, 200);
  // Each column's first passing word: the uniforms are non-decreasing in the word (bisection).
  std::vector<std::int64_t> first(w.size());
  for (std::size_t j = 0; j < w.size(); ++j) {
    const double t = std::exp(-std::exp(double(w[j])));
    std::int64_t fails = -1, passes = std::int64_t{1} << 32;  // u(fails) <= t < u(passes); 2^32: none
    while (passes - fails > 1) {
      const std::int64_t mid = (fails + passes) / 2;
      (kern::clamp_uniform(double(kern::uint_to_uniform(static_cast<std::uint32_t>(mid)))) > t ? passes : fails) = mid;
    }
    first[j] = passes;
  }
  std::vector<std::int32_t> got(w.size());
  cpu_draw_counts_generic(first.data(), static_cast<std::int64_t>(w.size()), 7, 200, 2, got.data());
  EXPECT_EQ(got, expect);
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    cpu_draw_counts_avx2(first.data(), static_cast<std::int64_t>(w.size()), 7, 200, 2, got.data());
    EXPECT_EQ(got, expect);
  }
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq")) {
    cpu_draw_counts_avx512(first.data(), static_cast<std::int64_t>(w.size()), 7, 200, 2, got.data());
    EXPECT_EQ(got, expect);
  }
#endif
}

TEST(DrawScores, ThresholdsAtTheEndsCountNoneOrAll) {
  std::vector<std::int64_t> first = {0, std::int64_t{1} << 32, 0, std::int64_t{1} << 32, 5};
  std::vector<std::int32_t> got(first.size(), -1);
  cpu_draw_counts(first.data(), static_cast<std::int64_t>(first.size()), 3, 50, 1, got.data());
  EXPECT_EQ(got[0], 50);
  EXPECT_EQ(got[1], 0);
  EXPECT_EQ(got[2], 50);
  EXPECT_EQ(got[3], 0);
  EXPECT_EQ(got[4], 50);  // the chance that a word is below 5 in 50 draws is about 6e-8
  EXPECT_TRUE(hard_draw_scores({}, 1, 10, 1).empty());
}

}  // namespace
}  // namespace gfs::detail
