/// @file outputs.cpp
/// @brief Probabilities, hard-draw scores, ranking and support from the final logits.
#include "core/outputs.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "backends/backends.hpp"
#include "kernels/math.hpp"
#include "kernels/philox.hpp"

namespace gfs::detail {

std::vector<float> selection_probabilities(const std::vector<float>& logits) {
  std::vector<float> p(logits.size());
  for (std::size_t j = 0; j < logits.size(); ++j) p[j] = static_cast<float>(kern::selection_probability(logits[j]));
  return p;
}

namespace {

/// The first Philox word x whose uniform passes u > threshold (u = clamp_uniform(uint_to_uniform(x)),
/// non-decreasing in x, so the words that pass are [first, 2^32)); 2^32 when none does.
std::int64_t first_passing_word(double threshold) {
  const auto passes = [threshold](std::int64_t x) {
    return kern::clamp_uniform(double(kern::uint_to_uniform(static_cast<std::uint32_t>(x)))) > threshold;
  };
  std::int64_t lo = 0, hi = std::int64_t{1} << 32;  // the answer lies in [lo, hi]
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (passes(mid))
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

}  // namespace

std::vector<std::int32_t> hard_draw_scores(const std::vector<float>& logits, std::uint64_t seed, int n_draws,
                                           int threads) {
  const auto D = static_cast<std::int64_t>(logits.size());
  std::vector<std::int64_t> first(logits.size());
  const int team = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel for schedule(static) num_threads(team)
  for (std::int64_t j = 0; j < D; ++j) {
    const auto k = static_cast<std::size_t>(j);
    // Columns often share a logit (those the prescreen closed): the search runs once per run of them.
    first[k] = j > 0 && logits[k] == logits[k - 1] ? -1 : first_passing_word(std::exp(-std::exp(double(logits[k]))));
  }
  for (std::size_t k = 1; k < first.size(); ++k)
    if (first[k] < 0) first[k] = first[k - 1];
  std::vector<std::int32_t> scores(logits.size(), 0);
  cpu_draw_counts(first.data(), D, seed, n_draws, team, scores.data());
  return scores;
}

std::vector<int> rank_by_logit(const std::vector<float>& logits) {
  std::vector<int> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return logits[a] > logits[b]; });
  return order;
}

std::vector<int> strongest_columns(const std::vector<float>& score, std::size_t k) {
  std::vector<int> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  k = std::min(k, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), [&](int a, int b) {
    const float sa = score[static_cast<std::size_t>(a)], sb = score[static_cast<std::size_t>(b)];
    return sa > sb || (sa == sb && a < b);
  });
  order.resize(k);
  std::sort(order.begin(), order.end());
  return order;
}

}  // namespace gfs::detail
