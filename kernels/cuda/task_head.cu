/// @file task_head.cu
/// @brief Kernel 3, one block: the __global__ wrapper over task_head_body.cuh (z0 reduction, task
///        MLP forward, loss, penalty, backward to dz0, Adam of theta except W0).
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/task_head_body.cuh"

namespace gfs::cuda {
namespace {

__global__ void __launch_bounds__(kHeadThreadsLarge)
    task_head_kernel(HeadArgs a, const StepParams* steps, const int* counter) {
  __shared__ HeadShared sh;
  task_head_body(DeviceCtx{}, a, current_step(steps, counter), sh);
}

}  // namespace

void launch_task_head(const HeadArgs& a, const StepParams* steps, const int* counter, cudaStream_t s) {
  task_head_kernel<<<1, head_threads(a.batch.max_batch), 0, s>>>(a, steps, counter);
  GFS_CUDA_CHECK_LAUNCH(s, "task_head_kernel");
}

}  // namespace gfs::cuda
