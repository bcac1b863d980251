/// @file philox.hpp
/// @brief Philox4x32-10 (Salmon et al., SC'11), counter-based, identical on host and device.
///
/// The stream layout follows cuRAND's curandStatePhilox4_32_10_t: key = seed (low word, high word);
/// curand_init(seed, subsequence, offset) puts `subsequence` in counter words 2-3 and offset/4 in
/// counter words 0-1. So block `q` of subsequence `s` here equals curand_uniform4() after
/// curand_init(seed, s, 4*q, &state), which lets the CUDA backend draw exactly the CPU's noise.
#pragma once

#include <cstdint>

#include "host_device.hpp"

namespace gfs::kern {

struct Philox4 {
  std::uint32_t v[4];
};

GFS_HOST_DEVICE void mul_hi_lo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}

/// The raw bijection: 10 rounds over a 128-bit counter with a 64-bit key.
GFS_HOST_DEVICE Philox4 philox4x32_10(Philox4 ctr, std::uint32_t k0, std::uint32_t k1) {
  constexpr std::uint32_t kMul0 = 0xD2511F53U;
  constexpr std::uint32_t kMul1 = 0xCD9E8D57U;
  constexpr std::uint32_t kWeyl0 = 0x9E3779B9U;
  constexpr std::uint32_t kWeyl1 = 0xBB67AE85U;
  for (int round = 0; round < 10; ++round) {
    std::uint32_t hi0, lo0, hi1, lo1;
    mul_hi_lo(kMul0, ctr.v[0], hi0, lo0);
    mul_hi_lo(kMul1, ctr.v[2], hi1, lo1);
    ctr = Philox4{{hi1 ^ ctr.v[1] ^ k0, lo1, hi0 ^ ctr.v[3] ^ k1, lo0}};
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return ctr;
}

/// Block `block` (4 words) of subsequence `subsequence` for `seed`.
GFS_HOST_DEVICE Philox4 philox_block(std::uint64_t seed, std::uint64_t subsequence, std::uint64_t block) {
  const Philox4 ctr{{static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
                     static_cast<std::uint32_t>(subsequence), static_cast<std::uint32_t>(subsequence >> 32)}};
  return philox4x32_10(ctr, static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
}

/// cuRAND's uint -> float map: (x + 0.5) * 2^-32 in float arithmetic, so u lies in (0, 1]
/// (it rounds to exactly 1.0f for the largest x: the Gumbel transform clamps for that).
GFS_HOST_DEVICE float uint_to_uniform(std::uint32_t x) {
  constexpr float k2pow32Inv = 2.3283064e-10F;
  return static_cast<float>(x) * k2pow32Inv + (k2pow32Inv / 2.0F);
}

/// Independent streams of one seed, one subsequence range each; a step's noise is subsequence
/// kTrainStream + step, a scoring draw's is kScoreStream + draw.
inline constexpr std::uint64_t kTrainStream = 0;
inline constexpr std::uint64_t kScoreStream = 1ULL << 62;
inline constexpr std::uint64_t kInitStream = 1ULL << 63;
inline constexpr std::uint64_t kShuffleStream = (1ULL << 63) | (1ULL << 62);

/// Uniform number `index` of a subsequence (four per Philox block).
GFS_HOST_DEVICE float philox_uniform(std::uint64_t seed, std::uint64_t subsequence, std::uint64_t index) {
  const Philox4 b = philox_block(seed, subsequence, index >> 2);
  return uint_to_uniform(b.v[index & 3U]);
}

}  // namespace gfs::kern
