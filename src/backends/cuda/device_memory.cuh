/// @file device_memory.cuh
/// @brief Owning handles for the CUDA backend: one device arena per fit (every buffer the fit needs,
///        sized and allocated once in setup), pinned host staging buffers, and stream / cuBLAS /
///        graph handles that release themselves without throwing.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <type_traits>
#include <vector>

#include "kernels/cuda/cuda_check.cuh"

namespace gfs::cuda {

struct StreamDeleter {
  void operator()(cudaStream_t s) const noexcept { GFS_CUDA_CHECK_NOTHROW(cudaStreamDestroy(s)); }
};
struct CublasDeleter {
  void operator()(cublasHandle_t h) const noexcept { GFS_CUDA_CHECK_NOTHROW(cublasDestroy(h)); }
};
struct GraphExecDeleter {
  void operator()(cudaGraphExec_t g) const noexcept { GFS_CUDA_CHECK_NOTHROW(cudaGraphExecDestroy(g)); }
};
using StreamHandle = std::unique_ptr<std::remove_pointer_t<cudaStream_t>, StreamDeleter>;
using CublasHandle = std::unique_ptr<std::remove_pointer_t<cublasHandle_t>, CublasDeleter>;
using GraphExecHandle = std::unique_ptr<std::remove_pointer_t<cudaGraphExec_t>, GraphExecDeleter>;

/// All device buffers of a fit in one cudaMalloc. reserve() records a typed pointer to fill in;
/// allocate() makes the one allocation (or throws a kDeviceUnavailable error that states how much
/// the fit needs) and points every reserved pointer into it. The memory starts zeroed.
class DeviceArena {
 public:
  DeviceArena() = default;
  DeviceArena(const DeviceArena&) = delete;
  DeviceArena& operator=(const DeviceArena&) = delete;
  ~DeviceArena() { release(); }

  /// An empty reservation (count 0) leaves ptr null: code that reads "not used" from a null
  /// pointer (the feature costs, the survival buffers) must not see an address it may not read.
  template <typename T>
  void reserve(T*& ptr, std::size_t count) {
    const std::size_t offset = bytes_;
    bytes_ += (count * sizeof(T) + kAlign - 1) / kAlign * kAlign;
    pending_.emplace_back(
        [&ptr, offset, count](char* base) { ptr = count == 0 ? nullptr : reinterpret_cast<T*>(base + offset); });
  }

  /// `what` names the fit in the out-of-memory message.
  void allocate(cudaStream_t stream, const char* what);
  /// Frees the memory and forgets every reservation (before planning a new fit).
  void reset() noexcept {
    release();
    bytes_ = 0;
    pending_.clear();
  }
  [[nodiscard]] std::size_t bytes() const { return bytes_; }

 private:
  void release() noexcept;
  static constexpr std::size_t kAlign = 256;
  char* base_ = nullptr;
  std::size_t bytes_ = 0;
  std::vector<std::function<void(char*)>> pending_;
};

/// Page-locked host memory, so the per-epoch uploads and the stats download are truly async.
template <typename T>
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  ~PinnedBuffer() { reset(); }

  void resize(std::size_t count) {
    reset();
    if (count == 0) return;
    void* p = nullptr;
    GFS_CUDA_CHECK(cudaMallocHost(&p, count * sizeof(T)));
    data_ = static_cast<T*>(p);
    size_ = count;
  }
  void reset() noexcept {
    if (data_ != nullptr) GFS_CUDA_CHECK_NOTHROW(cudaFreeHost(data_));
    data_ = nullptr;
    size_ = 0;
  }
  [[nodiscard]] T* data() { return data_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  T& operator[](std::size_t i) { return data_[i]; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Makes `ordinal` current for the scope and restores the caller's device afterwards.
class DeviceScope {
 public:
  explicit DeviceScope(int ordinal) {
    GFS_CUDA_CHECK(cudaGetDevice(&previous_));
    if (previous_ != ordinal) GFS_CUDA_CHECK(cudaSetDevice(ordinal));
  }
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;
  ~DeviceScope() {
    int now = previous_;
    if (cudaGetDevice(&now) == cudaSuccess && now != previous_) GFS_CUDA_CHECK_NOTHROW(cudaSetDevice(previous_));
  }

 private:
  int previous_ = 0;
};

}  // namespace gfs::cuda
