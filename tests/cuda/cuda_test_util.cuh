/// @file cuda_test_util.cuh
/// @brief Helpers of the CUDA tests: skipping without a GPU, NaN-poisoned device buffers, and a
///        tolerance check (abs + rel * |ref|) that names the worst element.
#pragma once

#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "gfs/device.hpp"
#include "kernels/cuda/cuda_check.cuh"

/// Skips the current test, with the reason, on a machine without a usable CUDA device.
#define GFS_REQUIRE_GPU()                                                                   \
  do {                                                                                      \
    if (::gfs::cuda_device_count() == 0)                                                    \
      GTEST_SKIP() << "no CUDA device visible (no GPU, no driver, or CUDA_VISIBLE_DEVICES " \
                      "empty): this GPU test needs one";                                    \
  } while (0)

namespace gfs::test {

/// Named tolerances (see STYLE.md habit 8). Pointwise kernels agree to a few ulp; sums over
/// thousands of terms, taken in another order and with FMA on the device, to about 1e-4 of scale.
inline constexpr double kPointwiseRel = 1e-5, kPointwiseAbs = 1e-6;
inline constexpr double kSumRel = 1e-4, kSumAbs = 1e-5;

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

/// |got - ref| <= abs + rel * |ref| for every element (NaN fails); reports the worst element.
template <typename A, typename B>
::testing::AssertionResult all_close(const std::vector<A>& got, const std::vector<B>& ref, double rel, double abs,
                                     std::size_t count = static_cast<std::size_t>(-1)) {
  const std::size_t n = std::min({got.size(), ref.size(), count});
  if (count == static_cast<std::size_t>(-1) && got.size() != ref.size())
    return ::testing::AssertionFailure() << "size " << got.size() << " != " << ref.size();
  double worst = 0;
  std::size_t worst_i = 0, bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double g = static_cast<double>(got[i]), r = static_cast<double>(ref[i]);
    const double excess = std::fabs(g - r) / (abs + rel * std::fabs(r));
    if (!(excess <= 1.0)) ++bad;
    if (!(excess <= worst)) {
      worst = std::isnan(excess) ? INFINITY : excess;
      worst_i = i;
    }
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << bad << " of " << n << " elements out of tolerance (rel " << rel << ", abs "
                                       << abs << "); worst [" << worst_i << "]: got " << got[worst_i] << ", want "
                                       << ref[worst_i];
}

}  // namespace gfs::test
