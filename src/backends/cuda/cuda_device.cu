/// @file cuda_device.cu
/// @brief Run-time CUDA queries of a CUDA build (the non-CUDA build links cuda_stub.cpp instead).
#include <cuda_runtime.h>

#include "gfs/device.hpp"

namespace gfs {

bool built_with_cuda() { return true; }

int cuda_device_count() {
  int count = 0;
  // No driver, a driver too old for this runtime, or no GPU: all mean "no usable device" here.
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    (void)cudaGetLastError();
    return 0;
  }
  return count;
}

}  // namespace gfs
