/// @file requeue.hpp
/// @brief Batch jobs: MPI launches, and the signals: SIGTERM and SIGUSR1 (Slurm's `--signal=B:USR1@120`) ask a fit that
///        checkpoints to stop after its current epoch, write its checkpoint and exit 75.
#pragma once

#include <memory>

#include "cli/commands.hpp"
#include "gfs/checkpoint.hpp"
#include "gfs/mpi.hpp"

namespace gfs::cli {

/// The checkpoint options of `gfs select`; with --checkpoint, installs the signal handlers that
/// stop_requested reads.
CheckpointOptions checkpoint_options(const SelectArgs& a);

/// An MPI session when the process was started as one of several MPI ranks (mpirun, srun), else
/// nullptr. Throws gfs::Error (kInvalidArgument) when it was but gfs was built without MPI.
std::unique_ptr<mpi::Session> mpi_session();

}  // namespace gfs::cli
