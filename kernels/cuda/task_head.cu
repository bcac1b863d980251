/// @file task_head.cu
/// @brief Kernel 3: the __global__ wrappers over task_head_body.cuh (z0 reduction, task MLP
///        forward, loss, penalty, backward to dz0, Adam of theta except W0): one fused block for
///        small batches, or the row-split pair (rows, then the tree sum of the partials + Adam).
#include "gfs/error.hpp"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/task_head_body.cuh"

namespace gfs::cuda {
namespace {

__global__ void __launch_bounds__(kHeadThreadsLarge)
    task_head_kernel(HeadArgs a, const StepParams* steps, const int* counter) {
  __shared__ HeadShared sh;
  task_head_body(DeviceCtx{}, a, current_step(steps, counter), sh);
}

__global__ void __launch_bounds__(kBlockThreads)
    task_head_rows_kernel(HeadArgs a, const StepParams* steps, const int* counter) {
  __shared__ HeadShared sh;
  task_head_rows_body(DeviceCtx{}, a, current_step(steps, counter), sh);
}

__global__ void __launch_bounds__(kBlockThreads)
    task_head_adam_kernel(HeadArgs a, const StepParams* steps, const int* counter) {
  __shared__ HeadShared sh;
  task_head_adam_body(DeviceCtx{}, a, current_step(steps, counter), sh);
}

}  // namespace

void launch_task_head(const HeadArgs& a, const StepParams* steps, const int* counter, cudaStream_t s) {
  if (!head_split_fits_task(a))
    throw Error(ErrorCode::kInternal, "task head: a survival loss needs the one-block head (head_split(batch, true))");
  if (a.split.rows_per_block == 0) {
    task_head_kernel<<<1, head_threads(a.batch.max_batch), 0, s>>>(a, steps, counter);
    GFS_CUDA_CHECK_LAUNCH(s, "task_head_kernel");
    return;
  }
  task_head_rows_kernel<<<a.split.row_blocks, kBlockThreads, 0, s>>>(a, steps, counter);
  GFS_CUDA_CHECK_LAUNCH(s, "task_head_rows_kernel");
  task_head_adam_kernel<<<head_adam_blocks(a.partial_floats), kBlockThreads, 0, s>>>(a, steps, counter);
  GFS_CUDA_CHECK_LAUNCH(s, "task_head_adam_kernel");
}

}  // namespace gfs::cuda
