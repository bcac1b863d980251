/// @file pair_hits.cpp
/// @brief The pair screen kernel's bounded hit list (see pair_hits.hpp).
#include "backends/cpu/pair_hits.hpp"

#include <algorithm>

namespace gfs::detail {
namespace {

/// Cuts `hits` back to its `keep` strongest (in no particular order).
void keep_strongest(std::vector<PairSum>& hits, std::size_t keep) {
  if (hits.size() <= keep) return;
  std::nth_element(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(keep), hits.end(), stronger_pair);
  hits.resize(keep);
}

}  // namespace

PairHitList::PairHitList(std::size_t max_hits, int threads)
    : max_hits_(max_hits), chunks_(static_cast<std::size_t>(std::max(threads, 1))) {
  for (Chunk& c : chunks_) c.hits.reserve(kPairHitChunk);
  shared_.reserve(2 * max_hits + kPairHitChunk);
}

void PairHitList::flush(int t) noexcept {
  std::vector<PairSum>& chunk = chunks_[static_cast<std::size_t>(t)].hits;
  if (chunk.empty()) return;
#pragma omp critical(gfs_pair_hit_list)
  {
    // shared_ holds at most 2 max_hits here, so the chunk fits in its capacity: no allocation.
    shared_.insert(shared_.end(), chunk.begin(), chunk.end());
    if (shared_.size() > 2 * max_hits_) keep_strongest(shared_, max_hits_);
  }
  chunk.clear();
}

void PairHitList::take(std::vector<PairSum>& hits) {
  for (const Chunk& c : chunks_)
    if (c.error) std::rethrow_exception(c.error);
  for (std::size_t t = 0; t < chunks_.size(); ++t) flush(static_cast<int>(t));
  keep_strongest(shared_, max_hits_);
  std::sort(shared_.begin(), shared_.end(),
            [](const PairSum& p, const PairSum& q) { return p.a != q.a ? p.a < q.a : p.b < q.b; });
  hits = std::move(shared_);
  shared_.clear();
}

}  // namespace gfs::detail
