/// @file host_memory.hpp
/// @brief The host's available memory and a readable byte count: shared by the library's fit
///        estimate (core/memory.cpp) and the readers' allocation bounds (io/io_util.cpp), which live
///        in separate libraries and so compile this one source each.
#pragma once

#include <cstdint>
#include <string>

namespace gfs::sys {

/// Bytes of memory available now: MemAvailable, capped by a cgroup (container) limit; the maximum
/// uint64 when neither can be read (unknown: do not refuse).
std::uint64_t available_memory();

/// "1.5 GiB", "300 MiB", "17 bytes".
std::string human_bytes(std::uint64_t bytes);

/// a * b and a + b, saturating at the maximum uint64 (byte counts that must not wrap).
inline std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? UINT64_MAX : out;
}
inline std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  return __builtin_add_overflow(a, b, &out) ? UINT64_MAX : out;
}

}  // namespace gfs::sys
