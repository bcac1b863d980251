/// @file pair_screen.hpp
/// @brief The pair screen of support rule "validated" (Config::pair_screen): pairs of columns
///        whose product is related to the target, found before the penalty can close them.
///
/// A column that acts only through its product with another (y depends on x_a x_b) has no effect
/// of its own: P(y | x_a) does not depend on x_a. Under the selection penalty its mask closes long
/// before a network that sees D - 2 other columns learns the product. The screen looks at every
/// pair directly: for each residual r of the target (classification: 1[y = c] minus the class's
/// share, one class for two classes; regression: each centred output), the self-normalised
/// statistic z_ab = sum_i r_i x_ia x_ib / sqrt(sum_i r_i^2 x_ia^2 x_ib^2) is ~N(0, 1) when
/// neither column matters. A pair is reported when |z_ab| exceeds the Bonferroni bound for all
/// outputs x D (D - 1) / 2 tests at a family-wise 1 %. The products of every pair are one
/// packed, register-blocked pass (outputs x D^2 N / 2 multiply-adds; backends/cpu); |z| is first
/// bounded from its numerator alone and computed exactly, in double, for the pairs that pass.
///
/// Beyond the "auto" budget the screen tests the pairs of a pool of K = pair_pool_size columns
/// (K^2 N / 2 within the budget: about 11 000 at N = 1 000), Bonferroni over its outputs x
/// K (K - 1) / 2 pairs. The pool is the K columns with the largest variance statistic: a column
/// of a product x_a x_b has no marginal effect, but the target varies more around a fit that lacks
/// the product where |x_a| is large, so x_a^2 correlates with the squared residual e^2 of a linear
/// fit on the 10 strongest columns (|z| of x_a^2 against e^2 - mean e^2, self-normalised). The
/// pool is chosen by even functions of each column and the pair statistic is odd in either
/// column, so for a column that does not matter (symmetric about its mean) the choice leaves its
/// pair statistic ~N(0, 1) and the family-wise level holds. A pair is missed when either column
/// falls outside the pool: bench/quality (the wide benchmark's products family beyond D = 10^4).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <thread>

#include "backends/pair_sum.hpp"
#include "gfs/config.hpp"
#include "gfs/result.hpp"
#include "train/model.hpp"

namespace gfs::detail {

struct ScreenInput;  // core/column_screen.hpp

/// The most pairs reported (their columns join the held-out test's candidates).
inline constexpr int kMaxScreenPairs = 16;
/// "auto" runs the screen while passes x D^2 x N / 2 stays within this many multiply-adds (about
/// a second on two cores); a pass per output, or one for all the classes of a multi-class target
/// (each pair summed over each class's rows once: backends.hpp, cpu_pair_class_products).
inline constexpr double kAutoScreenBudget = 6e10;

/// The screen on x [n_rows, n_features] (standardised), or the reason it is skipped.
/// `strengths`: column_strengths of the same x and targets, when the fit has them (beyond the
/// budget the pool's linear fit reads its strongest columns; computed here when null).
/// `budget`: "auto"'s budget in multiply-adds (kAutoScreenBudget; tests give a smaller one to reach
/// the pool on small tables).
PairScreenReport screen_pairs(const Config& config, const float* x, std::int64_t n_rows, std::int64_t n_features,
                              const train::Targets& targets, const std::vector<float>* strengths = nullptr,
                              double budget = kAutoScreenBudget);
/// The same on a ScreenInput: every column of the table, or a rank's block of a rank-local fit
/// (in.gather_pool, in.gather_strengths): the pool's scores and columns are gathered from the
/// ranks, so every rank screens the table one process screens and reports the same pairs.
PairScreenReport screen_pairs(const Config& config, const ScreenInput& in, const train::Targets& targets,
                              const std::vector<float>* strengths = nullptr, double budget = kAutoScreenBudget);

/// The columns of the pool beyond the budget: the largest K with outputs x K^2 x n_rows / 2 within
/// `budget` (at least 2, at most n_features). Inline, as pair_screen_bytes.
inline std::int64_t pair_pool_size(std::int64_t n_rows, std::int64_t n_features, int outputs,
                                   double budget = kAutoScreenBudget) {
  const double per_pair = static_cast<double>(std::max(outputs, 1)) * static_cast<double>(std::max<std::int64_t>(n_rows, 1)) / 2;
  const auto k = static_cast<std::int64_t>(std::sqrt(budget / per_pair));
  return std::clamp<std::int64_t>(k, 2, std::max<std::int64_t>(n_features, 2));
}

/// The most pairs whose exact z the screen computes (the largest numerator-only estimates).
inline constexpr std::size_t kMaxExact = kMaxPairHits;

/// The most bytes the screen holds at once on an n_rows x n_features table with `threads` (0: all
/// cores): x packed twice (x and r x, panels padded), the columns of its hits copied again for
/// their exact z, the kernel's bounded hit list (pair_hit_bytes) and per hit its z, its column ids
/// and a passing pair. Does not grow with the number of pairs that pass (near-duplicate columns:
/// all of them). Saturates. Inline: the command line tool compiles core/memory.cpp itself.
inline std::uint64_t pair_screen_bytes(std::int64_t n_rows, std::int64_t n_features, int threads) {
  constexpr std::uint64_t kMax = UINT64_MAX;
  const auto mul = [](std::uint64_t a, std::uint64_t b) {
    std::uint64_t out = 0;
    return __builtin_mul_overflow(a, b, &out) ? kMax : out;
  };
  const auto add = [](std::uint64_t a, std::uint64_t b) { return a > kMax - b ? kMax : a + b; };
  const auto n = static_cast<std::uint64_t>(n_rows > 0 ? n_rows : 0);
  const auto d = static_cast<std::uint64_t>(n_features > 0 ? n_features : 0);
  const int team = threads > 0 ? threads : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  std::uint64_t bytes = mul(mul(n, add(d, 64)), 3 * sizeof(float));
  bytes = add(bytes, pair_hit_bytes(kMaxExact, team));
  return add(bytes, mul(kMaxExact, sizeof(double) + 2 * sizeof(int) + sizeof(Interaction)));
}

/// The columns of the report's pairs, ascending, without repeats.
std::vector<int> pair_columns(const PairScreenReport& report);

/// The residuals of the target that the screens test against: one per output whose information
/// is not in the others (classification: 1[y = c] minus the class's share, one class for two
/// classes; regression: each centred output; survival: the null Cox model's martingale residuals,
/// event_i - Nelson-Aalen hazard at t_i, whose sum with a centred column is its score test),
/// [outputs][n].
std::vector<std::vector<float>> target_residuals(const train::Targets& t, std::int64_t n);

/// z with P(|N(0, 1)| > z) = p (0 < p < 1).
double two_sided_normal_quantile(double p);

}  // namespace gfs::detail
