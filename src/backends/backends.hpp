/// @file backends.hpp
/// @brief Opening a backend for a device: the factories, and "auto" resolved once per fit.
#pragma once

#include <memory>
#include <string>

#include "gfs/device.hpp"
#include "train/backend.hpp"

namespace gfs::detail {

/// threads <= 0: all cores.
std::unique_ptr<train::Backend> make_cpu_backend(int threads);
/// Throws gfs::Error(kDeviceUnavailable) when CUDA is not built in or no device is usable.
std::unique_ptr<train::Backend> make_cuda_backend(int ordinal);

/// A backend on a concrete device, and how "auto" chose it.
struct OpenedBackend {
  std::unique_ptr<train::Backend> backend;
  Device device;     ///< never kAuto: every later backend of the fit opens this device
  std::string note;  ///< why "auto" chose what it chose (empty otherwise)
};

/// Opens `requested`; "auto" is the first usable CUDA device, else the CPU (with a note saying why).
OpenedBackend open_backend(Device requested, int threads);
/// Opens a concrete device (kCpu or kCuda).
std::unique_ptr<train::Backend> make_backend(Device device, int threads);

}  // namespace gfs::detail
