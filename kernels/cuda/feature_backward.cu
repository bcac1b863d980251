/// @file feature_backward.cu
/// @brief Kernels 4 and 5: __global__ wrappers over feature_backward_body.cuh (the feature side of
///        the backward pass fused with Adam; the embedding gradient and e's Adam step).
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/feature_backward_body.cuh"

namespace gfs::cuda {
namespace {

// Minimum blocks per SM = kFeatureBlocksPerSm: ptxas keeps the registers within what that
// occupancy allows (the build fails on a spill: -Xptxas -warn-spills with warnings as errors).
__global__ void __launch_bounds__(kBlockThreads, kFeatureBlocksPerSm)
    feature_backward_kernel(FeatureArgs a, const StepParams* steps, const int* counter) {
  feature_backward_body(DeviceCtx{}, a, current_step(steps, counter));
}

__global__ void __launch_bounds__(32 * 32)
    embedding_adam_kernel(EmbeddingArgs a, const StepParams* steps, int* counter) {
  embedding_adam_body(DeviceCtx{}, a, steps, counter);
}

}  // namespace

void launch_feature_backward(const FeatureArgs& a, const StepParams* steps, const int* counter, cudaStream_t s) {
  const std::size_t shared = feature_shared_bytes(a.batch.max_batch, a.h0, a.embedding_dim, a.small_path);
  feature_backward_kernel<<<a.n_blocks, kBlockThreads, shared, s>>>(a, steps, counter);
  GFS_CUDA_CHECK_LAUNCH(s, "feature_backward_kernel");
}

void launch_embedding_adam(const EmbeddingArgs& a, const StepParams* steps, int* counter, cudaStream_t s) {
  embedding_adam_kernel<<<1, embedding_threads(a.embedding_dim), 0, s>>>(a, steps, counter);
  GFS_CUDA_CHECK_LAUNCH(s, "embedding_adam_kernel");
}

}  // namespace gfs::cuda
