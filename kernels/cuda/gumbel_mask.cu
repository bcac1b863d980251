/// @file gumbel_mask.cu
/// @brief Kernel 1 (the Gumbel mask, + diag(m) W0 for the cuBLAS path) and the plain logits
///        kernel: __global__ wrappers over the bodies in gumbel_mask_body.cuh. No cuRAND: the noise
///        is kernels/philox.hpp, which reproduces cuRAND's Philox stream (tests/cuda/test_philox_curand.cu).
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/gumbel_mask_body.cuh"

namespace gfs::cuda {
namespace {

__global__ void __launch_bounds__(kBlockThreads)
    gumbel_mask_kernel(MaskArgs a, const StepParams* steps, const int* counter) {
  __shared__ MaskShared sh;
  gumbel_mask_body(DeviceCtx{}, a, current_step(steps, counter), sh);
}

__global__ void __launch_bounds__(kBlockThreads) logits_kernel(MaskArgs a, float* logits) {
  logits_body(DeviceCtx{}, a, logits);
}

}  // namespace

void launch_gumbel_mask(const MaskArgs& a, const StepParams* steps, const int* counter, cudaStream_t s) {
  gumbel_mask_kernel<<<mask_blocks(a.n_features), kBlockThreads, mask_shared_bytes(a.embedding_dim), s>>>(a, steps,
                                                                                                          counter);
  GFS_CUDA_CHECK_LAUNCH(s, "gumbel_mask_kernel");
}

void launch_logits(const MaskArgs& a, float* logits, cudaStream_t s) {
  logits_kernel<<<logits_blocks(a.n_features), kBlockThreads, 0, s>>>(a, logits);
  GFS_CUDA_CHECK_LAUNCH(s, "logits_kernel");
}

}  // namespace gfs::cuda
