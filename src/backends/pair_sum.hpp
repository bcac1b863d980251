/// @file pair_sum.hpp
/// @brief The pair screen kernel's hits (cpu_pair_products, backends.hpp) and the bound on how
///        many it keeps; standard headers only, so the memory estimate can count them anywhere.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gfs::detail {

/// One pair of columns a < b and its sum S_ab (see cpu_pair_products).
struct PairSum {
  std::int32_t a, b;
  float sum;
};
/// The order of strength among hits: larger |S_ab| first, ties by (a, b). A strict total order, so
/// "the k strongest" names one set whatever order the hits were found in.
inline bool stronger_pair(const PairSum& p, const PairSum& q) {
  const float fp = p.sum < 0 ? -p.sum : p.sum, fq = q.sum < 0 ? -q.sum : q.sum;
  return fp != fq ? fp > fq : (p.a != q.a ? p.a < q.a : p.b < q.b);
}
/// The most hits cpu_pair_products keeps by default (the pair screen computes their exact z).
inline constexpr std::size_t kMaxPairHits = std::size_t{1} << 20;
/// Hits a thread collects before it merges them into the shared bounded list.
inline constexpr std::size_t kPairHitChunk = std::size_t{1} << 14;
/// The most bytes cpu_pair_products' hit lists hold at once for `max_hits` and `threads` (> 0):
/// the shared list (2 max_hits + one chunk) and one chunk per thread.
inline std::uint64_t pair_hit_bytes(std::size_t max_hits, int threads) {
  return (2 * static_cast<std::uint64_t>(max_hits) + kPairHitChunk * (1 + static_cast<std::uint64_t>(threads))) *
         sizeof(PairSum);
}

}  // namespace gfs::detail
