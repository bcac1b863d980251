/// @file host_device.hpp
/// @brief GFS_HOST_DEVICE and the few scalar primitives whose spelling differs between host and device.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define GFS_HOST_DEVICE __host__ __device__ __forceinline__
#else
// always_inline: the hot loops vectorise only when the whole per-element chain is inlined.
#define GFS_HOST_DEVICE inline __attribute__((always_inline))
#endif

namespace gfs::kern {

GFS_HOST_DEVICE float sqrt_(float x) { return sqrtf(x); }
GFS_HOST_DEVICE double sqrt_(double x) { return sqrt(x); }
GFS_HOST_DEVICE float exp_(float x) { return expf(x); }
GFS_HOST_DEVICE double exp_(double x) { return exp(x); }
GFS_HOST_DEVICE float log_(float x) { return logf(x); }
GFS_HOST_DEVICE double log_(double x) { return log(x); }

/// min/max in the form the host vectoriser recognises (a ternary on a reassigned variable is not).
template <typename T>
GFS_HOST_DEVICE T min_(T a, T b) {
#if defined(__CUDA_ARCH__)
  return b < a ? b : a;
#else
  return std::min(a, b);
#endif
}
template <typename T>
GFS_HOST_DEVICE T max_(T a, T b) {
#if defined(__CUDA_ARCH__)
  return a < b ? b : a;
#else
  return std::max(a, b);
#endif
}

/// Bit-exact reinterpretation, usable on both sides (memcpy folds to a move on the host).
GFS_HOST_DEVICE float bits_to_float(std::uint32_t b) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(b);
#else
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
#endif
}
GFS_HOST_DEVICE std::uint32_t float_to_bits(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(f);
#else
  std::uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
#endif
}

}  // namespace gfs::kern
