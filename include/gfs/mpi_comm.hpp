/// @file mpi_comm.hpp
/// @brief Feature-parallel fits over any MPI communicator (a sub-communicator included). Includes
///        mpi.h: only code that uses MPI itself includes this header; gfs/mpi.hpp needs no mpi.h.
///
///   MPI_Comm half;
///   MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half);
///   gfs::Selector sel(cfg);
///   const gfs::Result& r = gfs::mpi::fit(sel, half, x, n_rows, n_features, y);  // the ranks of `half`
#pragma once

#include "gfs/version.hpp"
#if !GFS_HAS_MPI
#error "this libgfs was built without MPI (GFS_HAS_MPI is 0): rebuild it with -DGFS_MPI=ON to fit over a communicator"
#endif

#include <mpi.h>

#include "gfs/mpi.hpp"
#include "gfs/selector.hpp"

namespace gfs::mpi {

namespace detail {
/// Sets `comm` on a selector for one call and takes it away again (the communicator may be freed
/// after the call; later fits of the selector run in one process).
class CommScope {
 public:
  CommScope(Selector& s, MPI_Comm comm) : s_(s) { s_.set_communicator(static_cast<std::int64_t>(MPI_Comm_c2f(comm))); }
  ~CommScope() { s_.set_feature_parallel(false); }
  CommScope(const CommScope&) = delete;
  CommScope& operator=(const CommScope&) = delete;

 private:
  Selector& s_;
};
}  // namespace detail

/// Selector::fit feature-parallel over the ranks of `comm` (every rank passes the whole table).
inline const Result& fit(Selector& selector, MPI_Comm comm, const float* x, std::int64_t n_rows,
                         std::int64_t n_features, const float* y, int n_targets = 1) {
  const detail::CommScope scope(selector, comm);
  return selector.fit(x, n_rows, n_features, y, n_targets);
}

/// Selector::fit_columns over the ranks of `comm`: each rank passes its block, columns_of(n_features,
/// its rank in comm, the size of comm).
inline const Result& fit_columns(Selector& selector, MPI_Comm comm, const float* x, std::int64_t n_rows,
                                 Columns columns, std::int64_t n_features, const float* y, int n_targets = 1) {
  const detail::CommScope scope(selector, comm);
  return selector.fit_columns(x, n_rows, columns, n_features, y, n_targets);
}

}  // namespace gfs::mpi
