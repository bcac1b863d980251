/// @file checkpointing.cpp
/// @brief FitCheckpoints: the training loop's checkpoint hook.
#include "core/checkpointing.hpp"

#include <unistd.h>

#include "gfs/error.hpp"

namespace gfs::detail {

FitCheckpoints::FitCheckpoints(const CheckpointOptions& options, const Config& config, const float* x,
                               std::int64_t n_rows, std::int64_t n_features, const float* y, int n_targets,
                               std::int64_t x_columns)
    : options_(options), epochs_(config.epochs), n_features_(n_features), columns_(n_features) {
  if (options_.every < 0)
    throw Error(ErrorCode::kInvalidArgument, "checkpoint every " + std::to_string(options_.every) +
                                                 " epochs: give a positive number (or 0: only when stopped)");
  if (options_.path.empty() && options_.resume.empty()) return;
  settings_ = settings_text(config);
  data_ = train::DataFingerprint::of(x, n_rows, x_columns, y, n_targets);
}

void FitCheckpoints::set_block(std::int64_t first, std::int64_t count, train::Ranks& ranks) {
  first_column_ = first;
  columns_ = count;
  ranks_ = &ranks;
  const std::string suffix = ".rank" + std::to_string(ranks.rank());
  if (!options_.path.empty()) options_.path += suffix;
  if (!options_.resume.empty()) options_.resume += suffix;
}

std::string FitCheckpoints::settings_text(const Config& config) {
  std::string text;
  for (const auto& [key, value] : config.items()) {
    // Where and how fast a fit runs does not change its state (CPU results do not depend on the
    // thread count; another device continues the same state, though not bit for bit).
    if (key == "device" || key == "threads" || key == "verbose") continue;
    text += key + "=" + value + "\n";
  }
  return text;
}

train::TrainState FitCheckpoints::resume(const train::ModelShape& shape, int members, Result& result,
                                         train::Position& from) {
  // A checkpoint of a feature-parallel fit is one file per rank (PATH.rank<r>): say so when the
  // number of processes changed between the runs.
  if (::access(options_.resume.c_str(), F_OK) != 0) {
    const std::string asked = ranks_ != nullptr ? options_.resume.substr(0, options_.resume.rfind(".rank")) : "";
    if (ranks_ == nullptr && ::access((options_.resume + ".rank0").c_str(), F_OK) == 0)
      throw Error(ErrorCode::kInvalidArgument, "checkpoint " + options_.resume +
                                                   " was written by a feature-parallel fit (" + options_.resume +
                                                   ".rank0, ...): resume it under mpirun with the "
                                                   "same number of ranks");
    if (ranks_ != nullptr && ::access(asked.c_str(), F_OK) == 0)
      throw Error(ErrorCode::kInvalidArgument, "checkpoint " + asked +
                                                   " was written by one process: resume it without "
                                                   "mpirun (or with the number of ranks that wrote it)");
  }
  const train::Checkpoint c = train::read_checkpoint(options_.resume);
  train::check_checkpoint_matches(c, options_.resume, settings_, data_, first_column_, columns_);
  if (c.members != members || c.position.epochs_done > epochs_)
    throw Error(ErrorCode::kInvalidData, "checkpoint " + options_.resume + " holds " + std::to_string(c.members) +
                                             " models after " + std::to_string(c.position.epochs_done) +
                                             " epochs; this fit trains " + std::to_string(members) + " for " +
                                             std::to_string(epochs_));
  const auto probability_floats =
      static_cast<std::size_t>(c.position.epochs_done) * static_cast<std::size_t>(n_features_);
  if (!c.probability_history.empty() && c.probability_history.size() != probability_floats)
    throw Error(ErrorCode::kInvalidData, "checkpoint " + options_.resume + " holds a probability history of " +
                                             std::to_string(c.probability_history.size()) + " values, not epochs x D");
  from = c.position;
  result.history = c.history;
  result.probability_history = c.probability_history;
  return train::load_state(c, shape, options_.resume);
}

bool FitCheckpoints::due(int epoch) {
  stop_ = stop_ || (options_.stop_requested && options_.stop_requested());
  if (ranks_ != nullptr) stop_ = ranks_->any(stop_);  // every rank stops after the same epoch
  if (options_.path.empty()) {
    if (stop_)
      throw Error(ErrorCode::kInvalidArgument, "a stop was requested after epoch " + std::to_string(epoch) +
                                                   " but no checkpoint path is set: nothing was saved");
    return false;
  }
  return stop_ || (options_.every > 0 && epoch % options_.every == 0);
}

void FitCheckpoints::save(int epoch, const train::TrainState& state, const Result& result, int unchanged) {
  train::Checkpoint c;
  c.settings = settings_;
  c.data = data_;
  c.first_column = first_column_;
  c.columns = columns_;
  c.position.epochs_done = epoch;
  c.position.unchanged_epochs = unchanged;
  train::store_state(c, state);
  c.history = result.history;
  c.probability_history = result.probability_history;
  train::write_checkpoint(options_.path, c);
  if (stop_)
    throw Error(ErrorCode::kCheckpointed, "stopped on request after epoch " + std::to_string(epoch) + " of " +
                                              std::to_string(epochs_) + "; the training state is in " + options_.path +
                                              ": resume from it");
}

}  // namespace gfs::detail
