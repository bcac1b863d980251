/// @file requeue.hpp
/// @brief Batch-queue signals: SIGTERM and SIGUSR1 (Slurm's `--signal=B:USR1@120`) ask a fit that
///        checkpoints to stop after its current epoch, write its checkpoint and exit 75.
#pragma once

#include "cli/commands.hpp"
#include "gfs/checkpoint.hpp"

namespace gfs::cli {

/// The checkpoint options of `gfs select`; with --checkpoint, installs the signal handlers that
/// stop_requested reads.
CheckpointOptions checkpoint_options(const SelectArgs& a);

}  // namespace gfs::cli
