/// @file masked_matmul.cu
/// @brief Kernel 2: the masked matmul X_b diag(m) W0. Small batches: a GEMV-like kernel that applies
///        m on the fly and writes per-chunk partial sums (reduced in chunk order by task_head).
///        Large batches: gather the batch rows, then cuBLAS on diag(m) W0 from the mask kernel.
#include <cublas_v2.h>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/masked_matmul.cuh"
#include "kernels/cuda/reduce.cuh"

namespace gfs::cuda {
namespace {

/// Block (x = chunk c, y = tile of 32 outputs): warp w accumulates features c*size + w, + 8, ...
/// for output h = 32*y + lane and every batch row, then the 8 warps are added in warp order.
/// All lanes of a warp read the same x and m (broadcast) and consecutive W0 entries (coalesced).
__global__ void __launch_bounds__(kBlockThreads)
    masked_gemv_kernel(GemvArgs a, const StepParams* steps, const int* counter) {
  __shared__ float partial_s[kWarpsPerBlock][kMaxSmallBatch][32];
  __shared__ std::int64_t row_s[kMaxSmallBatch];
  const StepParams& sp = current_step(steps, counter);
  const int nb = sp.n_rows;
  const int tid = static_cast<int>(threadIdx.x), lane = tid & 31, warp = tid >> 5;
  const int h = static_cast<int>(blockIdx.y) * 32 + lane;
  const std::int64_t D = a.batch.n_features;
  const std::int64_t j_begin = static_cast<std::int64_t>(blockIdx.x) * a.chunks.size;
  const std::int64_t j_end = min(D, j_begin + a.chunks.size);
  if (tid < nb) row_s[tid] = batch_row(a.batch, sp, tid) * D;
  __syncthreads();

  float acc[kMaxSmallBatch];
#pragma unroll
  for (int b = 0; b < kMaxSmallBatch; ++b) acc[b] = 0.0F;
  if (h < a.h0) {
    for (std::int64_t j = j_begin + warp; j < j_end; j += kWarpsPerBlock) {
      const float w0m = a.mask[j] * a.w0[j * a.h0 + h];  // (diag(m) W0)[j, h], as the CPU forms it
#pragma unroll
      for (int b = 0; b < kMaxSmallBatch; ++b)
        if (b < nb) acc[b] += a.batch.x[row_s[b] + j] * w0m;
    }
  }
#pragma unroll
  for (int b = 0; b < kMaxSmallBatch; ++b) partial_s[warp][b][lane] = acc[b];
  __syncthreads();
  for (int t = tid; t < nb * 32; t += blockDim.x) {
    const int b = t >> 5, l = t & 31, hh = static_cast<int>(blockIdx.y) * 32 + l;
    if (hh >= a.h0) continue;
    float sum = 0.0F;
    for (int w = 0; w < kWarpsPerBlock; ++w) sum += partial_s[w][b][l];
    a.z_partial[(static_cast<std::int64_t>(blockIdx.x) * a.batch.max_batch + b) * a.h0 + hh] = sum;
  }
}

/// x_batch[b, :] = x[r_b, :] for b < n_rows, 0 for the padding rows up to max_batch.
__global__ void __launch_bounds__(kBlockThreads)
    gather_rows_kernel(BatchArgs a, float* x_batch, const StepParams* steps, const int* counter) {
  const StepParams& sp = current_step(steps, counter);
  const std::int64_t D = a.n_features;
  const std::int64_t j_first = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t j_stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (int b = static_cast<int>(blockIdx.y); b < a.max_batch; b += static_cast<int>(gridDim.y)) {
    float* dst = x_batch + static_cast<std::int64_t>(b) * D;
    if (b < sp.n_rows) {
      const float* src = a.x + batch_row(a, sp, b) * D;
      for (std::int64_t j = j_first; j < D; j += j_stride) dst[j] = src[j];
    } else {
      for (std::int64_t j = j_first; j < D; j += j_stride) dst[j] = 0.0F;
    }
  }
}

}  // namespace

void launch_masked_gemv(const GemvArgs& a, const StepParams* steps, const int* counter, cudaStream_t s) {
  const dim3 grid(static_cast<unsigned>(a.chunks.count), static_cast<unsigned>(ceil_div(a.h0, 32)));
  masked_gemv_kernel<<<grid, kBlockThreads, 0, s>>>(a, steps, counter);
  GFS_CUDA_CHECK_LAUNCH(s, "masked_gemv_kernel");
}

void launch_gather_rows(const BatchArgs& a, float* x_batch, const StepParams* steps, const int* counter,
                        cudaStream_t s) {
  const dim3 grid(static_cast<unsigned>(std::clamp<std::int64_t>(ceil_div(a.n_features, 4 * kBlockThreads), 1, 64)),
                  static_cast<unsigned>(std::min(a.max_batch, 65535)));
  gather_rows_kernel<<<grid, kBlockThreads, 0, s>>>(a, x_batch, steps, counter);
  GFS_CUDA_CHECK_LAUNCH(s, "gather_rows_kernel");
}

// cuBLAS is column-major; a row-major [r, c] matrix is its column-major [c, r] transpose, so
// row-major C = A B is computed as column-major C^T = B^T A^T (operands swapped, no transposes).

void gemm_batch_w0(cublasHandle_t handle, int batch, std::int64_t n_features, int h0, const float* x_batch,
                   const float* w0_masked, float* z0) {
  const float one = 1.0F, zero = 0.0F;
  const int D = static_cast<int>(n_features);
  // z0^T [H0, B] = (diag(m) W0)^T [H0, D] . x_batch^T [D, B]
  GFS_CUDA_CHECK(
      cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, h0, batch, D, &one, w0_masked, h0, x_batch, D, &zero, z0, h0));
}

void gemm_feature_grad(cublasHandle_t handle, int batch, std::int64_t n_features, int h0, const float* x_batch,
                       const float* dz0, float* grad_g) {
  const float one = 1.0F, zero = 0.0F;
  const int D = static_cast<int>(n_features);
  // G^T [H0, D] = dz0^T [H0, B] . x_batch [B, D]; x_batch's column-major view is [D, B], so OP_T.
  GFS_CUDA_CHECK(
      cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_T, h0, D, batch, &one, dz0, h0, x_batch, D, &zero, grad_g, h0));
}

}  // namespace gfs::cuda
