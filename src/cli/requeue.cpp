/// @file requeue.cpp
/// @brief SIGTERM / SIGUSR1 -> "stop after this epoch and checkpoint".
#include "cli/requeue.hpp"

#include <sys/stat.h>

#include <csignal>
#include <cstdlib>
#include <string>

#include "common/safe_file.hpp"
#include "gfs/error.hpp"

namespace gfs::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;

extern "C" void request_stop(int) { g_stop = 1; }

}  // namespace

CheckpointOptions checkpoint_options(const SelectArgs& a, const mpi::Session* ranks) {
  CheckpointOptions o;
  o.path = a.checkpoint;
  o.every = a.checkpoint_every;
  o.resume = a.resume;
  if (a.checkpoint_every > 0 && a.checkpoint.empty())
    throw Error(ErrorCode::kInvalidArgument, "--checkpoint-every needs --checkpoint FILE");
  if (!a.checkpoint.empty()) {
    // The file this process writes (libgfs appends .rank<r> under MPI), checked as -o is: now, not
    // when the first checkpoint is due.
    const std::string mine = ranks != nullptr ? a.checkpoint + ".rank" + std::to_string(ranks->rank()) : a.checkpoint;
    struct stat ck {};
    struct stat out {};
    const bool same = mine == a.output || (::stat(mine.c_str(), &ck) == 0 && ::stat(a.output.c_str(), &out) == 0 &&
                                           ck.st_dev == out.st_dev && ck.st_ino == out.st_ino);
    if (same)
      throw Error(ErrorCode::kInvalidArgument, "--checkpoint " + mine + " is also the output (-o " + a.output +
                                                   "): give the checkpoint a path of its own");
    (void)sys::check_write_target(mine, {a.in.input, a.in.labels}, "checkpoint", sys::SpecialFiles::kRefuse);
    struct sigaction sa {};
    sa.sa_handler = request_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGUSR1, &sa, nullptr);
    o.stop_requested = [] { return g_stop != 0; };
  }
  return o;
}

std::unique_ptr<mpi::Session> mpi_session() {
  // The launchers' rank counts: Open MPI's mpirun, then PMI/PMIx (srun, MPICH's hydra).
  int size = 1;
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    if (const char* v = std::getenv(var); v != nullptr) {
      size = std::atoi(v);
      break;
    }
  }
  if (size <= 1) return nullptr;
  if (!mpi::available())
    throw Error(ErrorCode::kInvalidArgument,
                "started as one of " + std::to_string(size) +
                    " MPI ranks, but gfs was built without MPI: rebuild with -DGFS_MPI=ON, "
                    "or run one process");
  return std::make_unique<mpi::Session>(nullptr, nullptr);
}

}  // namespace gfs::cli
