/// @file schedule.hpp
/// @brief The schedule of a fit as functions of the epoch: tau, lambda, the row order, the steps.
///
/// Written once and used by every fit (the main one, the validation networks, tests, resumed
/// fits): epoch e (1-based) trains at tau(e) = tau0 * alpha^(e-1) (a float product, as the loop
/// has always computed it), at lambda 0 during the warm-up and the plan's lambda after it, on the
/// rows in order(e), as steps first_step(e) .. first_step(e) + steps_per_epoch() - 1.
#pragma once

#include <cstdint>
#include <vector>

#include "train/plan.hpp"

namespace gfs::train {

/// The temperature of the plan's last epoch (Schedule::tau(plan.epochs), computed the same way).
float final_tau(const Plan& plan);

class Schedule {
 public:
  /// `strata` (optional, [n_rows], survival's event flags: Targets::strata()): each epoch's order
  /// is stratified, the rows of stratum 1 spread evenly over the positions, so every batch holds
  /// its share of them (at least one when there are as many as batches).
  Schedule(const Plan& plan, std::int64_t n_rows, std::vector<char> strata = {});

  [[nodiscard]] int epochs() const { return plan_.epochs; }
  [[nodiscard]] float tau(int epoch) const;
  [[nodiscard]] float lambda(int epoch) const;
  [[nodiscard]] std::int64_t steps_per_epoch() const { return steps_per_epoch_; }
  [[nodiscard]] std::int64_t first_step(int epoch) const { return (epoch - 1) * steps_per_epoch_; }
  /// The row order of `epoch`. Each epoch reshuffles the previous epoch's order with its own
  /// subsequence of the shuffle stream; asking for an earlier epoch replays from epoch 1, so any
  /// epoch can be reached (a resumed fit) with the same order an uninterrupted fit used.
  const std::vector<std::int32_t>& order(int epoch);

 private:
  const std::vector<std::int32_t>& shuffled_order(int epoch);
  Plan plan_;
  std::int64_t steps_per_epoch_ = 0;
  std::vector<float> tau_;  ///< [epochs + 1]; tau_[e] for epoch e
  std::vector<std::int32_t> order_;
  int order_epoch_ = 0;  ///< the epoch order_ belongs to (0: the identity, before any shuffle)
  std::vector<char> strata_;              ///< [n_rows] or empty
  std::vector<std::int32_t> stratified_;  ///< order_ with the stratum-1 rows spread evenly
};

/// Sums over the steps of one epoch (the trainer turns them into means).
struct EpochStats {
  double loss = 0;
  double task_loss = 0;
  double select_loss = 0;
  double mean_mask = 0;
  std::int64_t steps = 0;
  std::int64_t columns = 0;  ///< columns the epoch's steps trained (the active set; 0: not reported)
};

/// Where a fit stands: epochs completed (a fit resumed at position p runs epochs p+1 .. epochs),
/// and how many epochs in a row its support has not changed (convergence stopping's count).
struct Position {
  int epochs_done = 0;
  int unchanged_epochs = 0;
};

}  // namespace gfs::train
