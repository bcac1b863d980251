/// @file task_head_body.cuh
/// @brief Kernel body 3 (written against the execution context, simt.hpp), one block: reduce the
///        masked-matmul partials into z0, run the small task MLP forward, the loss and its gradient
///        (softmax-CE with class weights, or MSE), the selection penalty, the MLP backward down to
///        dz0, and Adam on every theta block except W0.
///
/// The head is tiny (widths around 32), so one block that walks the layers with barriers in
/// between beats several launches at the batch sizes the method uses (1 to a few dozen: ~8 us at
/// batch 32 in bench/gpu_model.py). From 64 rows on it runs with 1 024 threads (head_threads()),
/// but one SM stays its limit: the model puts it at ~78 us at batch 1 024, half the step at
/// D = 10^4 and under a tenth at 10^5. Why it is not split over rows yet: a row-split head (each
/// block's rows forward and backward, per-block weight-gradient partials summed in block order
/// by a second kernel that runs Adam) needs a partials buffer from the backend's arena, which
/// changes with the training-contract rework; it is the next step if large batches matter.
/// Loops and summation orders follow the CPU backend (src/backends/cpu/cpu_step.hpp) so the two
/// agree to float rounding.
#pragma once

#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/step_kernels.cuh"
#include "kernels/math.hpp"

