/// @file known_columns.hpp
/// @brief What the user knows about the columns (Config::must_keep, Config::must_drop) inside a
///        fit: the masks pinned open or shut, and the support rules' view of them.
///
/// A pinned column's mask logit is +/- pinned_logit(): so far beyond any Gumbel noise at any
/// temperature of the fit that sigma((w + g) / tau) is exactly 1 (open), or below 1e-38 (shut:
/// float's exp is clamped at e^88, so sigma bottoms out at 6e-39; 0 in double). So dm/dw =
/// m (1 - m) / tau is exactly 0 for an open column and below 1e-38 for a shut one. Its phi row
/// starts at zero and stays there (a shut column's drifts by less than 1e-30 a step), so its logit
/// keeps its pinned value to the last bit and the embedding gets nothing from it: neither the task
/// loss nor the penalty moves a pinned mask, on either backend, with no change to the step. A
/// column pinned open is always in the active set; one pinned shut never is, and the network sees
/// it multiplied by less than 1e-38.
#pragma once

#include <cstdint>
#include <vector>

#include "gfs/config.hpp"
#include "train/model.hpp"

namespace gfs::detail {

/// Config::must_keep and must_drop of a fit of n_features columns: ascending, without repeats.
struct KnownColumns {
  std::vector<int> keep, drop;
  /// Throws gfs::Error (invalid argument) naming a column beyond the table's n_features, or a
  /// Config::feature_cost that does not hold one cost per column.
  static KnownColumns of(const Config& config, std::int64_t n_features);
  /// The lists as they are (a fit has checked them against its table).
  static KnownColumns of(const Config& config);
  [[nodiscard]] bool empty() const { return keep.empty() && drop.empty(); }
  [[nodiscard]] bool kept(int j) const;
  [[nodiscard]] bool dropped(int j) const;
};

/// Config::feature_cost as the backends take it (TrainSetup::feature_cost): one cost per global
/// column, or nullptr when the fit has none (every column costs 1).
inline const float* feature_cost_data(const Config& config) {
  return config.feature_cost.empty() ? nullptr : config.feature_cost.data();
}
/// Column j's cost (1 when the fit has none).
inline double feature_cost_of(const Config& config, int j) {
  return config.feature_cost.empty() ? 1.0 : static_cast<double>(config.feature_cost[static_cast<std::size_t>(j)]);
}

/// The magnitude of a pinned logit: 1e4 x max(1, tau0) (tau never rises above tau0, and the
/// Gumbel noise of a float uniform stays within [-4, 17]).
float pinned_logit(const Config& config);

/// Pins member `member`'s known columns among those `values` holds (global columns
/// [first, first + values' column count)): phi row zero, mask bias +logit (kept) or -logit
/// (dropped).
void pin_known_columns(const KnownColumns& known, float logit, train::Params<float>& values, int member,
                       std::int64_t first);

/// `columns` (ascending) without the dropped ones.
std::vector<int> without_dropped(const KnownColumns& known, const std::vector<int>& columns);

/// `columns` (ascending) and the kept ones, ascending.
std::vector<int> with_kept(const KnownColumns& known, const std::vector<int>& columns);

/// Moves the dropped columns to the end of a ranking (in their order there).
void rank_dropped_last(const KnownColumns& known, std::vector<int>& ranking);

}  // namespace gfs::detail
