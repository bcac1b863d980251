/// @file masked_matmul_body.cuh
/// @brief Kernel bodies 2 (written against the execution context, simt.hpp): the small-batch
///        masked GEMV (m applied on the fly, per-chunk partial sums) and the row gather of the
///        cuBLAS path; and the cuBLAS calls' shapes (column-major arguments) as plain data, so a
///        CPU stand-in can check their transposes and leading dimensions.
#pragma once

#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/step_kernels.cuh"

namespace gfs::cuda {

/// Static shared memory of the GEMV kernel.
struct GemvShared {
  float partial[kWarpsPerBlock][kMaxSmallBatch][32];
  std::int64_t row[kMaxSmallBatch];  ///< x offset of batch row b
};

/// Block (x = chunk c, y = tile of 32 outputs): warp w accumulates features c*size + w, + 8, ...
/// for output h = 32*y + lane and every batch row, then the 8 warps are added in warp order.
/// All lanes of a warp read the same x and m (broadcast) and consecutive W0 entries (coalesced).
template <class Ctx>
GFS_DEVICE void masked_gemv_body(const Ctx& ctx, const GemvArgs& a, const StepParams& sp, GemvShared& sh) {
  const int nb = sp.n_rows;
  const int tid = ctx.tid(), lane = tid & 31, warp = tid >> 5;
  const int h = ctx.bid_y() * 32 + lane;
  const std::int64_t D = a.batch.n_features;
  const std::int64_t j_begin = static_cast<std::int64_t>(ctx.bid_x()) * a.chunks.size;
  const std::int64_t j_end = kern::min_(D, j_begin + a.chunks.size);
  if (tid < nb) sh.row[tid] = batch_row(a.batch, sp, tid) * D;
  ctx.sync();

  float acc[kMaxSmallBatch];
  GFS_UNROLL
  for (int b = 0; b < kMaxSmallBatch; ++b) acc[b] = 0.0F;
  if (h < a.h0) {
    for (std::int64_t j = j_begin + warp; j < j_end; j += kWarpsPerBlock) {
      const float w0m = a.mask[j] * a.w0[j * a.h0 + h];  // (diag(m) W0)[j, h], as the CPU forms it
      GFS_UNROLL
      for (int b = 0; b < kMaxSmallBatch; ++b)
        if (b < nb) acc[b] += a.batch.x[sh.row[b] + j] * w0m;
    }
  }
  GFS_UNROLL
  for (int b = 0; b < kMaxSmallBatch; ++b) sh.partial[warp][b][lane] = acc[b];
  ctx.sync();
  for (int t = tid; t < nb * 32; t += ctx.block_dim()) {
    const int b = t >> 5, l = t & 31, hh = ctx.bid_y() * 32 + l;
    if (hh >= a.h0) continue;
    float sum = 0.0F;
    for (int w = 0; w < kWarpsPerBlock; ++w) sum += sh.partial[w][b][l];
    a.z_partial[(static_cast<std::int64_t>(ctx.bid_x()) * a.batch.max_batch + b) * a.h0 + hh] = sum;
  }
}

/// x_batch[b, :] = x[r_b, :] for b < n_rows, 0 for the padding rows up to max_batch.
template <class Ctx>
GFS_DEVICE void gather_rows_body(const Ctx& ctx, const BatchArgs& a, float* x_batch, const StepParams& sp) {
  const std::int64_t D = a.n_features;
  const std::int64_t j_first = static_cast<std::int64_t>(ctx.bid_x()) * ctx.block_dim() + ctx.tid();
  const std::int64_t j_stride = static_cast<std::int64_t>(ctx.grid_x()) * ctx.block_dim();
  for (int b = ctx.bid_y(); b < a.max_batch; b += ctx.grid_y()) {
    float* dst = x_batch + static_cast<std::int64_t>(b) * D;
    if (b < sp.n_rows) {
      const float* src = a.x + batch_row(a, sp, b) * D;
      for (std::int64_t j = j_first; j < D; j += j_stride) dst[j] = src[j];
    } else {
      for (std::int64_t j = j_first; j < D; j += j_stride) dst[j] = 0.0F;
    }
  }
}

/// One column-major SGEMM, C = op(A) op(B) with C m x n, as cublasSgemm takes it (alpha 1, beta 0).
struct GemmShape {
  bool trans_a = false, trans_b = false;
  int m = 0, n = 0, k = 0, lda = 0, ldb = 0, ldc = 0;
};

// cuBLAS is column-major; a row-major [r, c] matrix is its column-major [c, r] transpose, so
// row-major C = A B is computed as column-major C^T = B^T A^T (operands swapped, no transposes).

/// z0 [B, H0] = x_batch [B, D] . w0_masked [D, H0]: A = w0_masked, B = x_batch, C = z0.
/// z0^T [H0, B] = (diag(m) W0)^T [H0, D] . x_batch^T [D, B].
inline GemmShape batch_w0_shape(int batch, std::int64_t n_features, int h0) {
  const int D = static_cast<int>(n_features);
  return GemmShape{false, false, h0, batch, D, h0, D, h0};
}
/// grad_g [D, H0] = x_batch^T [D, B] . dz0 [B, H0]: A = dz0, B = x_batch, C = grad_g.
/// G^T [H0, D] = dz0^T [H0, B] . x_batch [B, D]; x_batch's column-major view is [D, B], so op(B) = T.
inline GemmShape feature_grad_shape(int batch, std::int64_t n_features, int h0) {
  const int D = static_cast<int>(n_features);
  return GemmShape{false, true, h0, D, batch, h0, D, h0};
}

}  // namespace gfs::cuda
