/// @file feature_backward.cu
/// @brief Kernel 4: the feature side of the backward pass fused with Adam, one warp per feature;
///        kernel 5: the embedding gradient (sum of the per-block partials) and e's Adam step.
///
/// For feature j (lanes over H0, then over d_e):
///   G_j  = sum_b x[r_b, j] dz0[b, :]                 (small path; else row j of cuBLAS's X_b^T dz0)
///   dW0_j = m_j G_j ;  dm_j = W0_j . G_j + lambda dsel/dm  (W0_j before its update)
///   dw_j = dm_j m_j (1 - m_j) / tau ;  dphi_j = dw_j e ;  db_j = dw_j ;  de += dw_j phi_j (old phi)
/// Each parameter is read, updated by Adam and written once, in the pass that computes its gradient.
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/reduce.cuh"
#include "kernels/math.hpp"

namespace gfs::cuda {
namespace {

/// Shared memory of the feature kernel, carved as feature_shared_bytes() sizes it.
struct FeatureShared {
  float* dz0;          ///< [max_batch, H0] (small path only)
  float* e;            ///< [d_e]
  float* de;           ///< [warps, d_e]: per-warp embedding-gradient accumulators
  float* x;            ///< [warps, kMaxSmallBatch]: x[r_b, j] of the warp's current feature
  std::int32_t* rows;  ///< [kMaxSmallBatch]
};

__device__ FeatureShared carve_shared(const FeatureArgs& a, float* base) {
  FeatureShared s{};
  s.dz0 = base;
  s.e = s.dz0 + (a.small_path ? a.batch.max_batch * a.h0 : 0);
  s.de = s.e + a.embedding_dim;
  s.x = s.de + kWarpsPerBlock * a.embedding_dim;
  s.rows = reinterpret_cast<std::int32_t*>(s.x + kWarpsPerBlock * kMaxSmallBatch);
  return s;
}

/// W0 row j: Adam with gradient m_j G_j; returns this lane's share of W0_j . G_j (old W0).
__device__ __forceinline__ float update_w0_row(const FeatureArgs& a, const FeatureShared& s, const StepParams& sp,
                                               std::int64_t j, float m, int nb, int lane) {
  const float* xj = s.x + (threadIdx.x >> 5) * kMaxSmallBatch;
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
__device__ __forceinline__ void update_mask_row(const FeatureArgs& a, const FeatureShared& s, const StepParams& sp,
                                                std::int64_t j, float dw, int lane) {
  float* de = s.de + (threadIdx.x >> 5) * a.embedding_dim;
  for (int k = lane; k < a.embedding_dim; k += 32) {
    const std::int64_t i = j * a.embedding_dim + k;
    de[k] += dw * a.mask_weight.value[i];
    kern::adam_update(a.mask_weight.value[i], a.mask_weight.m1[i], a.mask_weight.m2[i], dw * s.e[k], sp.mask);
  }
  if (lane == 0) kern::adam_update(a.mask_bias.value[j], a.mask_bias.m1[j], a.mask_bias.m2[j], dw, sp.mask);
}

__device__ void load_shared(const FeatureArgs& a, const FeatureShared& s, const StepParams& sp, int nb) {
  if (a.small_path) {
    for (int i = threadIdx.x; i < nb * a.h0; i += blockDim.x) s.dz0[i] = a.dz0[i];
    if (static_cast<int>(threadIdx.x) < nb) s.rows[threadIdx.x] = a.batch.order[sp.row_offset + threadIdx.x];
  }
  for (int k = threadIdx.x; k < a.embedding_dim; k += blockDim.x) s.e[k] = a.embedding[k];
  for (int k = threadIdx.x; k < kWarpsPerBlock * a.embedding_dim; k += blockDim.x) s.de[k] = 0.0F;
}

/// Warp w of block blk handles features blk*8 + w, then + gridDim*8, ... (fixed by the grid, so
/// the de partials are summed in the same order on every run).
__global__ void __launch_bounds__(kBlockThreads)
    feature_backward_kernel(FeatureArgs a, const StepParams* steps, const int* counter) {
  extern __shared__ float shared_base[];
  const FeatureShared s = carve_shared(a, shared_base);
  const StepParams& sp = current_step(steps, counter);
  const int nb = sp.n_rows, lane = static_cast<int>(threadIdx.x) & 31;
  load_shared(a, s, sp, nb);
  __syncthreads();

  const float dsel_dm = *a.dsel_dm;
  const std::int64_t D = a.batch.n_features;
  float* xj = s.x + (threadIdx.x >> 5) * kMaxSmallBatch;
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * kWarpsPerBlock;
  for (std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + (threadIdx.x >> 5); j < D;
       j += stride) {
    if (a.small_path) {
      if (lane < nb) xj[lane] = a.batch.x[static_cast<std::int64_t>(s.rows[lane]) * D + j];
      __syncwarp();
    }
    const float m = a.mask[j];
    const float dm = warp_allreduce_sum(update_w0_row(a, s, sp, j, m, nb, lane)) + dsel_dm;
    const float dw = dm * kern::mask_grad_wrt_logit(m, sp.tau);
    update_mask_row(a, s, sp, j, dw, lane);
    __syncwarp();  // every lane is done with xj before the next feature overwrites it
  }
  __syncthreads();
  for (int k = threadIdx.x; k < a.embedding_dim; k += blockDim.x) {
    float sum = 0.0F;
    for (int w = 0; w < kWarpsPerBlock; ++w) sum += s.de[w * a.embedding_dim + k];
    a.de_partial[static_cast<std::int64_t>(blockIdx.x) * a.embedding_dim + k] = sum;
  }
}

/// de = sum of the feature blocks' partials (block order); Adam on e; then the step is over.
__global__ void __launch_bounds__(kBlockThreads)
    embedding_adam_kernel(EmbeddingArgs a, const StepParams* steps, int* counter) {
  const int step = *counter;
  const StepParams& sp = steps[step];
  for (int k = threadIdx.x; k < a.embedding_dim; k += blockDim.x) {
    float g = 0.0F;
    for (int p = 0; p < a.n_partials; ++p) g += a.de_partial[static_cast<std::int64_t>(p) * a.embedding_dim + k];
    if (a.grad_e != nullptr) a.grad_e[k] = g;
    if (a.train_embedding) kern::adam_update(a.embedding.value[k], a.embedding.m1[k], a.embedding.m2[k], g, sp.mask);
  }
  __syncthreads();  // every thread has read *counter
  if (threadIdx.x == 0) *counter = step + 1;
}

}  // namespace

void launch_feature_backward(const FeatureArgs& a, const StepParams* steps, const int* counter, cudaStream_t s) {
  const std::size_t shared = feature_shared_bytes(a.batch.max_batch, a.h0, a.embedding_dim, a.small_path);
  feature_backward_kernel<<<a.n_blocks, kBlockThreads, shared, s>>>(a, steps, counter);
  GFS_CUDA_CHECK_LAUNCH(s, "feature_backward_kernel");
}

void launch_embedding_adam(const EmbeddingArgs& a, const StepParams* steps, int* counter, cudaStream_t s) {
  embedding_adam_kernel<<<1, kBlockThreads, 0, s>>>(a, steps, counter);
  GFS_CUDA_CHECK_LAUNCH(s, "embedding_adam_kernel");
}

}  // namespace gfs::cuda
