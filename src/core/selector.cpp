/// @file selector.cpp
/// @brief gfs::Selector: the C++ API over the trainer.
#include "gfs/selector.hpp"

#include <omp.h>

#include <cmath>
#include <new>

#include "core/memory.hpp"
#include "core/numeric_failure.hpp"
#include "core/support.hpp"
#include "core/trainer.hpp"
#include "gfs/mpi.hpp"
#include "gfs/version.hpp"
#include "train/ranks.hpp"

namespace gfs {

namespace {

/// The backstop behind the settings' range checks: a fit never succeeds with non-finite output.
void check_finite(const Result& r) {
  std::string what;
  for (std::size_t j = 0; j < r.logits.size() && what.empty(); ++j)
    if (!std::isfinite(r.logits[j])) what = "the logit of feature " + std::to_string(j) + " is not finite";
  for (std::size_t j = 0; j < r.feature_std.size() && what.empty(); ++j)
    if (!std::isfinite(r.feature_std[j]) || !std::isfinite(r.feature_mean[j]))
      what = "the standardisation of feature " + std::to_string(j) + " is not finite";
  if (what.empty() && !r.history.empty() && !std::isfinite(r.history.back().loss))
    what = "the loss of the last epoch (" + std::to_string(r.history.back().epoch) + ") is not finite";
  if (!what.empty()) detail::fail_numerically(what);
}

}  // namespace

struct Selector::Impl {
  Config config;
  ProgressCallback progress;
  CheckpointOptions checkpoint;
  detail::Parallel parallel;
  Result result;
  bool fitted = false;

  /// `in_place`: x itself, writable (Selector::fit_in_place).
  const Result& fit(const float* x, std::int64_t n_rows, std::int64_t n_features, const float* y, int n_targets,
                    Columns columns, float* in_place = nullptr);
};

namespace {

Columns checked_block(const Columns& columns) {
  if (columns.count <= 0)
    throw Error(ErrorCode::kInvalidArgument,
                "fit_columns: the block holds " + std::to_string(columns.count) + " columns; give at least one");
  return columns;
}

}  // namespace

Selector::Selector(Config config) : impl_(std::make_unique<Impl>()) { impl_->config = std::move(config); }
Selector::~Selector() = default;
Selector::Selector(Selector&&) noexcept = default;
Selector& Selector::operator=(Selector&&) noexcept = default;

const Config& Selector::config() const { return impl_->config; }
Config& Selector::config() { return impl_->config; }
void Selector::set_progress(ProgressCallback callback) { impl_->progress = std::move(callback); }
void Selector::set_checkpoint(CheckpointOptions options) { impl_->checkpoint = std::move(options); }
void Selector::set_feature_parallel(bool on) { impl_->parallel.on = on; }
void Selector::set_communicator(std::int64_t fortran_handle) {
  impl_->parallel.on = true;
  impl_->parallel.has_comm = true;
  impl_->parallel.comm = fortran_handle;
}

const Result& Selector::fit(const float* x, std::int64_t n_rows, std::int64_t n_features, const float* y,
                            int n_targets) {
  return impl_->fit(x, n_rows, n_features, y, n_targets, Columns{});
}

const Result& Selector::fit_columns(const float* x, std::int64_t n_rows, Columns columns, std::int64_t n_features,
                                    const float* y, int n_targets) {
  return impl_->fit(x, n_rows, n_features, y, n_targets, checked_block(columns));
}

const Result& Selector::fit_in_place(float* x, std::int64_t n_rows, std::int64_t n_features, const float* y,
                                     int n_targets) {
  return impl_->fit(x, n_rows, n_features, y, n_targets, Columns{}, x);
}

const Result& Selector::fit_columns_in_place(float* x, std::int64_t n_rows, Columns columns, std::int64_t n_features,
                                             const float* y, int n_targets) {
  return impl_->fit(x, n_rows, n_features, y, n_targets, checked_block(columns), x);
}

const Result& Selector::Impl::fit(const float* x, std::int64_t n_rows, std::int64_t n_features, const float* y,
                                  int n_targets, Columns columns, float* in_place) {
  // A failed fit throws before `result` is touched: the previous fit's result stays (documented in
  // selector.hpp and gfs.h; the caller tells a failed fit by the exception or status it gets).
  Result out;
  // Memory is estimated for the columns this process holds (its block under MPI).
  const std::int64_t held = columns.count > 0 ? columns.count : n_features;
  try {
    config.validate();
    // threads = 0 takes the OpenMP default (OMP_NUM_THREADS, else the cores), which
    // Config::validate cannot see: the same bound, or the runtime crashes starting the team.
    if (config.threads == 0 && omp_get_max_threads() > kMaxThreads)
      throw Error(ErrorCode::kInvalidArgument,
                  "setting 'threads' = 0 (all cores) means " + std::to_string(omp_get_max_threads()) +
                      " threads here (OMP_NUM_THREADS or the machine's cores), more than " +
                      std::to_string(kMaxThreads) + ": set threads to at most " + std::to_string(kMaxThreads) +
                      " or lower OMP_NUM_THREADS");
    if (n_rows > 0 && held > 0) detail::check_fit_memory(config, n_rows, held, true, in_place != nullptr);
    detail::Parallel how = parallel;
    how.columns = columns;
    out = detail::train(config, x, n_rows, n_features, y, n_targets, progress, checkpoint, how, in_place);
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::kInvalidData, "out of memory fitting a " + std::to_string(n_rows) + " x " +
                                             std::to_string(held) +
                                             " table: use fewer rows or features, or a larger machine");
  }
  check_finite(out);
  result = std::move(out);
  fitted = true;
  return result;
}

