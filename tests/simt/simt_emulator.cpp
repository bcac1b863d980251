/// @file simt_emulator.cpp
/// @brief The block emulator's scheduler: fibers (ucontext), barriers, warp collectives, checks.
#include "simt_emulator.hpp"

#include <ucontext.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <sstream>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define GFS_SIMT_ASAN 1
#endif

namespace gfs::simt {

namespace {
constexpr std::size_t kStackBytes = 256 * 1024;
enum class State { kRunnable, kBarrier, kWarp, kDone };
enum class WarpKind { kShuffle, kBallot, kSyncwarp };
const char* kind_name(WarpKind k) {
  return k == WarpKind::kShuffle ? "__shfl_xor_sync" : k == WarpKind::kBallot ? "__ballot_sync" : "__syncwarp";
}
std::string hex(unsigned v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}
}  // namespace

const char* order_name(Order o) {
  return o == Order::kForward ? "forward" : o == Order::kReverse ? "reverse" : "random";
}

struct Thread {
  ucontext_t context{};
  State state = State::kRunnable;
  WarpKind kind = WarpKind::kSyncwarp;
  unsigned mask = 0, pred = 0;
  float value = 0.0F, result = 0.0F;
  int lane_mask = 0;
  unsigned ballot_result = 0;
  void* fake_stack = nullptr;
};

struct BlockState {
  Emulator* emu = nullptr;
  const char* name = "";
  Dim2 grid, bid;
  int block = 0;
  unsigned char* shared = nullptr;
  const std::function<void(EmuCtx&)>* body = nullptr;
  std::vector<Thread> threads;
  ucontext_t scheduler{};
  int current = -1;
  std::string error;
  const void* main_bottom = nullptr;
  std::size_t main_size = 0;

  std::string where(int t) const {
    std::ostringstream os;
    os << name << " block (" << bid.x << ", " << bid.y << ") thread " << t << " (warp " << t / 32 << " lane " << t % 32
       << ")";
    return os.str();
  }
  /// From the running fiber back to the scheduler; returns when the scheduler resumes it.
  void yield(int t) {
    Thread& th = threads[static_cast<std::size_t>(t)];
    ++emu->switches_;
#if defined(GFS_SIMT_ASAN)
    __sanitizer_start_switch_fiber(&th.fake_stack, main_bottom, main_size);
#endif
    swapcontext(&th.context, &scheduler);
#if defined(GFS_SIMT_ASAN)
    __sanitizer_finish_switch_fiber(th.fake_stack, nullptr, nullptr);
#endif
  }
  /// The running fiber records a defect (call abandon() next, after the message's temporaries
  /// are gone: the fiber's stack is never unwound, so anything it owns then would leak).
  void record(int t, const std::string& what) {
    if (error.empty()) error = where(t) + ": " + what;
  }
  /// The running fiber stops for good; the scheduler throws the recorded error.
  [[noreturn]] void abandon(int t) {
    threads[static_cast<std::size_t>(t)].state = State::kDone;
    yield(t);
    std::abort();  // unreachable: a failed block is never resumed
  }
};

namespace {
thread_local BlockState* g_block = nullptr;

__attribute__((noinline)) void run_thread_body(BlockState* b, int t) {
  EmuCtx ctx(b, t);
  (*b->body)(ctx);
}

void fiber_entry() {
  BlockState* b = g_block;
  const int t = b->current;
#if defined(GFS_SIMT_ASAN)
  __sanitizer_finish_switch_fiber(nullptr, &b->main_bottom, &b->main_size);
#endif
  run_thread_body(b, t);
  b->threads[static_cast<std::size_t>(t)].state = State::kDone;
#if defined(GFS_SIMT_ASAN)
  __sanitizer_start_switch_fiber(nullptr, b->main_bottom, b->main_size);  // this fiber ends
#endif
  setcontext(&b->scheduler);
}
}  // namespace

// ---- EmuCtx -----------------------------------------------------------------------------------

int EmuCtx::block_dim() const { return block_->block; }
int EmuCtx::bid_x() const { return block_->bid.x; }
int EmuCtx::bid_y() const { return block_->bid.y; }
int EmuCtx::grid_x() const { return block_->grid.x; }
int EmuCtx::grid_y() const { return block_->grid.y; }
unsigned char* EmuCtx::dynamic_shared_bytes() const { return block_->shared; }

void EmuCtx::sync() const {
  block_->threads[static_cast<std::size_t>(tid_)].state = State::kBarrier;
  block_->yield(tid_);
}

namespace {
void warp_op(BlockState* b, int t, WarpKind kind, unsigned mask) {
  const int lane = t & 31;
  if ((mask >> lane & 1U) == 0) {
    b->record(t, std::string(kind_name(kind)) + " with mask " + hex(mask) + " called by lane " + std::to_string(lane) +
                     ", which is outside the mask");
    b->abandon(t);
  }
  Thread& th = b->threads[static_cast<std::size_t>(t)];
  th.state = State::kWarp;
  th.kind = kind;
  th.mask = mask;
  b->yield(t);
}
}  // namespace

void EmuCtx::syncwarp(unsigned mask) const { warp_op(block_, tid_, WarpKind::kSyncwarp, mask); }

float EmuCtx::shfl_xor(unsigned mask, float v, int lane_mask) const {
  Thread& th = block_->threads[static_cast<std::size_t>(tid_)];
  th.value = v;
  th.lane_mask = lane_mask;
  warp_op(block_, tid_, WarpKind::kShuffle, mask);
  return th.result;
}

unsigned EmuCtx::ballot(unsigned mask, bool pred) const {
  Thread& th = block_->threads[static_cast<std::size_t>(tid_)];
  th.pred = pred ? 1U : 0U;
  warp_op(block_, tid_, WarpKind::kBallot, mask);
  return th.ballot_result;
}

// ---- Emulator ---------------------------------------------------------------------------------

Emulator::Emulator(Order order, std::uint64_t seed) : order_(order), rng_(seed) {}
Emulator::~Emulator() = default;

std::vector<int> Emulator::permutation(int n) {
  std::vector<int> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), 0);
  if (order_ == Order::kReverse) std::reverse(p.begin(), p.end());
  if (order_ == Order::kRandom) std::shuffle(p.begin(), p.end(), rng_);
  return p;
}

