/// @file gumbel_mask.cu
/// @brief Kernel 1: logits w = phi e + b, Philox noise (curand device API), the Gumbel-Sigmoid mask
///        m, and in the same pass diag(m) W0 for the cuBLAS path; also the plain logits kernel.
#include <curand_kernel.h>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/step_kernels.cuh"
#include "kernels/math.hpp"

namespace gfs::cuda {
namespace {

/// w_j = b_j + phi[j, :] . e, computed by one warp (lanes over the embedding); all lanes return it.
__device__ __forceinline__ float feature_logit(const MaskArgs& a, const float* e, std::int64_t j, int lane) {
  const float* phi = a.mask_weight + j * a.embedding_dim;
  float dot = 0.0F;
  for (int k = lane; k < a.embedding_dim; k += 32) dot += phi[k] * e[k];
  return a.mask_bias[j] + warp_allreduce_sum(dot);
}

/// One block owns kMaskFeaturesPerBlock consecutive features: first every warp computes logits
/// (coalesced rows of phi), then each thread draws 4 uniforms with one curand_uniform4 and masks
/// its 4 features, then the block scales its rows of W0 (coalesced) if asked to.
__global__ void __launch_bounds__(kBlockThreads)
    gumbel_mask_kernel(MaskArgs a, const StepParams* steps, const int* counter) {
  extern __shared__ float e_s[];  // [d_e]
  __shared__ float w_s[kMaskFeaturesPerBlock];
  __shared__ float m_s[kMaskFeaturesPerBlock];
  __shared__ float scratch[32];
  const StepParams& sp = current_step(steps, counter);
  const int tid = static_cast<int>(threadIdx.x), lane = tid & 31, warp = tid >> 5;
  const std::int64_t j0 = static_cast<std::int64_t>(blockIdx.x) * kMaskFeaturesPerBlock;
  const int n_local = static_cast<int>(min(static_cast<std::int64_t>(kMaskFeaturesPerBlock), a.n_features - j0));

  for (int k = tid; k < a.embedding_dim; k += blockDim.x) e_s[k] = a.embedding[k];
  __syncthreads();
  for (int i = warp; i < n_local; i += kWarpsPerBlock) {
    const float w = feature_logit(a, e_s, j0 + i, lane);
    if (lane == 0) w_s[i] = w;
  }
  __syncthreads();

  float local_sum = 0.0F;
  const int f = 4 * tid;  // first of this thread's 4 features, relative to j0 (j0 + f is 4-aligned)
  if (f < n_local) {
    float u[4];
    if (a.injected_uniforms != nullptr) {
      for (int i = 0; i < 4; ++i) u[i] = f + i < n_local ? a.injected_uniforms[j0 + f + i] : 0.5F;
    } else {
      // Offset j0 + f = 4q selects Philox block q of the step's subsequence: the same four
      // uniforms as kern::philox_uniform(seed, subsequence, 4q + i) on the CPU.
      curandStatePhilox4_32_10_t state;
      curand_init(a.seed, sp.subsequence, static_cast<unsigned long long>(j0 + f), &state);
      const float4 q = curand_uniform4(&state);
      u[0] = q.x;
      u[1] = q.y;
      u[2] = q.z;
      u[3] = q.w;
    }
    for (int i = 0; i < 4 && f + i < n_local; ++i) {
      const float m = kern::gumbel_sigmoid_mask(w_s[f + i], kern::gumbel_noise(u[i]), sp.tau);
      m_s[f + i] = m;
      a.mask[j0 + f + i] = m;
      local_sum += m;
    }
  }
  const float block_total = block_sum(local_sum, scratch);  // also a barrier: m_s is complete
  if (tid == 0) a.mask_partial[blockIdx.x] = block_total;

  if (a.w0_masked != nullptr) {
    const std::int64_t base = j0 * a.h0, n = static_cast<std::int64_t>(n_local) * a.h0;
    for (std::int64_t i = tid; i < n; i += blockDim.x) a.w0_masked[base + i] = m_s[i / a.h0] * a.w0[base + i];
  }
}

/// w = phi e + b for every feature, one warp per feature (grid-stride).
__global__ void __launch_bounds__(kBlockThreads) logits_kernel(MaskArgs a, float* logits) {
  const int lane = static_cast<int>(threadIdx.x) & 31;
  const std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + (threadIdx.x >> 5);
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * kWarpsPerBlock;
  for (std::int64_t j = first; j < a.n_features; j += stride) {
    const float w = feature_logit(a, a.embedding, j, lane);
    if (lane == 0) logits[j] = w;
  }
}

}  // namespace

void launch_gumbel_mask(const MaskArgs& a, const StepParams* steps, const int* counter, cudaStream_t s) {
  gumbel_mask_kernel<<<mask_blocks(a.n_features), kBlockThreads, mask_shared_bytes(a.embedding_dim), s>>>(a, steps,
                                                                                                          counter);
  GFS_CUDA_CHECK_LAUNCH(s, "gumbel_mask_kernel");
}

void launch_logits(const MaskArgs& a, float* logits, cudaStream_t s) {
  const auto blocks = static_cast<int>(std::min<std::int64_t>(ceil_div(a.n_features, kWarpsPerBlock), 4096));
  logits_kernel<<<blocks, kBlockThreads, 0, s>>>(a, logits);
  GFS_CUDA_CHECK_LAUNCH(s, "logits_kernel");
}

}  // namespace gfs::cuda
