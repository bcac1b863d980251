/// @file outputs.cpp
/// @brief Probabilities, hard-draw scores, ranking and support from the final logits.
#include "core/outputs.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernels/math.hpp"
#include "kernels/philox.hpp"

namespace gfs::detail {

std::vector<float> selection_probabilities(const std::vector<float>& logits) {
  std::vector<float> p(logits.size());
  for (std::size_t j = 0; j < logits.size(); ++j) p[j] = static_cast<float>(kern::selection_probability(logits[j]));
  return p;
}

std::vector<std::int32_t> hard_draw_scores(const std::vector<float>& logits, std::uint64_t seed, int n_draws,
                                           int threads) {
  const auto D = static_cast<std::int64_t>(logits.size());
  std::vector<double> threshold(logits.size());
  for (std::size_t j = 0; j < logits.size(); ++j) threshold[j] = std::exp(-std::exp(double(logits[j])));
  std::vector<std::int32_t> scores(logits.size(), 0);
  const std::int64_t n_blocks = (D + 3) / 4;
  // Parallel over blocks of four features; each block walks all draws, so counts need no atomics.
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : omp_get_max_threads())
  for (std::int64_t q = 0; q < n_blocks; ++q) {
    for (int d = 0; d < n_draws; ++d) {
      const kern::Philox4 b =
          kern::philox_block(seed, kern::kScoreStream + static_cast<std::uint64_t>(d), static_cast<std::uint64_t>(q));
      for (int lane = 0; lane < 4 && 4 * q + lane < D; ++lane) {
        const auto j = static_cast<std::size_t>(4 * q + lane);
        const double u = kern::clamp_uniform(double(kern::uint_to_uniform(b.v[lane])));
        scores[j] += u > threshold[j] ? 1 : 0;
      }
    }
  }
  return scores;
}

std::vector<int> rank_by_logit(const std::vector<float>& logits) {
  std::vector<int> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return logits[a] > logits[b]; });
  return order;
}

}  // namespace gfs::detail
