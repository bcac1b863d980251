/// @file column_screen.hpp
/// @brief The column screen of support rule "validated" (Config::column_screen): columns related
///        to the target on their own, through their square or through a count's size, found
///        whatever the penalty did.
///
/// Two kinds of informative column leave the training with a closed mask. With few rows the
/// penalty's price of an open column, lambda (ln D)^2 / N, outweighs what one more column buys in
/// training loss on rows the network already fits (at N = 200 every mask closed). A column that
/// acts only through its square, (x_a - mean)^2, has no linear effect for the gradient of its mask
/// to follow early on. The screen tests both terms of every column directly: for each residual r
/// of the target (pair_screen.hpp's target_residuals) and each term t in {x_a, (x_a - mean_a)^2},
/// the self-normalised statistic z = sum_i r_i t_i / sqrt(sum_i r_i^2 t_i^2) is ~N(0, 1) when the
/// column does not matter. Its denominator holds the effect itself, so with a small class it stays
/// below about 3-5 whatever the effect; the marginal steps (the first pass, the order of the
/// marginal sequence and its proxy test) take the larger of it and the permutation z, whose
/// variance is the null's exactly and whose normal tail is corrected for the skew of a sum over a
/// small class (one Cornish-Fisher term; column_screen.cpp's permutation_z); so do the forward
/// steps of a classification target (the third class of a table needs them). For a regression or
/// survival target the forward steps keep the self-normalised z: against the heavy-tailed residuals
/// that other effects leave, the permutation z let a noise square term in at p = 0.02.
/// A column whose smallest value a tenth of the rows share has a floor (a count's zeros, wherever
/// standardising moved them) and a third term: the magnitude, log(x_a - floor) on the rows above
/// the floor (centred there) and 0 on it, the size part of a hurdle model (MAST's for single-cell
/// counts). Where zeros come as often in every class and a few rows hold most of a count's sum, the
/// raw term drowns in those rows and the log size does not (6 draws of the small-N counts family,
/// N 200 and 300: the screen entered 154 of 240 informative genes before, 184 with it). The p-values
/// are adjusted (Bonferroni) for the outputs x 2 x D tests, a column's share split among its terms:
/// a column with a magnitude term counts 3/2 (ranked by the z a two-term column would need for the
/// same p, equivalent_z in column_screen.cpp); a table without floors is screened as before. Two
/// sequences of entries, each cut by ForwardStop (G'Sell et al. 2016: the longest start whose mean
/// of -log(1 - p) is within the false discovery rate kColumnScreenFdr):
/// - marginal: the columns by their marginal |z|; strongest first, an entry whose term explains
///   nothing beside the kept ones (its |z| against the residuals they leave, after a least-squares
///   projection, below 2.5) is dropped as a proxy. It has the power where several columns measure
///   one thing (the classes of a multi-class target, a count table's up and down genes).
/// - forward: per step the strongest term against the residuals left by the entered ones enters
///   (a copy of an entered column has nothing left to explain). It finds what shows once stronger
///   effects are accounted for.
/// Their union joins the held-out test's candidates; the entries at a family-wise
/// kColumnScreenFamilyError stay whatever it finds (with few rows its halves have little power),
/// the others face it. The first pass is one pass over the data (outputs x D x N x 8 flops); the
/// sequences run over the columns that reach half of the Bonferroni bound. All sums in double, in
/// row order per column (the numbers do not depend on the thread count, nor on the ranks of a
/// feature-parallel fit: the ranks exchange the marginal |z|s in float and the pool's columns).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "gfs/config.hpp"
#include "gfs/result.hpp"
#include "train/model.hpp"

namespace gfs::detail {

/// The most entries of each sequence.
inline constexpr int kMaxScreenColumns = 32;
/// The false discovery rate ForwardStop keeps the entered columns at.
inline constexpr double kColumnScreenFdr = 0.1;
/// Entries whose adjusted p-value is at most this (a family-wise error over all their step's
/// tests) are kept whatever the held-out test finds; the others face it as the majority set does.
inline constexpr double kColumnScreenFamilyError = 0.05;

/// What the screen reads. One process: x holds every column. A feature-parallel rank: x holds the
/// table's columns [first, first + count), and the two hooks exchange with the other ranks (every
/// rank makes the same calls in the same order, so the screen is the one process's bit for bit).
struct ScreenInput {
  const float* x = nullptr;  ///< [n_rows, stride], the columns [first, first + count) of the table
  std::int64_t n_rows = 0, stride = 0, first = 0, count = 0;
  std::int64_t n_features = 0;  ///< the table's D
  /// Every column's strongest marginal |z| [n_features] from this rank's [count] (empty: one process).
  std::function<std::vector<float>(const std::vector<float>&)> gather_strengths;
  /// The columns `ids` (ascending), [n_rows, ids.size()] row-major, from the ranks that hold them.
  std::function<std::vector<float>(const std::vector<int>& ids)> gather_pool;
  /// column_strengths() of this input, when the fit has them already (nullptr: computed here).
  const std::vector<float>* strengths = nullptr;
};

/// The screen's first pass: every column's strongest marginal |z| (linear or square term, largest
/// over the residuals), [n_features] (gathered from the ranks through in.gather_strengths).
/// Depends neither on the thread count nor on the split.
std::vector<float> column_strengths(const ScreenInput& in, const std::vector<std::vector<float>>& residuals,
                                    int threads);

/// The screen (any scale of x), or the reason it is skipped.
ColumnScreenReport screen_columns(const Config& config, const ScreenInput& in, const train::Targets& targets);
/// One process: x [n_rows, n_features].
ColumnScreenReport screen_columns(const Config& config, const float* x, std::int64_t n_rows, std::int64_t n_features,
                                  const train::Targets& targets);

/// ForwardStop on p-values in the order of entry: the largest k with
/// (1/k) sum_{i <= k} -log(1 - p_i) <= fdr (0 when there is none).
std::size_t forward_stop(const std::vector<double>& p, double fdr);

/// The columns that entered with an adjusted p-value of at most `max_p`, ascending.
std::vector<int> screened_columns(const ColumnScreenReport& report, double max_p = 1.0);

}  // namespace gfs::detail
