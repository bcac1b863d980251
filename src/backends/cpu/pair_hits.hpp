/// @file pair_hits.hpp
/// @brief The pair screen kernel's hit list, bounded while it fills: the `max_hits` strongest
///        pairs (stronger_pair) of however many pass the cutoff. Compiled once, for the baseline
///        instruction set (cpu_backend_<isa>.cpp include it before their target pragma).
///
/// Each thread collects hits in its own chunk (kPairHitChunk) and merges a full chunk into one
/// shared list; the shared list is cut back to the strongest `max_hits` whenever it holds twice
/// that many, so each hit costs O(1) amortised and the memory is pair_hit_bytes(max_hits, threads)
/// from the first hit on, all of it reserved before the parallel region (nothing inside it
/// allocates, so nothing there can throw). Which hits are kept does not depend on the order the
/// threads merge in: stronger_pair is a strict total order.
#pragma once

#include <cstddef>
#include <exception>
#include <vector>

#include "backends/backends.hpp"

namespace gfs::detail {

class PairHitList {
 public:
  /// Reserves every buffer (throws std::bad_alloc here, before any parallel region, if it cannot).
  PairHitList(std::size_t max_hits, int threads);

  /// Thread t's hit: kept in its chunk, the chunk merged when full. Call only from thread t.
  void add(int t, const PairSum& hit) noexcept {
    std::vector<PairSum>& chunk = chunks_[static_cast<std::size_t>(t)].hits;
    chunk.push_back(hit);  // within the capacity reserved: no allocation
    if (chunk.size() == kPairHitChunk) flush(t);
  }
  /// Merges thread t's chunk into the shared list (thread-safe).
  void flush(int t) noexcept;
  /// Records the exception of thread t (the first one is rethrown by take()).
  void fail(int t, std::exception_ptr e) noexcept { chunks_[static_cast<std::size_t>(t)].error = std::move(e); }

  /// After the parallel region: rethrows a thread's exception, else moves the strongest
  /// `max_hits` hits into `hits`, ordered by (a, b).
  void take(std::vector<PairSum>& hits);

 private:
  struct alignas(64) Chunk {  // one cache line per thread's bookkeeping
    std::vector<PairSum> hits;
    std::exception_ptr error;
  };
  std::size_t max_hits_;
  std::vector<Chunk> chunks_;
  std::vector<PairSum> shared_;  ///< capacity 2 max_hits + kPairHitChunk
};

}  // namespace gfs::detail
