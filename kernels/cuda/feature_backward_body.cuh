/// @file feature_backward_body.cuh
/// @brief Kernel bodies 4 and 5 (written against the execution context, simt.hpp): the feature
///        side of the backward pass fused with Adam, one warp per feature; the embedding gradient
///        (a fixed-order tree over the per-block partials) and e's Adam step.
///
/// For feature j (lanes over H0, then over d_e):
///   G_j  = sum_b x[r_b, j] dz0[b, :]                 (small path; else row j of cuBLAS's X_b^T dz0)
///   dW0_j = m_j G_j ;  dm_j = W0_j . G_j + lambda dsel/dm  (W0_j before its update)
///   dw_j = dm_j m_j (1 - m_j) / tau ;  dphi_j = dw_j e ;  db_j = dw_j ;  de += dw_j phi_j (old phi)
/// Each parameter is read, updated by Adam and written once, in the pass that computes its gradient.
#pragma once

#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/step_kernels.cuh"
#include "kernels/math.hpp"

namespace gfs::cuda {

/// Shared memory of the feature kernel, carved as feature_shared_bytes() sizes it.
struct FeatureShared {
  float* dz0;          ///< [max_batch, H0] (small path only)
  float* e;            ///< [d_e]
  float* de;           ///< [warps, d_e]: per-warp embedding-gradient accumulators
  float* x;            ///< [warps, kMaxSmallBatch]: x[r_b, j] of the warp's current feature
  std::int32_t* rows;  ///< [kMaxSmallBatch]
};

GFS_DEVICE FeatureShared carve_feature_shared(const FeatureArgs& a, float* base) {
  FeatureShared s{};
  s.dz0 = base;
  s.e = s.dz0 + (a.small_path ? a.batch.max_batch * a.h0 : 0);
  s.de = s.e + a.embedding_dim;
  s.x = s.de + kWarpsPerBlock * a.embedding_dim;
  s.rows = reinterpret_cast<std::int32_t*>(s.x + kWarpsPerBlock * kMaxSmallBatch);
  return s;
}

/// W0 row j: Adam with gradient m_j G_j; returns this lane's share of W0_j . G_j (old W0).
GFS_DEVICE float update_w0_row(const FeatureArgs& a, const FeatureShared& s, const float* xj, const StepParams& sp,
                               std::int64_t j, float m, int nb, int lane) {
  float dm_part = 0.0F;
  for (int h = lane; h < a.h0; h += 32) {
    float g = 0.0F;
    if (a.small_path) {
      for (int b = 0; b < nb; ++b) g += xj[b] * s.dz0[b * a.h0 + h];
    } else {
      g = a.grad_g[j * a.h0 + h];
    }
    const std::int64_t i = j * a.h0 + h;
    dm_part += a.w0.value[i] * g;
    kern::adam_update(a.w0.value[i], a.w0.m1[i], a.w0.m2[i], m * g, sp.task);
  }
  return dm_part;
}

/// phi row j and bias j: Adam with gradients dw e and dw; accumulates dw phi_j (old phi) into de.
GFS_DEVICE void update_mask_row(const FeatureArgs& a, const FeatureShared& s, float* de, const StepParams& sp,
                                std::int64_t j, float dw, int lane) {
  for (int k = lane; k < a.embedding_dim; k += 32) {
    const std::int64_t i = j * a.embedding_dim + k;
    de[k] += dw * a.mask_weight.value[i];
    kern::adam_update(a.mask_weight.value[i], a.mask_weight.m1[i], a.mask_weight.m2[i], dw * s.e[k], sp.mask);
  }
  if (lane == 0) kern::adam_update(a.mask_bias.value[j], a.mask_bias.m1[j], a.mask_bias.m2[j], dw, sp.mask);
}

template <class Ctx>
GFS_DEVICE void load_feature_shared(const Ctx& ctx, const FeatureArgs& a, const FeatureShared& s, const StepParams& sp,
                                    int nb) {
  const int tid = ctx.tid(), nt = ctx.block_dim();
  if (a.small_path) {
    for (int i = tid; i < nb * a.h0; i += nt) s.dz0[i] = a.dz0[i];
    if (tid < nb) s.rows[tid] = a.batch.order[sp.row_offset + tid];
  }
  for (int k = tid; k < a.embedding_dim; k += nt) s.e[k] = a.embedding[k];
  for (int k = tid; k < kWarpsPerBlock * a.embedding_dim; k += nt) s.de[k] = 0.0F;
}

/// Warp w of block blk handles features blk*8 + w, then + grid*8, ... (fixed by the grid, so the
/// de partials are summed in the same order on every run). Dynamic shared memory:
/// feature_shared_bytes(max_batch, H0, d_e, small_path).
template <class Ctx>
GFS_DEVICE void feature_backward_body(const Ctx& ctx, const FeatureArgs& a, const StepParams& sp) {
  const FeatureShared s = carve_feature_shared(a, ctx.template dynamic_shared<float>());
  const int nb = sp.n_rows, tid = ctx.tid(), lane = tid & 31, warp = tid >> 5;
  load_feature_shared(ctx, a, s, sp, nb);
  ctx.sync();

  const float dsel_dm = *a.dsel_dm;
  const std::int64_t D = a.batch.n_features;
  float* xj = s.x + warp * kMaxSmallBatch;
  float* de = s.de + warp * a.embedding_dim;
  const std::int64_t stride = static_cast<std::int64_t>(ctx.grid_x()) * kWarpsPerBlock;
  for (std::int64_t j = static_cast<std::int64_t>(ctx.bid_x()) * kWarpsPerBlock + warp; j < D; j += stride) {
    if (a.small_path) {
      if (lane < nb) xj[lane] = a.batch.x[static_cast<std::int64_t>(s.rows[lane]) * D + j];
      ctx.syncwarp();
    }
    const float m = a.mask[j];
    const float dsel = a.cost != nullptr ? dsel_dm * a.cost[a.global_ids != nullptr ? a.global_ids[j] : j] : dsel_dm;
    const float dm = warp_allreduce_sum(ctx, update_w0_row(a, s, xj, sp, j, m, nb, lane)) + dsel;
    const float dw = dm * kern::mask_grad_wrt_logit(m, sp.tau);
    update_mask_row(a, s, de, sp, j, dw, lane);
    ctx.syncwarp();  // every lane is done with xj before the next feature overwrites it
  }
  ctx.sync();
  for (int k = tid; k < a.embedding_dim; k += ctx.block_dim()) {
    float sum = 0.0F;
    for (int w = 0; w < kWarpsPerBlock; ++w) sum += s.de[w * a.embedding_dim + k];
    a.de_partial[static_cast<std::int64_t>(ctx.bid_x()) * a.embedding_dim + k] = sum;
  }
}

/// de = sum of the feature blocks' partials; Adam on e; then the step is over (++*counter).
/// Warp w takes components k = w, w + 8, ...: its lanes sum every 32nd partial, then a butterfly
/// (a fixed order: ~n_partials/32 + 5 dependent adds instead of n_partials).
template <class Ctx>
GFS_DEVICE void embedding_adam_body(const Ctx& ctx, const EmbeddingArgs& a, const StepParams* steps, int* counter) {
  const int step = *counter;
  const StepParams& sp = steps[step];
  const int n_warps = ctx.block_dim() >> 5;
  for (int k = ctx.tid() >> 5; k < a.embedding_dim; k += n_warps) {
    const float g = warp_strided_sum(ctx, a.de_partial + k, a.n_partials, a.embedding_dim);
    if ((ctx.tid() & 31) == 0) {
      if (a.grad_e != nullptr) a.grad_e[k] = g;
      if (a.train_embedding) kern::adam_update(a.embedding.value[k], a.embedding.m1[k], a.embedding.m2[k], g, sp.mask);
    }
  }
  ctx.sync();  // every thread has read *counter
  if (ctx.tid() == 0) *counter = step + 1;
}

}  // namespace gfs::cuda
