/// @file requeue.cpp
/// @brief SIGTERM / SIGUSR1 -> "stop after this epoch and checkpoint".
#include "cli/requeue.hpp"

#include <csignal>

#include "gfs/error.hpp"

namespace gfs::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;

extern "C" void request_stop(int) { g_stop = 1; }

}  // namespace

CheckpointOptions checkpoint_options(const SelectArgs& a) {
  CheckpointOptions o;
  o.path = a.checkpoint;
  o.every = a.checkpoint_every;
  o.resume = a.resume;
  if (a.checkpoint_every > 0 && a.checkpoint.empty())
    throw Error(ErrorCode::kInvalidArgument, "--checkpoint-every needs --checkpoint FILE");
  if (!a.checkpoint.empty()) {
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

}  // namespace gfs::cli
