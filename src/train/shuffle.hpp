/// @file shuffle.hpp
/// @brief Fisher-Yates driven by one subsequence of the seed's Philox stream (host only).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/philox.hpp"

namespace gfs::train {

/// Permutes `items` in place: the same seed and subsequence give the same order on every machine.
/// Swap i - 1 draws its 64-bit number from Philox block i of the subsequence.
template <typename Item>
void philox_shuffle(std::vector<Item>& items, std::uint64_t seed, std::uint64_t subsequence) {
  for (std::uint64_t i = items.size(); i > 1; --i) {
    const kern::Philox4 b = kern::philox_block(seed, subsequence, i);
    const std::uint64_t r = (static_cast<std::uint64_t>(b.v[0]) << 32) | b.v[1];
    std::swap(items[i - 1], items[r % i]);
  }
}

}  // namespace gfs::train
