/// @file prescreen.hpp
/// @brief The prescreen (Config::prescreen): which columns start open, so that the fit's cost
///        follows the columns that can matter rather than D.
///
/// Before training, every column's strongest marginal |z| (column_screen.hpp's first pass: x and
/// (x - mean)^2 against the target's residuals, one pass over the data) orders the columns; the
/// `width` strongest and the pair screen's columns start open, every other column starts closed:
/// its mask bias is set to closed_logit(), below the active set's threshold at every tau of the
/// fit (the threshold rises as tau falls), and phi starts at zero, so its logit is that value
/// exactly. The active set (which then applies from the first epoch) never trains it: its mask is
/// <= eps with probability >= 1 - delta in every step, as for any column the active set drops. The
/// warm-up, the epochs after it and their rechecks cost about `width` columns, not D. The penalty
/// is still normalised by D, and the column and pair screens still count every column's tests.
///
/// This is sure independence screening (Fan & Lv 2008) with a generous width, max(1000, 2 N)
/// against their N / ln N: a column outside it has a marginal |z| below that of at least 1000
/// others. A column that acts only beside another (a product, an XOR) has no marginal effect; the
/// pair screen's columns are let in for that reason.
#pragma once

#include <cstdint>
#include <vector>

#include "core/column_screen.hpp"
#include "gfs/config.hpp"
#include "gfs/result.hpp"
#include "train/active_set.hpp"
#include "train/model.hpp"

namespace gfs::detail {

/// The columns a fit of n_rows x n_features lets in (0: no prescreen, every column trains): off in
/// exact fits, with support "stability", and where n_features is at most twice the width ("auto",
/// -1: max(1000, 2 n_rows); else Config::prescreen). A feature-parallel fit prescreens as one
/// process does (the ranks exchange the strengths).
std::int64_t prescreen_width(const Config& config, std::int64_t n_rows, std::int64_t n_features);

/// The columns that start open, ascending: the `width` largest `strengths` (ties: the lower
/// index) and every column of `also` (the pair screen's).
std::vector<int> prescreen_columns(const std::vector<float>& strengths, std::int64_t width, const std::vector<int>& also);

/// What the prescreen decided: every column's strength (column_strengths) and the open columns.
struct Prescreen {
  std::vector<float> strengths;  ///< [n_features]
  std::vector<int> open;         ///< prescreen_columns(strengths, width, the pair screen's columns)
};
/// Every column's strength on the screen's input (column_strengths against the target's
/// residuals): one pass over the data, which the prescreen and the pair screen's pool both read.
std::vector<float> screen_strengths(const Config& config, const ScreenInput& in, const train::Targets& targets);
/// The prescreen of width `width` (> 0) from screen_strengths.
Prescreen run_prescreen(std::vector<float> strengths, std::int64_t width, const PairScreenReport& pairs);

/// The logit a column the prescreen left out starts at (and keeps): one below the active set's
/// threshold at tau0, the lowest threshold of the fit.
float closed_logit(const train::ActivePolicy& policy, float tau0);

/// Sets member `member`'s mask bias of every column not in `open` (ascending, global columns) to
/// `logit`; its phi must be zero (as initial_params leaves it), so that its logit is `logit`.
/// `values` holds the fit's columns from `first` on (a rank's block; 0: every column).
void close_columns(train::Params<float>& values, int member, const std::vector<int>& open, float logit,
                   std::int64_t first = 0);

/// The ranking of a prescreened fit: the columns in `open` by decreasing logit (ties: the lower
/// index), then the others by decreasing strength (ties: the lower index).
std::vector<int> rank_prescreened(const std::vector<float>& logits, const std::vector<float>& strengths,
                                  const std::vector<int>& open);

}  // namespace gfs::detail
