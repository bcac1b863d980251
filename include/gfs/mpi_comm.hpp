/// @file mpi_comm.hpp
/// @brief Feature-parallel fits over any MPI communicator (a sub-communicator included). Includes
///        mpi.h: only code that uses MPI itself includes this header; gfs/mpi.hpp needs no mpi.h.
///
///   MPI_Comm half;
///   MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half);
///   gfs::Selector sel(cfg);
///   const gfs::Result& r = gfs::mpi::fit(sel, half, x, n_rows, n_features, y);  // the ranks of `half`
#pragma once

#include <mpi.h>

#include "gfs/mpi.hpp"
#include "gfs/selector.hpp"

namespace gfs::mpi {

/// Selector::fit feature-parallel over the ranks of `comm` (every rank passes the whole table).
inline const Result& fit(Selector& selector, MPI_Comm comm, const float* x, std::int64_t n_rows,
                         std::int64_t n_features, const float* y, int n_targets = 1) {
  selector.set_communicator(static_cast<std::int64_t>(MPI_Comm_c2f(comm)));
  return selector.fit(x, n_rows, n_features, y, n_targets);
}

/// Selector::fit_columns over the ranks of `comm`: each rank passes its block, columns_of(n_features,
/// its rank in comm, the size of comm).
inline const Result& fit_columns(Selector& selector, MPI_Comm comm, const float* x, std::int64_t n_rows,
                                 Columns columns, std::int64_t n_features, const float* y, int n_targets = 1) {
  selector.set_communicator(static_cast<std::int64_t>(MPI_Comm_c2f(comm)));
  return selector.fit_columns(x, n_rows, columns, n_features, y, n_targets);
}

}  // namespace gfs::mpi