void Emulator::launch(const char* name, Dim2 grid, int block, std::size_t dynamic_shared,
                      const std::function<void(EmuCtx&)>& body) {
  launch_impl(name, grid, block, dynamic_shared, body, [] {});
}

void Emulator::launch_impl(const char* name, Dim2 grid, int block, std::size_t dynamic_shared,
                           const std::function<void(EmuCtx&)>& body, const std::function<void()>& new_block) {
  if (block < 1 || block > 1024 || grid.x < 1 || grid.y < 1)
    throw SimtError(std::string(name) + ": invalid launch geometry");
  while (stacks_.size() < static_cast<std::size_t>(block)) stacks_.emplace_back(new unsigned char[kStackBytes]);
  const std::vector<int> bx = permutation(grid.x), by = permutation(grid.y);
  for (int y : by) {
    for (int x : bx) {
      BlockState b;
      b.emu = this;
      b.name = name;
      b.grid = grid;
      b.bid = Dim2{x, y};
      b.block = block;
      b.body = &body;
      // Exactly the launch's dynamic shared memory, every byte 0xFF (NaN as float).
      std::unique_ptr<unsigned char[]> shared(new unsigned char[std::max<std::size_t>(dynamic_shared, 1)]);
      std::memset(shared.get(), 0xFF, std::max<std::size_t>(dynamic_shared, 1));
      b.shared = dynamic_shared > 0 ? shared.get() : nullptr;
      new_block();
      run_block(b);
    }
  }
}

