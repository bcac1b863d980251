/* @file gfs_mpi.h
 * @brief The C API's feature-parallel fits over an MPI communicator (a libgfs built with MPI).
 *        Includes mpi.h: only code that uses MPI itself includes this header.
 *
 *   MPI_Comm half;
 *   MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half);
 *   gfs_fit_mpi(s, half, x, n_rows, n_features, y, 1);   (every rank of `half`, the same arguments)
 */
#ifndef GFS_GFS_MPI_H
#define GFS_GFS_MPI_H

#include <mpi.h>

#include "gfs/gfs.h"
#include "gfs/version.hpp"

#if !GFS_HAS_MPI
#error "this libgfs was built without MPI (GFS_HAS_MPI is 0): rebuild it with -DGFS_MPI=ON to fit over a communicator"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* gfs_fit over the ranks of `comm` (see gfs_fit_comm). */
static inline int gfs_fit_mpi(gfs_selector* s, MPI_Comm comm, const float* x, int64_t n_rows, int64_t n_features,
                              const float* y, int32_t n_targets) {
  return gfs_fit_comm(s, (int64_t)MPI_Comm_c2f(comm), x, n_rows, n_features, y, n_targets);
}

/* Each rank of `comm` passes only its block: gfs_columns_of(n_features, its rank in comm, the size of comm). */
static inline int gfs_fit_columns_mpi(gfs_selector* s, MPI_Comm comm, const float* x, int64_t n_rows, int64_t first,
                                      int64_t count, int64_t n_features, const float* y, int32_t n_targets) {
  return gfs_fit_columns_comm(s, (int64_t)MPI_Comm_c2f(comm), x, n_rows, first, count, n_features, y, n_targets);
}

#ifdef __cplusplus
}
#endif

#endif /* GFS_GFS_MPI_H */
