/// @file device_memory.cu
/// @brief DeviceArena's allocation, with an out-of-memory message that says what to change.
#include <cstdio>
#include <string>

#include "backends/cuda/device_memory.cuh"
#include "gfs/error.hpp"

namespace gfs::cuda {
namespace {

std::string gib(std::size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return text;
}

}  // namespace

void DeviceArena::allocate(cudaStream_t stream, const char* what) {
  release();
  if (bytes_ == 0) return;
  void* p = nullptr;
  const cudaError_t status = cudaMalloc(&p, bytes_);
  if (status == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();
    std::size_t free_bytes = 0, total_bytes = 0;
    (void)cudaMemGetInfo(&free_bytes, &total_bytes);
    throw Error(ErrorCode::kDeviceUnavailable,
                std::string("CUDA device out of memory: ") + what + " needs " + gib(bytes_) + " of GPU memory, " +
                    gib(free_bytes) + " of " + gib(total_bytes) +
                    " are free; use fewer rows or features, a smaller batch_size, a GPU with more memory, "
                    "or --device cpu");
  }
  GFS_CUDA_CHECK(status);
  base_ = static_cast<char*>(p);
  GFS_CUDA_CHECK(cudaMemsetAsync(base_, 0, bytes_, stream));
  for (auto& fill : pending_) fill(base_);
  pending_.clear();
}

void DeviceArena::release() noexcept {
  if (base_ != nullptr) GFS_CUDA_CHECK_NOTHROW(cudaFree(base_));
  base_ = nullptr;
}

}  // namespace gfs::cuda
