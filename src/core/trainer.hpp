/// @file trainer.hpp
/// @brief The training loop: it orchestrates epochs on a backend and assembles the Result.
#pragma once

#include <cstdint>

#include "gfs/result.hpp"
#include "gfs/selector.hpp"

namespace gfs::detail {

/// How a fit is spread over processes.
struct Parallel {
  bool on = false;        ///< feature-parallel over MPI ranks
  bool has_comm = false;  ///< over the communicator `comm` (else MPI_COMM_WORLD)
  std::int64_t comm = 0;  ///< its Fortran handle (MPI_Comm_c2f)
  Columns columns;        ///< count > 0: x holds only these columns [n_rows, count] (this rank's block)
};

/// x [n_rows, n_features], or with parallel.columns this rank's block of it. `in_place`: x itself,
/// writable: the fit standardises (or imputes) it there instead of in an N x D copy, and leaves it so.
/// `config` has been validated (Selector::fit does, once per fit); the fit resolves it once
/// (make_fit_plan) and everything downstream reads that.
Result train(const Config& config, const float* x, std::int64_t n_rows, std::int64_t n_features, const float* y,
             int n_targets, const ProgressCallback& progress, const CheckpointOptions& checkpoint = {},
             const Parallel& parallel = {}, float* in_place = nullptr);

}  // namespace gfs::detail
