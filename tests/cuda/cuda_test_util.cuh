/// @file cuda_test_util.cuh
/// @brief Helpers of the CUDA tests: skipping without a GPU and NaN-poisoned device buffers (the
///        named tolerances and all_close are tests/common/kernel_fixture.hpp's).
#pragma once

#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "gfs/device.hpp"
#include "kernels/cuda/cuda_check.cuh"
#include "tests/common/kernel_fixture.hpp"  // tolerances, all_close

/// Skips the current test, with the reason, on a machine without a usable CUDA device.
#define GFS_REQUIRE_GPU()                                                                   \
  do {                                                                                      \
    if (::gfs::cuda_device_count() == 0)                                                    \
      GTEST_SKIP() << "no CUDA device visible (no GPU, no driver, or CUDA_VISIBLE_DEVICES " \
                      "empty): this GPU test needs one";                                    \
  } while (0)

namespace gfs::test {

/// A device copy of a host vector, poisoned with NaN (all bits set) until written.
template <typename T>
class DeviceVec {
 public:
  explicit DeviceVec(std::size_t n) : n_(n) {
    if (n_ > 0) GFS_CUDA_CHECK(cudaMalloc(&p_, n_ * sizeof(T)));
    poison();
  }
  explicit DeviceVec(const std::vector<T>& host) : DeviceVec(host.size()) { upload(host); }
  DeviceVec(const DeviceVec&) = delete;
  DeviceVec& operator=(const DeviceVec&) = delete;
  ~DeviceVec() {
    if (p_ != nullptr) GFS_CUDA_CHECK_NOTHROW(cudaFree(p_));
  }
  void poison() {
    if (n_ > 0) GFS_CUDA_CHECK(cudaMemset(p_, 0xFF, n_ * sizeof(T)));
  }
  void upload(const std::vector<T>& host) {
    if (n_ > 0) GFS_CUDA_CHECK(cudaMemcpy(p_, host.data(), n_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  [[nodiscard]] std::vector<T> download() const {
    std::vector<T> host(n_);
    GFS_CUDA_CHECK(cudaDeviceSynchronize());
    if (n_ > 0) GFS_CUDA_CHECK(cudaMemcpy(host.data(), p_, n_ * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
  }
  [[nodiscard]] T* get() const { return p_; }
  [[nodiscard]] std::size_t size() const { return n_; }

 private:
  T* p_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace gfs::test
