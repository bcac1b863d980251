/// @file checkpoint.hpp
/// @brief Checkpoints of a fit: where and how often the training state is written, where a fit
///        resumes from, and how a batch job asks a running fit to stop at the end of its epoch.
///
///   gfs::CheckpointOptions ck;
///   ck.path = "fit.ckpt";  ck.every = 10;                 // after every 10th epoch
///   ck.stop_requested = [] { return got_sigterm != 0; };  // polled after each epoch
///   sel.set_checkpoint(ck);
///   sel.fit(...);   // throws gfs::Error with ErrorCode::kCheckpointed after a requested stop
///   ck.resume = "fit.ckpt";  // same data, same settings: the result equals an uninterrupted fit's
#pragma once

#include <functional>
#include <string>

#include "gfs/export.h"

namespace gfs {

struct CheckpointOptions {
  /// Where the training state is written (atomically; replaced each time). Empty: never written.
  std::string path;
  /// Write after every `every`-th epoch (0: only when a stop is requested).
  int every = 0;
  /// Start from this checkpoint instead of a fresh model. Its data and settings (all but device,
  /// threads and verbose) must be this fit's, or fit() throws gfs::Error naming the difference.
  std::string resume;
  /// Polled after each epoch of the main fit; true: write the checkpoint (to `path`) and stop by
  /// throwing gfs::Error with ErrorCode::kCheckpointed. Must be cheap (e.g. read a flag a signal
  /// handler sets).
  std::function<bool()> stop_requested;
};

/// Removes the temporary files libgfs is writing at this moment (a checkpoint not yet renamed into
/// place). Async-signal-safe: a program's handler for SIGINT, SIGHUP, ... calls it before it ends the
/// process, so that no stray temporary file is left beside the checkpoint.
GFS_API void remove_temporary_files() noexcept;

}  // namespace gfs
