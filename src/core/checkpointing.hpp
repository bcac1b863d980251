/// @file checkpointing.hpp
/// @brief The fit's side of checkpoints: when to write, what goes in, resuming with every check.
///
/// The file format is train/checkpoint.hpp; this is the small hook the training loop calls: after
/// each epoch `due(epoch)`, and when due, `save` with the exported state.
#pragma once

#include <cstdint>
#include <string>

#include "gfs/checkpoint.hpp"
#include "gfs/config.hpp"
#include "gfs/result.hpp"
#include "train/checkpoint.hpp"
#include "train/ranks.hpp"

namespace gfs::detail {

class FitCheckpoints {
 public:
  /// `x`, `y` are the fit's raw inputs (fingerprinted only when checkpoints are used); x holds
  /// `x_columns` of the n_features (a rank's block: each rank's file fingerprints its own).
  FitCheckpoints(const CheckpointOptions& options, const Config& config, const float* x, std::int64_t n_rows,
                 std::int64_t n_features, const float* y, int n_targets, std::int64_t x_columns);

  /// Feature-parallel: this rank's state holds columns [first, first + count); each rank writes
  /// its own file, PATH.rank<r> (and resumes from RESUME.rank<r>), and a stop requested on any rank
  /// stops every rank after the same epoch.
  void set_block(std::int64_t first, std::int64_t count, train::Ranks& ranks);

  [[nodiscard]] bool resuming() const { return !options_.resume.empty(); }
  /// The checked state of options.resume for `members` models of `shape`; puts the history of the
  /// epochs done into `result` and returns where the fit stands in `from`.
  train::TrainState resume(const train::ModelShape& shape, int members, Result& result, train::Position& from);
  /// After `epoch`: is a checkpoint to be written (its turn, or a stop was requested)?
  bool due(int epoch);
  /// Writes the state after `epoch` with result's history; then, when a stop was requested,
  /// throws gfs::Error (kCheckpointed).
  /// `unchanged`: convergence stopping's count of epochs without a support change (train::Position).
  void save(int epoch, const train::TrainState& state, const Result& result, int unchanged = 0);

  /// Every setting that shapes the result ("key=value\n" each): all but device, threads, verbose.
  static std::string settings_text(const Config& config);

 private:
  /// options.resume read and checked against this fit (its data, settings, block and size).
  [[nodiscard]] train::Checkpoint read_checked(int members) const;
  /// The number of ranks (other than this fit's) whose split gives this rank the block `c` holds:
  /// 0 none, -1 several.
  [[nodiscard]] int writer_ranks(const train::Checkpoint& c) const;
  /// Feature-parallel: throws on every rank unless every rank's file stands at the same epoch of
  /// the same fit.
  void agree_on_position(const train::Checkpoint& c);

  CheckpointOptions options_;
  std::string resume_base_;  ///< feature-parallel: options.resume as given (without ".rank<r>")
  int epochs_ = 0;
  std::string settings_;
  train::DataFingerprint data_;
  std::int64_t n_features_ = 0;
  std::int64_t first_column_ = 0, columns_ = 0;
  train::Ranks* ranks_ = nullptr;
  bool stop_ = false;
};

}  // namespace gfs::detail
