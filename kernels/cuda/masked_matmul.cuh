/// @file masked_matmul.cuh
/// @brief The cuBLAS half of the masked matmul (large batches), row-major shapes in the names.
#pragma once

#include <cublas_v2.h>

#include <cstdint>

namespace gfs::cuda {

/// z0 [B, H0] = x_batch [B, D] . w0_masked [D, H0] (no bias: task_head adds it).
void gemm_batch_w0(cublasHandle_t handle, int batch, std::int64_t n_features, int h0, const float* x_batch,
                   const float* w0_masked, float* z0);
/// grad_g [D, H0] = x_batch^T [D, B] . dz0 [B, H0]: row j is G_j of the feature-side backward.
void gemm_feature_grad(cublasHandle_t handle, int batch, std::int64_t n_features, int h0, const float* x_batch,
                       const float* dz0, float* grad_g);

}  // namespace gfs::cuda
