/// @file backends.cpp
/// @brief Device resolution and the backend factory.
#include "backends/backends.hpp"

#include "gfs/error.hpp"

namespace gfs::detail {

std::unique_ptr<train::Backend> make_backend(Device device, int threads) {
  if (device.kind == DeviceKind::kCuda) return make_cuda_backend(device.ordinal);
  return make_cpu_backend(threads);
}

OpenedBackend open_backend(Device requested, int threads) {
  OpenedBackend out;
  if (requested.kind != DeviceKind::kAuto) {
    out.backend = make_backend(requested, threads);
    out.device = requested;
    return out;
  }
  if (!built_with_cuda()) {
    out.note = "auto: this build has no CUDA backend, running on the CPU";
  } else if (cuda_device_count() == 0) {
    out.note = "auto: no usable CUDA device found, running on the CPU";
  } else {
    try {
      out.backend = make_cuda_backend(0);
      out.device = Device::cuda(0);
      return out;
    } catch (const Error& e) {
      out.note = std::string("auto: CUDA device unusable (") + e.what() + "), running on the CPU";
    }
  }
  out.backend = make_cpu_backend(threads);
  out.device = Device::cpu();
  return out;
}

}  // namespace gfs::detail