bool Selector::fitted() const { return impl_->fitted; }

const Result& Selector::result() const {
  if (!impl_->fitted) throw Error(ErrorCode::kInvalidArgument, "the selector has not been fitted: call fit() first");
  return impl_->result;
}

std::vector<float> Selector::transform(const float* x, std::int64_t n_rows, std::int64_t n_features) const {
  const Result& r = result();
  if (n_features != r.n_features)
    throw Error(ErrorCode::kInvalidData, "transform: the data has " + std::to_string(n_features) +
                                             " features, the fit had " + std::to_string(r.n_features));
  if (x == nullptr && n_rows > 0) throw Error(ErrorCode::kInvalidData, "transform: x is a null pointer");
  if (n_rows < 0) throw Error(ErrorCode::kInvalidData, "transform: n_rows is negative");
  const auto k = r.selected.size();
  std::vector<float> out(static_cast<std::size_t>(n_rows) * k);
  for (std::int64_t i = 0; i < n_rows; ++i)
    for (std::size_t s = 0; s < k; ++s) out[static_cast<std::size_t>(i) * k + s] = x[i * n_features + r.selected[s]];
  return out;
}

std::vector<int> support(const Result& result, SupportRule rule, int top_k) {
  if (rule == SupportRule::kValidated || rule == SupportRule::kStability) {
    if (result.config.support != rule)
      throw Error(ErrorCode::kInvalidArgument, "support '" + to_string(rule) +
                                                   "' needs the training data: fit with support=" + to_string(rule) +
                                                   " to get it");
    return result.selected;
  }
  return detail::support_of(result.logits, result.scores, rule, top_k);
}

const char* version() { return GFS_VERSION_STRING; }

namespace mpi {

Columns columns_of(std::int64_t n_features, int rank, int size) {
  if (n_features <= 0 || size <= 0 || rank < 0 || rank >= size)
    throw Error(ErrorCode::kInvalidArgument, "columns_of(" + std::to_string(n_features) + ", rank " +
                                                 std::to_string(rank) + ", size " + std::to_string(size) +
                                                 "): needs n_features >= 1 and 0 <= rank < size");
  train::check_rank_count(n_features, size);
  const train::FeatureBlock b = train::Ranks::block(n_features, rank, size, n_features);
  return Columns{b.first(), b.count()};
}

}  // namespace mpi
}  // namespace gfs
