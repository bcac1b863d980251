/// @file masked_matmul.cu
/// @brief Kernel 2: the masked matmul X_b diag(m) W0. Small batches: a GEMV-like kernel that applies
///        m on the fly and writes per-chunk partial sums (reduced in chunk order by task_head).
///        Large batches: gather the batch rows, then cuBLAS on diag(m) W0 from the mask kernel.
///        The bodies and the cuBLAS shapes live in masked_matmul_body.cuh (also run by tests/simt).
#include <cublas_v2.h>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/masked_matmul.cuh"
#include "kernels/cuda/masked_matmul_body.cuh"

namespace gfs::cuda {
namespace {

__global__ void __launch_bounds__(kBlockThreads, kGemvBlocksPerSm)
    masked_gemv_kernel(GemvArgs a, const StepParams* steps, const int* counter) {
  __shared__ GemvShared sh;
  masked_gemv_body(DeviceCtx{}, a, current_step(steps, counter), sh);
}

__global__ void __launch_bounds__(kBlockThreads)
    gather_rows_kernel(BatchArgs a, float* x_batch, const StepParams* steps, const int* counter) {
  gather_rows_body(DeviceCtx{}, a, x_batch, current_step(steps, counter));
}

cublasOperation_t op(bool transpose) { return transpose ? CUBLAS_OP_T : CUBLAS_OP_N; }

void sgemm(cublasHandle_t handle, const GemmShape& g, const float* a, const float* b, float* c) {
  const float one = 1.0F, zero = 0.0F;
  GFS_CUDA_CHECK(
      cublasSgemm(handle, op(g.trans_a), op(g.trans_b), g.m, g.n, g.k, &one, a, g.lda, b, g.ldb, &zero, c, g.ldc));
}

}  // namespace

void launch_masked_gemv(const GemvArgs& a, const StepParams* steps, const int* counter, cudaStream_t s) {
  const dim3 grid(static_cast<unsigned>(a.chunks.count), static_cast<unsigned>(ceil_div(a.h0, 32)));
  masked_gemv_kernel<<<grid, kBlockThreads, 0, s>>>(a, steps, counter);
  GFS_CUDA_CHECK_LAUNCH(s, "masked_gemv_kernel");
}

void launch_gather_rows(const BatchArgs& a, float* x_batch, const StepParams* steps, const int* counter,
                        cudaStream_t s) {
  const dim3 grid(static_cast<unsigned>(gather_blocks_x(a.n_features)),
                  static_cast<unsigned>(gather_blocks_y(a.max_batch)));
  gather_rows_kernel<<<grid, kBlockThreads, 0, s>>>(a, x_batch, steps, counter);
  GFS_CUDA_CHECK_LAUNCH(s, "gather_rows_kernel");
}

void gemm_batch_w0(cublasHandle_t handle, int batch, std::int64_t n_features, int h0, const float* x_batch,
                   const float* w0_masked, float* z0) {
  sgemm(handle, batch_w0_shape(batch, n_features, h0), w0_masked, x_batch, z0);
}

void gemm_feature_grad(cublasHandle_t handle, int batch, std::int64_t n_features, int h0, const float* x_batch,
                       const float* dz0, float* grad_g) {
  sgemm(handle, feature_grad_shape(batch, n_features, h0), dz0, x_batch, grad_g);
}

}  // namespace gfs::cuda
