/// @file task_head.cu
/// @brief Kernel 3, one block: reduce the masked-matmul partials into z0, run the small task MLP
///        forward, the loss and its gradient (softmax-CE with class weights, or MSE), the selection
///        penalty, the MLP backward down to dz0, and Adam on every theta block except W0.
///
/// The head is tiny (widths around 32, a batch of 1 to a few thousand rows), so one block that
/// walks the layers with barriers in between beats several launches. Loops and summation orders
/// follow the CPU backend (src/backends/cpu/cpu_step.hpp) so the two agree to float rounding.
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/reduce.cuh"
#include "kernels/math.hpp"

namespace gfs::cuda {
namespace {

constexpr int kHeadThreads = 256;

/// z0[b, h] = bias0[h] + sum_c z_partial[c, b, h], partials in chunk order (as the CPU adds them).
__device__ void reduce_first_layer(const HeadArgs& a, int nb) {
  const LayerArgs& l0 = a.layer[0];
  const int h0 = l0.fan_out;
  for (int i = threadIdx.x; i < nb * h0; i += blockDim.x) {
    const int b = i / h0, h = i % h0;
    float z = l0.bias.value[h];
    for (int c = 0; c < a.n_partials; ++c)
      z += a.z_partial[(static_cast<std::int64_t>(c) * a.batch.max_batch + b) * h0 + h];
    l0.pre[i] = z;
  }
}

/// z_l = relu(z_{l-1}) W_l + b_l for l >= 1.
__device__ void forward_layer(const LayerArgs& prev, const LayerArgs& cur, int nb) {
  const int fi = cur.fan_in, fo = cur.fan_out;
  for (int i = threadIdx.x; i < nb * fo; i += blockDim.x) {
    const int b = i / fo, o = i % fo;
    float z = cur.bias.value[o];
    for (int k = 0; k < fi; ++k) z += kern::relu(prev.pre[b * fi + k]) * cur.weight.value[k * fo + o];
    cur.pre[i] = z;
  }
}

/// Task loss of the batch; fills the last layer's dpre with dL_task/d(output).
__device__ float task_loss(const HeadArgs& a, const StepParams& sp, int nb, float* scratch) {
  const LayerArgs& out = a.layer[a.n_layers - 1];
  const int n_out = out.fan_out;
  float local = 0.0F;
  if (a.classification) {
    for (int b = threadIdx.x; b < nb; b += blockDim.x) local += a.class_weight[a.labels[batch_row(a.batch, sp, b)]];
    const float total_weight = block_sum(local, scratch);
    // A batch made only of zero-weight classes carries no task signal (not 0/0), as on the CPU.
    const float inv_total = total_weight > 0.0F ? 1.0F / total_weight : 0.0F;
    local = 0.0F;
    for (int b = threadIdx.x; b < nb; b += blockDim.x) {
      const int label = a.labels[batch_row(a.batch, sp, b)];
      const float scale = a.class_weight[label] * inv_total;
      local += scale * kern::softmax_xent_row(out.pre + b * n_out, n_out, label, scale, out.dpre + b * n_out);
    }
  } else {
    const float scale = 1.0F / (static_cast<float>(nb) * static_cast<float>(n_out));
    for (int b = threadIdx.x; b < nb; b += blockDim.x) {
      const float* y = a.values + batch_row(a.batch, sp, b) * n_out;
      local += scale * kern::squared_error_row(out.pre + b * n_out, y, n_out, scale, out.dpre + b * n_out);
    }
  }
  return block_sum(local, scratch);
}

/// Selection penalty from the mask partial sums; thread 0 publishes dsel/dm and the step's terms.
__device__ void penalty_and_stats(const HeadArgs& a, const StepParams& sp, float task, float* scratch) {
  float local = 0.0F;
  for (int c = threadIdx.x; c < a.n_mask_partials; c += blockDim.x) local += a.mask_partial[c];
  const float mask_sum = block_sum(local, scratch);
  const float D = static_cast<float>(a.batch.n_features);
  const kern::PenaltyTerms<float> pen =
      kern::selection_penalty(a.target_penalty ? kern::SelectPenalty::kTarget : kern::SelectPenalty::kMean, mask_sum, D,
                              static_cast<float>(a.target_features), a.penalty_norm > 0.0F ? a.penalty_norm : D);
  if (threadIdx.x == 0) {
    *a.dsel_dm = sp.lambda * pen.grad_per_mask;
    float* s = a.stats + static_cast<std::int64_t>(sp.stats_slot) * kStatsPerStep;
    s[0] = task + sp.lambda * pen.value;
    s[1] = task;
    s[2] = pen.value;
    s[3] = pen.mean_mask;
  }
}

/// Backward through layer l >= 1: dz_{l-1} from the weights before their update, then Adam on
/// W_l and b_l. The barrier in between keeps every read of the old W_l ahead of its update.
__device__ void backward_layer(const LayerArgs& prev, const LayerArgs& cur, const StepParams& sp, int nb) {
  const int fi = cur.fan_in, fo = cur.fan_out;
  for (int i = threadIdx.x; i < nb * fi; i += blockDim.x) {
    const int b = i / fi, k = i % fi;
    float acc = 0.0F;
    for (int o = 0; o < fo; ++o) acc += cur.weight.value[k * fo + o] * cur.dpre[b * fo + o];
    prev.dpre[i] = kern::relu_backward(prev.pre[i], acc);
  }
  __syncthreads();
  for (int i = threadIdx.x; i < fi * fo; i += blockDim.x) {
    const int k = i / fo, o = i % fo;
    float g = 0.0F;
    for (int b = 0; b < nb; ++b) g += kern::relu(prev.pre[b * fi + k]) * cur.dpre[b * fo + o];
    kern::adam_update(cur.weight.value[i], cur.weight.m1[i], cur.weight.m2[i], g, sp.task);
  }
  for (int o = threadIdx.x; o < fo; o += blockDim.x) {
    float g = 0.0F;
    for (int b = 0; b < nb; ++b) g += cur.dpre[b * fo + o];
    kern::adam_update(cur.bias.value[o], cur.bias.m1[o], cur.bias.m2[o], g, sp.task);
  }
  __syncthreads();
}

/// Adam on b_0, and zero dz0's padding rows (the cuBLAS path multiplies all max_batch rows).
__device__ void finish_first_layer(const HeadArgs& a, const StepParams& sp, int nb) {
  const LayerArgs& l0 = a.layer[0];
  const int h0 = l0.fan_out;
  for (int h = threadIdx.x; h < h0; h += blockDim.x) {
    float g = 0.0F;
    for (int b = 0; b < nb; ++b) g += l0.dpre[b * h0 + h];
    kern::adam_update(l0.bias.value[h], l0.bias.m1[h], l0.bias.m2[h], g, sp.task);
  }
  for (int i = nb * h0 + static_cast<int>(threadIdx.x); i < a.batch.max_batch * h0; i += blockDim.x) l0.dpre[i] = 0.0F;
}

__global__ void __launch_bounds__(kHeadThreads)
    task_head_kernel(HeadArgs a, const StepParams* steps, const int* counter) {
  __shared__ float scratch[32];
  const StepParams& sp = current_step(steps, counter);
  const int nb = sp.n_rows;
  reduce_first_layer(a, nb);
  __syncthreads();
  for (int l = 1; l < a.n_layers; ++l) {
    forward_layer(a.layer[l - 1], a.layer[l], nb);
    __syncthreads();
  }
  const float task = task_loss(a, sp, nb, scratch);
  penalty_and_stats(a, sp, task, scratch);
  __syncthreads();  // the output gradient is complete
  for (int l = a.n_layers - 1; l >= 1; --l) backward_layer(a.layer[l - 1], a.layer[l], sp, nb);
  finish_first_layer(a, sp, nb);
}

}  // namespace

void launch_task_head(const HeadArgs& a, const StepParams* steps, const int* counter, cudaStream_t s) {
  task_head_kernel<<<1, kHeadThreads, 0, s>>>(a, steps, counter);
  GFS_CUDA_CHECK_LAUNCH(s, "task_head_kernel");
}

}  // namespace gfs::cuda
