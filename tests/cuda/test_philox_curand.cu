/// @file test_philox_curand.cu
/// @brief cuRAND's Philox4x32-10 device stream equals kern::philox_uniform (the CPU's noise), bit
///        for bit, and so does kern::philox_uniform compiled for the device.
#include <curand_kernel.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "cuda_test_util.cuh"
#include "kernels/philox.hpp"

namespace gfs::test {
namespace {

struct Draw {
  std::uint64_t seed, subsequence, block;
};

__global__ void curand_blocks(const Draw* draws, int n, float* out_curand, float* out_kern) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n) return;
  curandStatePhilox4_32_10_t state;
  curand_init(draws[i].seed, draws[i].subsequence, 4ULL * draws[i].block, &state);
  const float4 u = curand_uniform4(&state);
  out_curand[4 * i + 0] = u.x;
  out_curand[4 * i + 1] = u.y;
  out_curand[4 * i + 2] = u.z;
  out_curand[4 * i + 3] = u.w;
  for (int k = 0; k < 4; ++k)
    out_kern[4 * i + k] = kern::philox_uniform(draws[i].seed, draws[i].subsequence, 4 * draws[i].block + k);
}

TEST(PhiloxCurand, DeviceStreamEqualsHostPhilox) {
  GFS_REQUIRE_GPU();
  std::vector<Draw> draws;
  for (std::uint64_t seed : std::vector<std::uint64_t>{0, 1, 42, 0xDEADBEEFCAFEF00DULL})
    for (std::uint64_t sub :
         std::vector<std::uint64_t>{0, 1, 7, 123456789, kern::kScoreStream + 3, kern::kInitStream + 11})
      for (std::uint64_t block : std::vector<std::uint64_t>{0, 1, 2, 999, (1ULL << 33) + 5})
        draws.push_back({seed, sub, block});
  const int n = static_cast<int>(draws.size());
  DeviceVec<Draw> d_draws(draws);
  DeviceVec<float> d_curand(4 * draws.size()), d_kern(4 * draws.size());
  curand_blocks<<<(n + 127) / 128, 128>>>(d_draws.get(), n, d_curand.get(), d_kern.get());
  GFS_CUDA_CHECK(cudaGetLastError());
  const std::vector<float> got = d_curand.download(), got_kern = d_kern.download();
  int mismatches = 0;
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < 4; ++k) {
      const Draw& d = draws[static_cast<std::size_t>(i)];
      const float want = kern::philox_uniform(d.seed, d.subsequence, 4 * d.block + static_cast<std::uint64_t>(k));
      const auto idx = static_cast<std::size_t>(4 * i + k);
      if (kern::float_to_bits(got[idx]) != kern::float_to_bits(want) ||
          kern::float_to_bits(got_kern[idx]) != kern::float_to_bits(want)) {
        if (++mismatches <= 5)
          ADD_FAILURE() << "seed " << d.seed << " subsequence " << d.subsequence << " index " << 4 * d.block + k
                        << ": curand " << got[idx] << ", device philox " << got_kern[idx] << ", host " << want;
      }
    }
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace gfs::test
