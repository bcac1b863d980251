/// @file device.hpp
/// @brief The typed device a fit runs on, chosen once and passed down (never raw strings deep inside).
#pragma once

#include <string>

#include "gfs/export.h"

namespace gfs {

enum class DeviceKind { kAuto, kCpu, kCuda };

struct Device {
  DeviceKind kind = DeviceKind::kAuto;
  int ordinal = 0;  ///< CUDA device index; ignored on the CPU

  static Device cpu() { return {DeviceKind::kCpu, 0}; }
  static Device cuda(int ordinal = 0) { return {DeviceKind::kCuda, ordinal}; }
  static Device automatic() { return {DeviceKind::kAuto, 0}; }

  /// "auto", "cpu", "cuda" or "cuda:N"; throws gfs::Error (kInvalidArgument) otherwise.
  GFS_API static Device parse(const std::string& text);
  /// "cpu", "cuda:0", "auto".
  [[nodiscard]] GFS_API std::string str() const;

  bool operator==(const Device& o) const { return kind == o.kind && ordinal == o.ordinal; }
};

/// True when libgfs was compiled with the CUDA backend.
GFS_API bool built_with_cuda();
/// Number of usable CUDA devices at run time (0 without a driver, a GPU, or CUDA support in the build).
GFS_API int cuda_device_count();

}  // namespace gfs
