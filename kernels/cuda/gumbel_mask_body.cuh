/// @file gumbel_mask_body.cuh
/// @brief Kernel bodies 1 and 1b, written against the execution context (simt.hpp): logits
///        w = phi e + b, the Philox noise (kernels/philox.hpp, cuRAND's stream), the Gumbel-Sigmoid
///        mask m, per-block sums of m, and diag(m) W0 for the cuBLAS path; the plain logits.
///
/// One feature per thread: at D = 10^4 the kernel already has 40 blocks, and no thread waits on a
/// shuffle chain (the old one-warp-per-feature loop made ~D/80 dependent round trips per warp).
#pragma once

#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/step_kernels.cuh"
#include "kernels/math.hpp"
#include "kernels/philox.hpp"

namespace gfs::cuda {

/// Static shared memory of the mask kernel.
struct MaskShared {
  float scratch[32];  ///< block_sum
};

/// w_j = b_j + phi[j, :] . e by one thread (e in shared memory or global).
GFS_DEVICE float feature_logit(const MaskArgs& a, const float* e, std::int64_t j) {
  const float* phi = a.mask_weight + j * a.embedding_dim;
  float dot = 0.0F;
  for (int k = 0; k < a.embedding_dim; ++k) dot += phi[k] * e[k];
  return a.mask_bias[j] + dot;
}

/// Block b owns features [b * block_dim, (b + 1) * block_dim). Dynamic shared memory:
/// mask_shared_bytes(d_e) = e [d_e] then m [block_dim].
template <class Ctx>
GFS_DEVICE void gumbel_mask_body(const Ctx& ctx, const MaskArgs& a, const StepParams& sp, MaskShared& sh) {
  float* e_s = ctx.template dynamic_shared<float>();
  float* m_s = e_s + a.embedding_dim;
  const int tid = ctx.tid(), nt = ctx.block_dim();
  const std::int64_t j0 = static_cast<std::int64_t>(ctx.bid_x()) * nt;
  const int n_local = static_cast<int>(kern::min_(static_cast<std::int64_t>(nt), a.n_features - j0));
  for (int k = tid; k < a.embedding_dim; k += nt) e_s[k] = a.embedding[k];
  ctx.sync();

  float m = 0.0F;
  if (tid < n_local) {
    const std::int64_t j = j0 + tid;
    const float w = feature_logit(a, e_s, j);
    float u;
    if (a.injected_uniforms != nullptr) {
      u = a.injected_uniforms[j];
    } else {
      // Uniform g of the step's subsequence (g: the global column): word g % 4 of Philox block
      // g / 4, as on the CPU.
      const std::int64_t g = a.global_ids != nullptr ? a.global_ids[j] : j;
      const kern::Philox4 q = kern::philox_block(a.seed, sp.subsequence, static_cast<std::uint64_t>(g) >> 2);
      // A select, not q.v[g & 3]: a dynamic index would put q in local memory.
      const int word = static_cast<int>(g & 3);
      u = kern::uint_to_uniform(word == 0 ? q.v[0] : word == 1 ? q.v[1] : word == 2 ? q.v[2] : q.v[3]);
    }
    m = kern::gumbel_sigmoid_mask(w, kern::gumbel_noise(u), sp.tau);
    a.mask[j] = m;
  }
  m_s[tid] = m;
  const float block_total = block_sum(ctx, m, sh.scratch);  // also a barrier: m_s is complete
  if (tid == 0) a.mask_partial[ctx.bid_x()] = block_total;
  if (a.cost != nullptr) {  // the same for every thread of the grid
    float cm = 0.0F;
    if (tid < n_local) {
      const std::int64_t j = j0 + tid;
      cm = a.cost[a.global_ids != nullptr ? a.global_ids[j] : j] * m;
    }
    const float cost_total = block_sum(ctx, cm, sh.scratch);
    if (tid == 0) a.cost_partial[ctx.bid_x()] = cost_total;
  }

  if (a.w0_masked != nullptr) {
    const std::int64_t base = j0 * a.h0, n = static_cast<std::int64_t>(n_local) * a.h0;
    for (std::int64_t i = tid; i < n; i += nt) a.w0_masked[base + i] = m_s[i / a.h0] * a.w0[base + i];
  }
}

/// w = phi e + b for every feature, one feature per thread.
template <class Ctx>
GFS_DEVICE void logits_body(const Ctx& ctx, const MaskArgs& a, float* logits) {
  const std::int64_t j = static_cast<std::int64_t>(ctx.bid_x()) * ctx.block_dim() + ctx.tid();
  if (j < a.n_features) logits[j] = feature_logit(a, a.embedding, j);
}

}  // namespace gfs::cuda
