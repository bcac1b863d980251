/// @file reduce.cuh
/// @brief Deterministic warp and block sums, and the step lookup shared by the step kernels.
///
/// No float atomics anywhere in the step: every sum has a fixed association order, so a rerun on
/// the same GPU reproduces every bit.
#pragma once

#include <cuda_runtime.h>

#include "kernels/cuda/step_kernels.cuh"

namespace gfs::cuda {

/// The parameters of the step being executed (see step_kernels.cuh).
__device__ __forceinline__ const StepParams& current_step(const StepParams* steps, const int* counter) {
  return steps[*counter];
}

/// Butterfly sum over the 32 lanes; every lane gets the same bits (each level adds the same two
/// operands, in either order, and float addition is commutative).
__device__ __forceinline__ float warp_allreduce_sum(float v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xFFFFFFFFU, v, offset);
  return v;
}

/// Sum over the block (blockDim.x a multiple of 32, at most 1024); every thread must call it.
/// The result is valid in every thread. `scratch` holds 32 floats of shared memory.
__device__ __forceinline__ float block_sum(float v, float* scratch) {
  const int lane = static_cast<int>(threadIdx.x) & 31;
  const int warp = static_cast<int>(threadIdx.x) >> 5;
  const int n_warps = static_cast<int>(blockDim.x) >> 5;
  v = warp_allreduce_sum(v);
  __syncthreads();  // scratch may still be read by a previous call
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  float total = lane < n_warps ? scratch[lane] : 0.0F;
  total = warp_allreduce_sum(total);
  return total;
}

/// Row index of batch element b.
__device__ __forceinline__ std::int64_t batch_row(const BatchArgs& a, const StepParams& sp, int b) {
  return static_cast<std::int64_t>(a.order[sp.row_offset + b]);
}

}  // namespace gfs::cuda