namespace gfs::cuda {

/// Static shared memory of the task head.
struct HeadShared {
  float scratch[32];  ///< block_sum
};

/// Partials per z0 element above which a warp sums them as a tree (else one thread, serially).
inline constexpr int kTreeReduceMin = 8;

/// z0[b, h] = bias0[h] + sum_c z_partial[c, b, h]. Many partials (the GEMV path: up to
/// 8 x SM count chunks): one warp per element, lanes over the chunks, then a butterfly — a fixed
/// order, ~n/32 + 5 dependent adds instead of n. One partial (cuBLAS): one thread per element.
template <class Ctx>
GFS_DEVICE void reduce_first_layer(const Ctx& ctx, const HeadArgs& a, int nb) {
  const LayerArgs& l0 = a.layer[0];
  const int h0 = l0.fan_out, n = nb * h0;
  const std::int64_t stride = static_cast<std::int64_t>(a.batch.max_batch) * h0;
  if (a.n_partials >= kTreeReduceMin) {
    const int n_warps = ctx.block_dim() >> 5;
    for (int i = ctx.tid() >> 5; i < n; i += n_warps) {
      const float z = warp_strided_sum(ctx, a.z_partial + i, a.n_partials, stride);
      if ((ctx.tid() & 31) == 0) l0.pre[i] = l0.bias.value[i % h0] + z;
    }
  } else {
    for (int i = ctx.tid(); i < n; i += ctx.block_dim()) {
      float z = 0.0F;
      for (int c = 0; c < a.n_partials; ++c) z += a.z_partial[c * stride + i];
      l0.pre[i] = l0.bias.value[i % h0] + z;
    }
  }
}

/// z_l = relu(z_{l-1}) W_l + b_l for l >= 1.
template <class Ctx>
GFS_DEVICE void forward_layer(const Ctx& ctx, const LayerArgs& prev, const LayerArgs& cur, int nb) {
  const int fi = cur.fan_in, fo = cur.fan_out;
  for (int i = ctx.tid(); i < nb * fo; i += ctx.block_dim()) {
    const int b = i / fo, o = i % fo;
    float z = cur.bias.value[o];
    for (int k = 0; k < fi; ++k) z += kern::relu(prev.pre[b * fi + k]) * cur.weight.value[k * fo + o];
    cur.pre[i] = z;
  }
}

/// Task loss of the batch; fills the last layer's dpre with dL_task/d(output).
template <class Ctx>
GFS_DEVICE float task_loss(const Ctx& ctx, const HeadArgs& a, const StepParams& sp, int nb, float* scratch) {
  const LayerArgs& out = a.layer[a.n_layers - 1];
  const int n_out = out.fan_out;
  float local = 0.0F;
  if (a.classification) {
    for (int b = ctx.tid(); b < nb; b += ctx.block_dim()) local += a.class_weight[a.labels[batch_row(a.batch, sp, b)]];
    const float total_weight = block_sum(ctx, local, scratch);
    // A batch made only of zero-weight classes carries no task signal (not 0/0), as on the CPU.
    const float inv_total = total_weight > 0.0F ? 1.0F / total_weight : 0.0F;
    local = 0.0F;
    for (int b = ctx.tid(); b < nb; b += ctx.block_dim()) {
      const int label = a.labels[batch_row(a.batch, sp, b)];
      const float scale = a.class_weight[label] * inv_total;
      local += scale * kern::softmax_xent_row(out.pre + b * n_out, n_out, label, scale, out.dpre + b * n_out);
    }
  } else {
    const float scale = 1.0F / (static_cast<float>(nb) * static_cast<float>(n_out));
    for (int b = ctx.tid(); b < nb; b += ctx.block_dim()) {
      const float* y = a.values + batch_row(a.batch, sp, b) * n_out;
      local += scale * kern::squared_error_row(out.pre + b * n_out, y, n_out, scale, out.dpre + b * n_out);
    }
  }
  return block_sum(ctx, local, scratch);
}

/// Selection penalty from the mask partial sums; thread 0 publishes dsel/dm and the step's terms.
template <class Ctx>
GFS_DEVICE void penalty_and_stats(const Ctx& ctx, const HeadArgs& a, const StepParams& sp, float task, float* scratch) {
  float local = 0.0F;
  for (int c = ctx.tid(); c < a.n_mask_partials; c += ctx.block_dim()) local += a.mask_partial[c];
  const float mask_sum = block_sum(ctx, local, scratch);
  const float D = static_cast<float>(a.batch.n_features);
  const kern::PenaltyTerms<float> pen =
      kern::selection_penalty(a.target_penalty ? kern::SelectPenalty::kTarget : kern::SelectPenalty::kMean, mask_sum, D,
                              static_cast<float>(a.target_features), a.penalty_norm > 0.0F ? a.penalty_norm : D);
  if (ctx.tid() == 0) {
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
template <class Ctx>
GFS_DEVICE void backward_layer(const Ctx& ctx, const LayerArgs& prev, const LayerArgs& cur, const StepParams& sp,
                               int nb) {
  const int fi = cur.fan_in, fo = cur.fan_out, tid = ctx.tid(), nt = ctx.block_dim();
  for (int i = tid; i < nb * fi; i += nt) {
    const int b = i / fi, k = i % fi;
    float acc = 0.0F;
    for (int o = 0; o < fo; ++o) acc += cur.weight.value[k * fo + o] * cur.dpre[b * fo + o];
    prev.dpre[i] = kern::relu_backward(prev.pre[i], acc);
  }
  ctx.sync();
  for (int i = tid; i < fi * fo; i += nt) {
    const int k = i / fo, o = i % fo;
    float g = 0.0F;
    for (int b = 0; b < nb; ++b) g += kern::relu(prev.pre[b * fi + k]) * cur.dpre[b * fo + o];
    kern::adam_update(cur.weight.value[i], cur.weight.m1[i], cur.weight.m2[i], g, sp.task);
  }
  for (int o = tid; o < fo; o += nt) {
    float g = 0.0F;
    for (int b = 0; b < nb; ++b) g += cur.dpre[b * fo + o];
    kern::adam_update(cur.bias.value[o], cur.bias.m1[o], cur.bias.m2[o], g, sp.task);
  }
  ctx.sync();
}

/// Adam on b_0, and zero dz0's padding rows (the cuBLAS path multiplies all max_batch rows).
template <class Ctx>
GFS_DEVICE void finish_first_layer(const Ctx& ctx, const HeadArgs& a, const StepParams& sp, int nb) {
  const LayerArgs& l0 = a.layer[0];
  const int h0 = l0.fan_out;
  for (int h = ctx.tid(); h < h0; h += ctx.block_dim()) {
    float g = 0.0F;
    for (int b = 0; b < nb; ++b) g += l0.dpre[b * h0 + h];
    kern::adam_update(l0.bias.value[h], l0.bias.m1[h], l0.bias.m2[h], g, sp.task);
  }
  for (int i = nb * h0 + ctx.tid(); i < a.batch.max_batch * h0; i += ctx.block_dim()) l0.dpre[i] = 0.0F;
}

template <class Ctx>
GFS_DEVICE void task_head_body(const Ctx& ctx, const HeadArgs& a, const StepParams& sp, HeadShared& sh) {
  const int nb = sp.n_rows;
  reduce_first_layer(ctx, a, nb);
  ctx.sync();
  for (int l = 1; l < a.n_layers; ++l) {
    forward_layer(ctx, a.layer[l - 1], a.layer[l], nb);
    ctx.sync();
  }
  const float task = task_loss(ctx, a, sp, nb, sh.scratch);
  penalty_and_stats(ctx, a, sp, task, sh.scratch);
  ctx.sync();  // the output gradient is complete
  for (int l = a.n_layers - 1; l >= 1; --l) backward_layer(ctx, a.layer[l - 1], a.layer[l], sp, nb);
  finish_first_layer(ctx, a, sp, nb);
}

}  // namespace gfs::cuda
