/// @file requeue.hpp
/// @brief Batch jobs: MPI launches, and the signals: SIGTERM and SIGUSR1 (Slurm's `--signal=B:USR1@120`) ask a fit that
///        checkpoints to stop after its current epoch, write its checkpoint and exit 75.
#pragma once

#include <memory>

#include "cli/commands.hpp"
#include "gfs/checkpoint.hpp"
#include "gfs/mpi.hpp"

namespace gfs::cli {

/// The checkpoint options of `gfs select`, checked before the input is read. With --checkpoint:
/// the path this process writes (PATH.rank<r> under MPI) must be writable and must not be one of the
/// inputs, the output, a directory or a special file (gfs::Error, exit 2), and the handlers of
/// SIGTERM and SIGUSR1 that stop_requested reads are installed now, so that a signal even during the
/// reading ends the fit after its next epoch with the checkpoint written (exit 75).
CheckpointOptions checkpoint_options(const SelectArgs& a, const mpi::Session* ranks);

/// An MPI session when the process was started as one of several MPI ranks (mpirun, srun), else
/// nullptr. Throws gfs::Error (kInvalidArgument) when it was but gfs was built without MPI.
std::unique_ptr<mpi::Session> mpi_session();

}  // namespace gfs::cli
