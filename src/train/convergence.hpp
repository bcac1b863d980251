/// @file convergence.hpp
/// @brief Convergence stopping in scikit-learn's manner (tol, n_iter_no_change), on the support.
///
/// A fit has converged when, for `patience` epochs in a row, every member's support (w_j > 0) and
/// the order of its kept columns by logit have not changed, and the mean loss has not improved on
/// its best by more than `tol` (scikit-learn's MLP rule: an epoch whose loss > best - tol counts
/// as no improvement). Only epochs from `first_epoch` on count (after the warm-up and the ramp: the
/// penalty must be at full weight before masks can be said to have settled).
#pragma once

#include <cstdint>
#include <vector>

namespace gfs::train {

class Convergence {
 public:
  /// patience 0: never converges.
  Convergence(double tol, int patience, int first_epoch, int members, std::int64_t n_features);
  /// After epoch `epoch`: logits [members, n_features], the epoch's mean loss. True: stop now.
  bool update(int epoch, const std::vector<float>& logits, double loss);
  [[nodiscard]] int epochs_unchanged() const { return unchanged_; }
  /// The state after `epochs_done` epochs of a fit being resumed: `logits` [members, n_features]
  /// after that epoch, the mean loss of every epoch so far, and the saved count of unchanged
  /// epochs; the fit then stops where the uninterrupted fit would have. True: the rule had already
  /// fired at `epochs_done` (the checkpoint was written after the epoch that stopped the fit), so
  /// the resumed fit trains no further epoch.
  bool restore(int epochs_done, const std::vector<float>& logits, const std::vector<double>& losses, int unchanged);

 private:
  /// scikit-learn's rule: a loss above best - tol counts as no improvement.
  void count_loss(double loss);
  /// Both counts have reached the patience (update's stopping test).
  [[nodiscard]] bool stopped() const { return unchanged_ >= patience_ && no_improvement_ >= patience_; }

  double tol_;
  int patience_, first_epoch_, members_;
  std::int64_t n_features_;
  std::vector<std::vector<std::int64_t>> kept_;  ///< per member: w_j > 0 columns by logit, descending
  double best_loss_ = 0;
  bool have_best_ = false;
  bool seen_ = false;  ///< kept_ holds an earlier epoch's support
  int unchanged_ = 0;  ///< epochs in a row without a support / order change
  int no_improvement_ = 0;
};

}  // namespace gfs::train