void Emulator::run_block(BlockState& b) {
  const int n = b.block;
  b.threads.assign(static_cast<std::size_t>(n), Thread{});
  for (int t = 0; t < n; ++t) {
    Thread& th = b.threads[static_cast<std::size_t>(t)];
    unsigned char* stack = stacks_[static_cast<std::size_t>(t)].get();
#if defined(GFS_SIMT_ASAN)
    ASAN_UNPOISON_MEMORY_REGION(stack, kStackBytes);  // frames abandoned by an earlier failed block
#endif
    getcontext(&th.context);
    th.context.uc_stack.ss_sp = stack;
    th.context.uc_stack.ss_size = kStackBytes;
    th.context.uc_link = nullptr;
    makecontext(&th.context, fiber_entry, 0);
  }
  BlockState* const saved = g_block;
  g_block = &b;
  auto resume = [&](int t) {
    b.current = t;
    ++switches_;
#if defined(GFS_SIMT_ASAN)
    void* fake = nullptr;
    __sanitizer_start_switch_fiber(&fake, stacks_[static_cast<std::size_t>(t)].get(), kStackBytes);
#endif
    swapcontext(&b.scheduler, &b.threads[static_cast<std::size_t>(t)].context);
#if defined(GFS_SIMT_ASAN)
    __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#endif
  };
  auto fail = [&](const std::string& what) {
    g_block = saved;
    throw SimtError(std::string("simt [") + order_name(order_) + "] " + what);
  };
  for (;;) {
    for (int t : permutation(n)) {
      if (b.threads[static_cast<std::size_t>(t)].state != State::kRunnable) continue;
      resume(t);
      if (!b.error.empty()) fail(b.error);
    }
    // No thread can run: complete the warp collectives whose lanes have all arrived.
    bool progressed = false, all_done = true;
    for (int t = 0; t < n; ++t) {
      Thread& th = b.threads[static_cast<std::size_t>(t)];
      if (th.state != State::kDone) all_done = false;
      if (th.state != State::kWarp) continue;
      const int warp0 = t & ~31;
      bool ready = true;
      for (int l = 0; l < 32 && ready; ++l) {
        if ((th.mask >> l & 1U) == 0) continue;
        const int u = warp0 + l;
        if (u >= n)
          fail(b.where(t) + ": " + kind_name(th.kind) + " mask " + hex(th.mask) + " names lane " + std::to_string(l) +
               ", which does not exist in a block of " + std::to_string(n));
        const Thread& o = b.threads[static_cast<std::size_t>(u)];
        if (o.state == State::kRunnable)
          ready = false;  // released by another collective this round
        else if (o.state == State::kDone)
          fail(b.where(t) + ": " + kind_name(th.kind) + " mask " + hex(th.mask) + " names lane " + std::to_string(l) +
               ", which exited without arriving");
        else if (o.state == State::kBarrier)
          fail(b.where(t) + ": " + kind_name(th.kind) + " mask " + hex(th.mask) + " names lane " + std::to_string(l) +
               ", which waits at __syncthreads instead");
        else if (o.kind != th.kind || o.mask != th.mask)
          fail(b.where(t) + ": " + kind_name(th.kind) + " mask " + hex(th.mask) + " meets lane " + std::to_string(l) +
               " at " + kind_name(o.kind) + " mask " + hex(o.mask));
      }
      if (!ready) continue;
      // Every lane of the mask is here: compute all results, then release them together.
      unsigned votes = 0;
      for (int l = 0; l < 32; ++l)
        if (th.mask >> l & 1U) votes |= b.threads[static_cast<std::size_t>(warp0 + l)].pred << l;
      for (int l = 0; l < 32; ++l) {
        if ((th.mask >> l & 1U) == 0) continue;
        Thread& p = b.threads[static_cast<std::size_t>(warp0 + l)];
        if (p.kind == WarpKind::kShuffle) {
          const int src = l ^ p.lane_mask;
          if (src < 0 || src > 31 || (th.mask >> src & 1U) == 0)
            fail(b.where(warp0 + l) + ": __shfl_xor_sync reads lane " + std::to_string(src) + ", outside mask " +
                 hex(th.mask));
          p.result = b.threads[static_cast<std::size_t>(warp0 + src)].value;
        }
        p.ballot_result = votes;
      }
      for (int l = 0; l < 32; ++l)
        if (th.mask >> l & 1U) b.threads[static_cast<std::size_t>(warp0 + l)].state = State::kRunnable;
      progressed = true;
    }
    if (all_done) break;
    if (progressed) continue;
    // Only barriers (and exited threads) are left: every thread must be at the barrier.
    int at_barrier = 0, first_missing = -1;
    for (int t = 0; t < n; ++t) {
      if (b.threads[static_cast<std::size_t>(t)].state == State::kBarrier)
        ++at_barrier;
      else if (first_missing < 0)
        first_missing = t;
    }
    if (at_barrier < n)
      fail(b.where(first_missing) + ": exited without reaching the __syncthreads that " + std::to_string(at_barrier) +
           " of " + std::to_string(n) + " threads wait at");
    for (Thread& th : b.threads) th.state = State::kRunnable;
  }
  g_block = saved;
}

}  // namespace gfs::simt
