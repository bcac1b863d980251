/// @file simt_launch.hpp
/// @brief The step kernels launched on the block emulator with the geometry of the CUDA launchers
///        (kernels/cuda/launch_config.hpp), and a CPU stand-in for the cuBLAS calls that takes the
///        very GemmShape the CUDA path hands to cublasSgemm (transposes, leading dimensions).
#pragma once

#include <cstdint>
#include <stdexcept>

#include "kernels/cuda/feature_backward_body.cuh"
#include "kernels/cuda/gumbel_mask_body.cuh"
#include "kernels/cuda/masked_matmul_body.cuh"
#include "kernels/cuda/task_head_body.cuh"
#include "simt_emulator.hpp"

namespace gfs::simt {

inline void gumbel_mask(Emulator& em, const cuda::MaskArgs& a, const cuda::StepParams* steps, const int* counter) {
  const cuda::StepParams& sp = cuda::current_step(steps, counter);
  em.launch_shared<cuda::MaskShared>("gumbel_mask", Dim2{cuda::mask_blocks(a.n_features), 1}, cuda::kBlockThreads,
                                     cuda::mask_shared_bytes(a.embedding_dim),
                                     [&](EmuCtx& c, cuda::MaskShared& sh) { cuda::gumbel_mask_body(c, a, sp, sh); });
}

inline void logits(Emulator& em, const cuda::MaskArgs& a, float* out) {
  em.launch("logits", Dim2{cuda::logits_blocks(a.n_features), 1}, cuda::kBlockThreads, 0,
            [&](EmuCtx& c) { cuda::logits_body(c, a, out); });
}

inline void masked_gemv(Emulator& em, const cuda::GemvArgs& a, const cuda::StepParams* steps, const int* counter) {
  const cuda::StepParams& sp = cuda::current_step(steps, counter);
  em.launch_shared<cuda::GemvShared>("masked_gemv", Dim2{a.chunks.count, static_cast<int>(cuda::ceil_div(a.h0, 32))},
                                     cuda::kBlockThreads, 0,
                                     [&](EmuCtx& c, cuda::GemvShared& sh) { cuda::masked_gemv_body(c, a, sp, sh); });
}

inline void gather_rows(Emulator& em, const cuda::BatchArgs& a, float* x_batch, const cuda::StepParams* steps,
                        const int* counter) {
  const cuda::StepParams& sp = cuda::current_step(steps, counter);
  em.launch("gather_rows", Dim2{cuda::gather_blocks_x(a.n_features), cuda::gather_blocks_y(a.max_batch)},
            cuda::kBlockThreads, 0, [&](EmuCtx& c) { cuda::gather_rows_body(c, a, x_batch, sp); });
}

inline void task_head(Emulator& em, const cuda::HeadArgs& a, const cuda::StepParams* steps, const int* counter) {
  const cuda::StepParams& sp = cuda::current_step(steps, counter);
  if (!cuda::head_split_fits_task(a)) throw std::logic_error("a survival loss needs the one-block task head");
  if (a.split.rows_per_block == 0) {
    em.launch_shared<cuda::HeadShared>("task_head", Dim2{1, 1}, cuda::head_threads(a.batch.max_batch), 0,
                                       [&](EmuCtx& c, cuda::HeadShared& sh) { cuda::task_head_body(c, a, sp, sh); });
    return;
  }
  em.launch_shared<cuda::HeadShared>("task_head_rows", Dim2{a.split.row_blocks, 1}, cuda::kBlockThreads, 0,
                                     [&](EmuCtx& c, cuda::HeadShared& sh) { cuda::task_head_rows_body(c, a, sp, sh); });
  em.launch_shared<cuda::HeadShared>("task_head_adam", Dim2{cuda::head_adam_blocks(a.partial_floats), 1},
                                     cuda::kBlockThreads, 0,
                                     [&](EmuCtx& c, cuda::HeadShared& sh) { cuda::task_head_adam_body(c, a, sp, sh); });
}

inline void feature_backward(Emulator& em, const cuda::FeatureArgs& a, const cuda::StepParams* steps,
                             const int* counter) {
  const cuda::StepParams& sp = cuda::current_step(steps, counter);
  em.launch("feature_backward", Dim2{a.n_blocks, 1}, cuda::kBlockThreads,
            cuda::feature_shared_bytes(a.batch.max_batch, a.h0, a.embedding_dim, a.small_path),
            [&](EmuCtx& c) { cuda::feature_backward_body(c, a, sp); });
}

inline void embedding_adam(Emulator& em, const cuda::EmbeddingArgs& a, const cuda::StepParams* steps, int* counter) {
  em.launch("embedding_adam", Dim2{1, 1}, cuda::embedding_threads(a.embedding_dim), 0,
            [&](EmuCtx& c) { cuda::embedding_adam_body(c, a, steps, counter); });
}

/// cublasSgemm's contract on the CPU (column-major, alpha 1, beta 0): C[m, n] = op(A) op(B).
/// Element (r, c) of a column-major X with leading dimension ld is X[r + c * ld].
inline void sgemm_standin(const cuda::GemmShape& g, const float* a, const float* b, float* c) {
  for (int col = 0; col < g.n; ++col)
    for (int row = 0; row < g.m; ++row) {
      double acc = 0;
      for (int k = 0; k < g.k; ++k) {
        const float av =
            g.trans_a ? a[k + static_cast<std::int64_t>(row) * g.lda] : a[row + static_cast<std::int64_t>(k) * g.lda];
        const float bv =
            g.trans_b ? b[col + static_cast<std::int64_t>(k) * g.ldb] : b[k + static_cast<std::int64_t>(col) * g.ldb];
        acc += static_cast<double>(av) * bv;
      }
      c[row + static_cast<std::int64_t>(col) * g.ldc] = static_cast<float>(acc);
    }
}

/// The two cuBLAS call sites of kernels/cuda/masked_matmul.cu, same operands, CPU stand-in.
inline void gemm_batch_w0(int batch, std::int64_t n_features, int h0, const float* x_batch, const float* w0_masked,
                          float* z0) {
  sgemm_standin(cuda::batch_w0_shape(batch, n_features, h0), w0_masked, x_batch, z0);
}
inline void gemm_feature_grad(int batch, std::int64_t n_features, int h0, const float* x_batch, const float* dz0,
                              float* grad_g) {
  sgemm_standin(cuda::feature_grad_shape(batch, n_features, h0), dz0, x_batch, grad_g);
}

}  // namespace gfs::simt
