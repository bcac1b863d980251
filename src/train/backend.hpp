/// @file backend.hpp
/// @brief The device seam: what every backend (CPU/OpenMP, CUDA) implements.
///
/// core/ owns the fit: it resolves the user's Config into a Plan, builds the Schedule and calls a
/// backend epoch by epoch. A backend owns the data and the training state on its device and runs
/// whole epochs, because a step at batch 1 is latency-bound and must not round-trip through the
/// host. Within an epoch each step is: sample mask (+ logits) -> masked matmul + task MLP -> loss
/// and its gradient -> task-MLP backward + Adam -> feature-side backward + Adam -> embedding Adam.
/// State flows both ways (export_state / import_state), so a fit can be checkpointed, resumed or
/// moved; a backend may hold only a block of the columns, with a Reduce joining the blocks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "train/model.hpp"
#include "train/plan.hpp"
#include "train/reduce.hpp"
#include "train/schedule.hpp"

namespace gfs::train {

/// What a backend needs to train; pointers stay valid until the next setup() or destruction.
struct TrainSetup {
  const float* x = nullptr;  ///< standardised data of the block's columns, rows `features.x_stride` apart (host)
  std::int64_t n_rows = 0;
  FeatureBlock features;
  ModelShape shape;  ///< shape.n_features == features.count()
  const Targets* targets = nullptr;
  const TrainState* state = nullptr;  ///< where training starts (a fresh state or an imported one)
  Plan plan;
  Reduce* reduce = nullptr;  ///< nullptr: the block is the whole matrix
  /// [features.total] the penalty's cost of every column of the fit (Config::feature_cost), by
  /// global column; nullptr: every column costs 1. Must outlive the backend's training.
  const float* feature_cost = nullptr;
  /// Several models trained together (stability members): member m draws its noise from
  /// member_seeds[m] instead of plan.seed and starts from member m of *state (state->values.members
  /// == member_seeds.size()). Empty: one model.
  std::vector<std::uint64_t> member_seeds;
  [[nodiscard]] int members() const { return member_seeds.empty() ? 1 : static_cast<int>(member_seeds.size()); }
};

/// One epoch of every member: member m's batches are consecutive slices of *orders[m] (row
/// indices into x) of plan.batch_size rows, the last one possibly shorter; every member has the
/// same number of steps. Step i draws its noise from subsequence first_step + i of the member's
/// training stream and is Adam step first_step + i + 1. `tau` and `lambda` (the penalty's weight:
/// 0 during the warm-up) hold for the whole epoch; `epoch` (1-based) is the schedule's, whose
/// cadence the active set's rechecks follow.
struct EpochWork {
  std::vector<const std::vector<std::int32_t>*> orders;
  float tau = 1;
  float lambda = 0;
  std::int64_t first_step = 0;
  int epoch = 1;
};

/// Held-out rows for the evidence of support rule "validated": x [n_rows, shape.n_features] (the
/// model's columns), `rows` their indices into `targets`.
struct HeldOutRows {
  const float* x = nullptr;
  const std::int64_t* rows = nullptr;
  std::int64_t n_rows = 0;
  const Targets* targets = nullptr;
  double mask_scale = 1;  ///< every column's first-layer weights are scaled by its expected mask
};

/// Per column j: the sums over the held-out rows of d = loss(x_j replaced by 0) - loss, and of d^2.
struct ColumnEvidence {
  std::vector<double> sum, sum_sq;  ///< [n_features]; 0 for inactive columns
  double base_abs_sum = 0;          ///< sum of |loss| over the rows (the rounding scale)
  std::int64_t n_rows = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  /// "cpu" or "cuda:N".
  [[nodiscard]] virtual std::string name() const = 0;
  /// Copies data, targets and the state to the device; allocates all the fit needs.
  virtual void setup(const TrainSetup& setup) = 0;
  /// How many members one setup() takes (1: the backend trains one model at a time).
  [[nodiscard]] virtual int max_members() const = 0;
  /// One epoch of every member (EpochWork); stats[m] sums member m's steps.
  virtual void train_members(const EpochWork& work, std::vector<EpochStats>& stats) = 0;
  /// One epoch of a one-model setup: the batches are consecutive slices of `order`.
  EpochStats train_epoch(const std::vector<std::int32_t>& order, float tau, float lambda, std::int64_t first_step,
                         int epoch) {
    std::vector<EpochStats> stats;
    train_members(EpochWork{{&order}, tau, lambda, first_step, epoch}, stats);
    return stats.at(0);
  }
  /// Current logits w = phi e + b of the block's columns, member after member [members, count].
  virtual void read_logits(std::vector<float>& logits) = 0;
  /// The whole training state (values, moments, step).
  virtual void export_state(TrainState& state) = 0;
  /// Replaces the training state (same shape as setup()'s); training continues from it exactly.
  virtual void import_state(const TrainState& state) = 0;
  /// The held-out evidence of every active column under member 0's parameters (double precision).
  virtual void column_evidence(const HeldOutRows& held_out, const std::vector<char>& active, int threads,
                               ColumnEvidence& out) = 0;
};

/// Runs epochs from+1 .. schedule.epochs() on a prepared backend. after_epoch(epoch, tau, stats)
/// returns false to stop early. Returns the last epoch run.
template <typename AfterEpoch>
int run_epochs(Backend& backend, Schedule& schedule, Position from, AfterEpoch&& after_epoch) {
  int epoch = from.epochs_done;
  while (epoch < schedule.epochs()) {
    ++epoch;
    const float tau = schedule.tau(epoch);
    const EpochStats stats =
        backend.train_epoch(schedule.order(epoch), tau, schedule.lambda(epoch), schedule.first_step(epoch), epoch);
    if (!after_epoch(epoch, tau, stats)) break;
  }
  return epoch;
}

}  // namespace gfs::train
