/// @file selector.hpp
/// @brief The C++ entry point: configure, fit, read results, transform.
///
///   gfs::Config cfg;                 // or gfs::Config::reference()
///   cfg.epochs = 100;
///   gfs::Selector sel(cfg);
///   const gfs::Result& r = sel.fit(x, n_rows, n_features, y);      // y: class labels 0..C-1
///   std::vector<float> reduced = sel.transform(x, n_rows, n_features);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "gfs/checkpoint.hpp"
#include "gfs/config.hpp"
#include "gfs/error.hpp"
#include "gfs/export.h"
#include "gfs/result.hpp"

namespace gfs {

/// Columns [first, first + count) of a table's features: a feature-parallel rank's block.
struct Columns {
  std::int64_t first = 0;
  std::int64_t count = 0;
};

/// Called after each epoch with the record just made; return false to stop training early.
using ProgressCallback = std::function<bool(const EpochRecord& record, int total_epochs)>;

class GFS_API Selector {
 public:
  explicit Selector(Config config = Config{});
  ~Selector();
  Selector(Selector&&) noexcept;
  Selector& operator=(Selector&&) noexcept;
  Selector(const Selector&) = delete;
  Selector& operator=(const Selector&) = delete;

  [[nodiscard]] const Config& config() const;
  Config& config();
  void set_progress(ProgressCallback callback);
  /// Checkpointing and resuming for the next fits (checkpoint.hpp).
  void set_checkpoint(CheckpointOptions options);
  /// Next fits run feature-parallel over the ranks of MPI_COMM_WORLD (gfs/mpi.hpp; every rank calls
  /// fit() with the same arguments and gets the same Result). Ignored with one rank. The progress
  /// callback must answer the same on every rank (it sees the same records); a checkpoint stop
  /// requested on any rank stops all of them after the same epoch.
  void set_feature_parallel(bool on);
  /// Next fits run feature-parallel over the ranks of an MPI communicator, given by its Fortran
  /// handle (MPI_Comm_c2f) so that this header needs no mpi.h: gfs/mpi_comm.hpp takes an MPI_Comm.
  /// A sub-communicator works: only its ranks take part. Ignored with one rank.
  void set_communicator(std::int64_t fortran_handle);

  /// A feature-parallel fit where each rank holds only its block of the columns: x is [n_rows,
  /// columns.count] (row-major), columns [columns.first, columns.first + columns.count) of a table of
  /// n_features, exactly the block gfs::mpi::columns_of(n_features, rank, size) names; y is whole
  /// on every rank. Every rank gets the same Result, equal to one process's fit on the whole table.
  /// With one process (no feature-parallel ranks) columns must be the whole table.
  const Result& fit_columns(const float* x, std::int64_t n_rows, Columns columns, std::int64_t n_features,
                            const float* y, int n_targets = 1);

  /// Trains on x [n_rows, n_features] (row-major, float32). Classification: y holds n_rows class
  /// labels, integers 0..C-1 stored as floats. Regression: y is [n_rows, n_targets] row-major.
  /// Survival (Task::kSurvival): y is [n_rows, 2] row-major, (time >= 0, event 1 or censored 0),
  /// n_targets = 2.
  /// Throws gfs::Error naming what is wrong with the input or the settings. A fit that throws
  /// (fit_columns too) leaves the previous successful fit's result as it was (scikit-learn keeps
  /// an estimator's fitted attributes the same way): fitted(), result() and transform() still
  /// answer for it.
  const Result& fit(const float* x, std::int64_t n_rows, std::int64_t n_features, const float* y, int n_targets = 1);

  /// fit() and fit_columns() without the N x D working copy: the fit standardises x where it is,
  /// (x - mean) / (std + 1e-6) with missing cells 0 (with standardize off: missing cells take the
  /// column's mean), and leaves it so. The Result is the one fit() gives on the same values; the
  /// memory the fit needs is that much smaller (fit_memory_bytes with in_place). For a caller that
  /// holds the only copy it needs of a table near the machine's memory: the gfs command does this.
  /// A fit refused for its input or settings has not touched x; one that fails later (numerically,
  /// or stopped for a checkpoint) may leave it standardised.
  const Result& fit_in_place(float* x, std::int64_t n_rows, std::int64_t n_features, const float* y,
                             int n_targets = 1);
  const Result& fit_columns_in_place(float* x, std::int64_t n_rows, Columns columns, std::int64_t n_features,
                                     const float* y, int n_targets = 1);

  [[nodiscard]] bool fitted() const;
  /// The last successful fit's result; throws if there is none.
  [[nodiscard]] const Result& result() const;

  /// The selected columns of x [n_rows, n_features], row-major [n_rows, n_selected], raw values.
  [[nodiscard]] std::vector<float> transform(const float* x, std::int64_t n_rows, std::int64_t n_features) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Support of a result under another rule (scores, logits and config are in the result). The
/// held-out test of kValidated needs the data: for it, this returns the fit's own validated support
/// and throws gfs::Error (kInvalidArgument) when the fit used another rule.
GFS_API std::vector<int> support(const Result& result, SupportRule rule, int top_k);

/// The memory a fit with `config` on an n_rows x n_features table needs in all, in bytes (the table,
/// its standardised copy, the model and optimizer, the held-out test or the members, the outputs
/// and the process's fixed cost; saturates instead of overflowing): what Selector::fit checks
/// before it allocates, for a caller that reads the table itself to check first. `in_place`: the
/// fit is Selector::fit_in_place's, which has no standardised copy.
GFS_API std::uint64_t fit_memory_bytes(const Config& config, std::int64_t n_rows, std::int64_t n_features,
                                       bool in_place = false);
/// The most a fit may use: Config::max_memory when set, else the memory available now.
GFS_API std::uint64_t fit_memory_limit(const Config& config);

/// "0.1.0"
GFS_API const char* version();

}  // namespace gfs
