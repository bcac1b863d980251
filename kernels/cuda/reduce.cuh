/// @file reduce.cuh
/// @brief Deterministic warp and block sums, and the step lookup shared by the step kernels.
///        Written against the execution context (simt.hpp), so the host compiler builds them too.
///
/// No float atomics anywhere in the step: every sum has a fixed association order, so a rerun on
/// the same GPU reproduces every bit.
#pragma once

#include "kernels/cuda/simt.hpp"
#include "kernels/cuda/step_kernels.cuh"

namespace gfs::cuda {

/// The parameters of the step being executed (see step_kernels.cuh).
GFS_DEVICE const StepParams& current_step(const StepParams* steps, const int* counter) { return steps[*counter]; }

/// Butterfly sum over the 32 lanes; every lane gets the same bits (each level adds the same two
/// operands, in either order, and float addition is commutative).
template <class Ctx>
GFS_DEVICE float warp_allreduce_sum(const Ctx& ctx, float v) {
  GFS_UNROLL
  for (int offset = 16; offset > 0; offset >>= 1) v += ctx.shfl_xor(kFullWarpMask, v, offset);
  return v;
}

/// Sum over the block (block_dim a multiple of 32, at most 1024); every thread must call it.
/// The result is valid in every thread. `scratch` holds 32 floats of shared memory.
template <class Ctx>
GFS_DEVICE float block_sum(const Ctx& ctx, float v, float* scratch) {
  const int lane = ctx.tid() & 31;
  const int warp = ctx.tid() >> 5;
  const int n_warps = ctx.block_dim() >> 5;
  v = warp_allreduce_sum(ctx, v);
  ctx.sync();  // scratch may still be read by a previous call
  if (lane == 0) scratch[warp] = v;
  ctx.sync();
  float total = lane < n_warps ? scratch[lane] : 0.0F;
  total = warp_allreduce_sum(ctx, total);
  return total;
}

/// Sum of n floats at p[0], p[stride], ... by one warp: lanes take every 32nd term (fixed order),
/// then a butterfly. Every lane of the warp must call it; all get the same bits.
template <class Ctx>
GFS_DEVICE float warp_strided_sum(const Ctx& ctx, const float* p, int n, std::int64_t stride) {
  float v = 0.0F;
  for (int i = ctx.tid() & 31; i < n; i += 32) v += p[static_cast<std::int64_t>(i) * stride];
  return warp_allreduce_sum(ctx, v);
}

/// Row index of batch element b.
GFS_DEVICE std::int64_t batch_row(const BatchArgs& a, const StepParams& sp, int b) {
  return static_cast<std::int64_t>(a.order[sp.row_offset + b]);
}

}  // namespace gfs::cuda
