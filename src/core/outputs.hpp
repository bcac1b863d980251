/// @file outputs.hpp
/// @brief What a fit reports from its final logits: probabilities, scores, support, ranking.
#pragma once

#include <cstdint>
#include <vector>

namespace gfs::detail {

/// p_j = 1 - exp(-e^{w_j}).
std::vector<float> selection_probabilities(const std::vector<float>& logits);

/// s_j = number of the n_draws hard Gumbel draws (tau -> 0) in which w_j + g > 0. Draw d uses
/// subsequence kScoreStream + d of the seed. The event w + g > 0 is tested as u > exp(-e^w),
/// which is the same event and needs no logarithm per draw; u is non-decreasing in its Philox word,
/// so the test runs on the words (backends.hpp, cpu_draw_counts: the same counts on every
/// instruction set), against each column's first passing word.
std::vector<std::int32_t> hard_draw_scores(const std::vector<float>& logits, std::uint64_t seed, int n_draws,
                                           int threads = 0);

/// All features by decreasing logit (ties: lower index first).
std::vector<int> rank_by_logit(const std::vector<float>& logits);

/// The k columns with the largest `score` (ties: the lower index), ascending; all of them when k
/// is beyond the count. What the prescreen opens and the pair screen's pool takes.
std::vector<int> strongest_columns(const std::vector<float>& score, std::size_t k);

}  // namespace gfs::detail
