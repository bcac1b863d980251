/// @file host_memory.cpp
/// @brief available_memory() and human_bytes().
#include "common/host_memory.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <limits>

namespace gfs::sys {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

/// A cgroup v2 (or v1) memory limit, or max uint64 when there is none.
std::uint64_t cgroup_limit() {
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    std::string text;
    if (in >> text) {
      std::uint64_t v = 0;
      const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
      if (r.ec == std::errc{} && v > 0) return v;
    }
  }
  return kMax;
}

}  // namespace

std::uint64_t available_memory() {
  std::uint64_t avail = 0;
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemAvailable:") {
      avail = saturating_mul(kib, 1024);
      break;
    }
  }
  if (avail == 0) {
    const long pages = ::sysconf(_SC_AVPHYS_PAGES);
    const long page = ::sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) avail = saturating_mul(static_cast<std::uint64_t>(pages), static_cast<std::uint64_t>(page));
  }
  if (avail == 0) avail = kMax;  // unknown: do not refuse
  return std::min(avail, cgroup_limit());
}

std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 6) {
    v /= 1024.0;
    ++u;
  }
  char out[32];
  if (u == 0) {
    std::snprintf(out, sizeof out, "%llu bytes", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(out, sizeof out, "%.1f %s", v, units[u]);
  }
  return out;
}

}  // namespace gfs::sys
