/// @file checkpointing.cpp
/// @brief FitCheckpoints: the training loop's checkpoint hook.
#include "core/checkpointing.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <string>

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
  resume_base_ = options_.resume;
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
  train::Checkpoint c;
  train::TrainState state;
  if (ranks_ == nullptr) {
    c = read_checked(members);
    state = train::load_state(c, shape, options_.resume);
  } else {
    // Each rank reads its own file: a problem one rank finds ends every rank's fit, and the files
    // must be of one moment of one fit before any rank trains on.
    std::string problem;
    ErrorCode code = ErrorCode::kInvalidData;
    try {
      c = read_checked(members);
      state = train::load_state(c, shape, options_.resume);
    } catch (const Error& e) {
      problem = e.what();
      code = e.code();
    }
    train::throw_agreed(*ranks_, problem, code);
    agree_on_position(c);
  }
  from = c.position;
  result.history = c.history;
  result.probability_history = c.probability_history;
  return state;
}

train::Checkpoint FitCheckpoints::read_checked(int members) const {
  // A checkpoint of a feature-parallel fit is one file per rank (PATH.rank<r>): say so when the
  // number of processes changed between the runs.
  if (::access(options_.resume.c_str(), F_OK) != 0) {
    if (ranks_ == nullptr && ::access((options_.resume + ".rank0").c_str(), F_OK) == 0)
      throw Error(ErrorCode::kInvalidArgument, "checkpoint " + options_.resume +
                                                   " was written by a feature-parallel fit (" + options_.resume +
                                                   ".rank0, ...): resume it under mpirun with the "
                                                   "same number of ranks");
    if (ranks_ != nullptr && ::access(resume_base_.c_str(), F_OK) == 0)
      throw Error(ErrorCode::kInvalidArgument, "checkpoint " + resume_base_ +
                                                   " was written by one process: resume it without "
                                                   "mpirun (or with the number of ranks that wrote it)");
  }
  const train::Checkpoint c = train::read_checkpoint(options_.resume);
  // Another number of ranks gives this rank another block, and (rank-local input) another data
  // fingerprint: name the rank count, which is what changed, before the data.
  if (ranks_ != nullptr && (c.first_column != first_column_ || c.columns != columns_)) {
    const int wrote = writer_ranks(c);
    if (wrote != 0)
      throw Error(ErrorCode::kInvalidArgument,
                  "checkpoint " + options_.resume + " holds columns " + std::to_string(c.first_column) + ".." +
                      std::to_string(c.first_column + c.columns - 1) + ", the block of rank " +
                      std::to_string(ranks_->rank()) + " of a fit over " +
                      (wrote < 0 ? "another number of" : std::to_string(wrote)) + " ranks; this fit runs " +
                      std::to_string(ranks_->size()) + " ranks (rank " + std::to_string(ranks_->rank()) + " trains " +
                      std::to_string(first_column_) + ".." + std::to_string(first_column_ + columns_ - 1) +
                      "): resume with the number of ranks that wrote the checkpoint");
  }
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
  return c;
}

int FitCheckpoints::writer_ranks(const train::Checkpoint& c) const {
  // The rank counts whose split gives this rank the file's block: one of them wrote it.
  const int r = ranks_->rank(), chunks = train::ColumnChunks(n_features_).count;
  int found = 0;
  for (int p = std::max(2, r + 1); p <= chunks; ++p) {
    const train::FeatureBlock b = train::Ranks::block(n_features_, r, p, n_features_);
    if (p == ranks_->size() || b.first() != c.first_column || b.count() != c.columns) continue;
    found = found == 0 ? p : -1;
  }
  return found;
}

namespace {

/// Where a checkpoint stands in its fit, as text: epochs done, Adam steps, convergence's count and
/// a checksum of the history (the whole model's, the same in every rank's file of one moment).
std::string position_text(const train::Checkpoint& c) {
  std::uint32_t crc = 0;
  for (const EpochRecord& r : c.history) {
    const float floats[] = {r.tau, r.loss, r.task_loss, r.select_loss, r.mean_mask};
    const std::int32_t ints[] = {r.epoch, r.n_active, r.n_trained};
    crc = train::crc32(floats, sizeof floats, crc);
    crc = train::crc32(ints, sizeof ints, crc);
  }
  crc = train::crc32(c.probability_history.data(), c.probability_history.size() * sizeof(float), crc);
  return std::to_string(c.position.epochs_done) + " " + std::to_string(c.step) + " " +
         std::to_string(c.position.unchanged_epochs) + " " + std::to_string(crc);
}

int epochs_of(const std::string& position) { return std::stoi(position.substr(0, position.find(' '))); }

}  // namespace

void FitCheckpoints::agree_on_position(const train::Checkpoint& c) {
  // Rank 0's position to every rank; a rank whose file stands elsewhere says so, and every rank
  // refuses (a rank resuming at another epoch would wait for the others in a collective forever).
  const std::string mine = position_text(c);
  const std::string first = ranks_->first_error(ranks_->rank() == 0 ? mine : std::string());
  std::string problem;
  if (mine != first) {
    const std::string rank0 = resume_base_ + ".rank0";
    problem = epochs_of(mine) != epochs_of(first)
                  ? "checkpoint " + options_.resume + " holds the state after epoch " +
                        std::to_string(epochs_of(mine)) + ", " + rank0 + " after epoch " +
                        std::to_string(epochs_of(first)) +
                        ": the ranks' files were written at different epochs (a rank was killed between the ranks' "
                        "writes?), so the ranks cannot resume together: resume from files written after one epoch, "
                        "or start the fit again"
                  : "checkpoint " + options_.resume + " and " + rank0 + " hold the state after epoch " +
                        std::to_string(epochs_of(mine)) +
                        " of different fits (their histories differ): resume from the files of one fit, or start "
                        "the fit again";
  }
  train::throw_agreed(*ranks_, problem, ErrorCode::kInvalidArgument);
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
