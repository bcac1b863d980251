/// @file mpi.hpp
/// @brief Feature-parallel fits over MPI (a build with GFS_MPI): every rank of MPI_COMM_WORLD
///        trains a contiguous block of the columns; the result equals one process's.
///
///   gfs::mpi::Session mpi(&argc, &argv);      // MPI_Init_thread unless MPI is running already
///   gfs::Selector sel(cfg);
///   sel.set_feature_parallel(mpi.size() > 1);  // every rank calls fit() with the same data
///   const gfs::Result& r = sel.fit(...);       // the same Result on every rank
///   if (mpi.rank() == 0) write(r);
///
/// Rank-local input: each rank reads only columns_of(D, rank, size) and calls fit_columns().
/// A communicator other than MPI_COMM_WORLD: gfs/mpi_comm.hpp (which includes mpi.h).
#pragma once

#include <cstdint>

#include "gfs/export.h"
#include "gfs/selector.hpp"

namespace gfs::mpi {

/// True when libgfs was built with MPI.
GFS_API bool available();

/// The block of columns rank `rank` of `size` trains in a feature-parallel fit of `n_features`
/// columns (contiguous, whole column chunks). Throws gfs::Error (kInvalidArgument) when the columns
/// make fewer chunks than there are ranks.
GFS_API Columns columns_of(std::int64_t n_features, int rank, int size);

/// Initialises MPI for the process (thread level "serialized") unless it is initialised already,
/// and finalises it at destruction when it initialised it. Throws gfs::Error (kInvalidArgument)
/// in a build without MPI.
class GFS_API Session {
 public:
  Session(int* argc, char*** argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }
  /// Ends every rank at once (MPI_Abort) with `code`: for an error seen by one rank only.
  [[noreturn]] static void abort(int code);

 private:
  bool owner_ = false;
  int rank_ = 0, size_ = 1;
};

}  // namespace gfs::mpi
