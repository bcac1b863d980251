/// @file team_barrier.hpp
/// @brief A barrier for the OpenMP team of the CPU step: spins briefly, then yields the core.
///
/// A training step at batch 1 lasts microseconds and crosses four barriers, so waiting must be
/// cheap on an idle machine (spinning) and must not starve a descheduled team-mate when the
/// cores are shared (yielding). An OpenMP barrier spins for a fixed budget whatever the load,
/// which made a two-thread fit 50x slower on a busy two-core machine.
#pragma once

#include <atomic>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace gfs::detail {

class TeamBarrier {
 public:
  /// Blocks until `team` threads have called wait(); every caller passes the same `team`.
  void wait(int team) {
    if (team <= 1) return;
    const unsigned gen = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) == team - 1) {
      arrived_.store(0, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
      return;
    }
    for (int spins = 0; generation_.load(std::memory_order_acquire) == gen; ++spins) {
      if (spins < kSpins) {
        pause();
      } else {
        if (spins == kSpins) slow_waits_.fetch_add(1, std::memory_order_relaxed);
        std::this_thread::yield();
      }
    }
  }

  /// Waits that outlasted the spin budget since the last call: a team-mate was descheduled, so
  /// the cores are shared with other work.
  int take_slow_waits() { return slow_waits_.exchange(0, std::memory_order_relaxed); }

 private:
  static constexpr int kSpins = 4000;  // about 10-40 us of polling before yielding the core
  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
  }
  alignas(64) std::atomic<int> arrived_{0};
  alignas(64) std::atomic<unsigned> generation_{0};
  std::atomic<int> slow_waits_{0};
};

}  // namespace gfs::detail
