/// @file simt_emulator.hpp
/// @brief A CPU block emulator for the CUDA kernel bodies (kernels/cuda/*_body.cuh), test code.
///
/// Each block's threads run as fibers (ucontext) on one OS thread. A thread runs until it reaches
/// a block barrier or a warp collective (shuffle, ballot, syncwarp), then the next one runs; the
/// order in which runnable threads (and blocks) are resumed is forward, reverse or a seeded
/// random permutation redrawn at every round. So a missing barrier shows up as a read of
/// poisoned shared memory (every byte 0xFF: a NaN in a float) or as results that depend on the
/// order. Dynamic shared memory is allocated at exactly the launch's size (ASan reports an
/// overrun) and so is the static-shared struct. The emulator reports, as SimtError:
///   - a barrier not reached by every thread of the block (a thread exited, or waits on a warp op);
///   - a warp collective called by a lane outside its own mask, or whose mask names a lane that
///     exited, waits at a barrier, or waits at a collective with another mask or kind;
///   - a deadlock (no thread can run, not all exited).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace gfs::simt {

/// What the emulator found wrong with a kernel (a bug in the kernel, not in the test).
class SimtError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Order { kForward, kReverse, kRandom };
const char* order_name(Order o);

/// The three orders every kernel test runs under.
inline const Order kAllOrders[] = {Order::kForward, Order::kReverse, Order::kRandom};

struct Dim2 {
  int x = 1, y = 1;
};

class Emulator;
struct BlockState;

/// The execution context of one emulated thread (the interface of kernels/cuda/simt.hpp).
class EmuCtx {
 public:
  EmuCtx(BlockState* block, int tid) : block_(block), tid_(tid) {}
  int tid() const { return tid_; }
  int block_dim() const;
  int bid_x() const;
  int bid_y() const;
  int grid_x() const;
  int grid_y() const;
  void sync() const;
  void syncwarp(unsigned mask = 0xFFFFFFFFU) const;
  float shfl_xor(unsigned mask, float v, int lane_mask) const;
  unsigned ballot(unsigned mask, bool pred) const;
  template <typename T>
  T* dynamic_shared() const {
    return reinterpret_cast<T*>(dynamic_shared_bytes());
  }

 private:
  unsigned char* dynamic_shared_bytes() const;
  BlockState* block_;
  int tid_;
};

/// Runs kernels block by block. One Emulator per thread order; reusable across launches.
class Emulator {
 public:
  explicit Emulator(Order order, std::uint64_t seed = 1234);
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  /// Launches grid x block threads; `body(ctx)` is one thread's kernel body. Dynamic shared memory
  /// of exactly `dynamic_shared` bytes, poisoned. Throws SimtError on a defect.
  void launch(const char* name, Dim2 grid, int block, std::size_t dynamic_shared,
              const std::function<void(EmuCtx&)>& body);

  /// As launch(), with a static-shared struct S allocated (exactly sizeof(S), poisoned) per block
  /// and handed to `body(ctx, s)`.
  template <typename S, typename F>
  void launch_shared(const char* name, Dim2 grid, int block, std::size_t dynamic_shared, F body) {
    std::unique_ptr<unsigned char[]> storage;
    S* s = nullptr;
    launch_impl(
        name, grid, block, dynamic_shared, [&](EmuCtx& ctx) { body(ctx, *s); },
        [&] {
          storage.reset(new unsigned char[sizeof(S)]);
          std::memset(storage.get(), 0xFF, sizeof(S));
          s = reinterpret_cast<S*>(storage.get());
        });
  }

  Order order() const { return order_; }
  /// Fiber switches so far (a cheap measure of how much interleaving a test saw).
  std::int64_t switches() const { return switches_; }

 private:
  friend class EmuCtx;
  friend struct BlockState;
  void launch_impl(const char* name, Dim2 grid, int block, std::size_t dynamic_shared,
                   const std::function<void(EmuCtx&)>& body, const std::function<void()>& new_block);
  void run_block(BlockState& b);
  std::vector<int> permutation(int n);

  Order order_;
  std::mt19937_64 rng_;
  std::int64_t switches_ = 0;
  std::vector<std::unique_ptr<unsigned char[]>> stacks_;
};

}  // namespace gfs::simt
