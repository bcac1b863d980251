/// @file task_head_body.cuh
/// @brief Kernel body 3 (written against the execution context, simt.hpp): reduce the
///        masked-matmul partials into z0, run the small task MLP forward, the loss and its gradient
///        (softmax-CE with class weights, MSE, or the Cox partial likelihood), the selection
///        penalty, the MLP backward down to dz0, and Adam on every theta block except W0.
///
/// Two shapes of the same arithmetic (launch_config.hpp, head_split()):
///  - up to kHeadOneBlockMaxBatch rows (and a survival batch of any size, whose risk sets couple
///    all its rows), one fused block (task_head_body) that walks the layers
///    with barriers in between: the head is tiny (widths around 32), so at the batch sizes the
///    method uses one launch beats two (~8 us at batch 32 in bench/gpu_model.py);
///  - above, the rows are split over blocks (task_head_rows_body): each block runs its rows
///    forward, through the loss and backward with the weights before the step, and writes its
///    partial sums of the head's gradients (and of the task loss) to its slot of grad_partial;
///    task_head_adam_body then sums every gradient element over the row blocks in a fixed tree
///    (one warp per element: lanes over the blocks, then a butterfly), runs Adam, and block 0 adds
///    the loss partials in block order and sets the penalty. No atomics: the bits depend on the
///    shape only, never on which thread or block ran first.
/// Per-element loops and the order of the row sums within a block follow the CPU backend
/// (src/backends/cpu/cpu_step.hpp), so the two agree to float rounding.
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

/// Rows [r0, r1) of the batch.
struct RowRange {
  int r0 = 0;
  int r1 = 0;
};

/// z0[b, h] = bias0[h] + sum_c z_partial[c, b, h] for b in rows. Many partials (the GEMV path: up
/// to 8 x SM count chunks): one warp per element, lanes over the chunks, then a butterfly — a
/// fixed order, ~n/32 + 5 dependent adds instead of n. One partial (cuBLAS): one thread per element.
template <class Ctx>
GFS_DEVICE void reduce_first_layer(const Ctx& ctx, const HeadArgs& a, RowRange rows) {
  const LayerArgs& l0 = a.layer[0];
  const int h0 = l0.fan_out, n = rows.r1 * h0;
  const std::int64_t stride = static_cast<std::int64_t>(a.batch.max_batch) * h0;
  if (a.n_partials >= kTreeReduceMin) {
    const int n_warps = ctx.block_dim() >> 5;
    for (int i = rows.r0 * h0 + (ctx.tid() >> 5); i < n; i += n_warps) {
      const float z = warp_strided_sum(ctx, a.z_partial + i, a.n_partials, stride);
      if ((ctx.tid() & 31) == 0) l0.pre[i] = l0.bias.value[i % h0] + z;
    }
  } else {
    for (int i = rows.r0 * h0 + ctx.tid(); i < n; i += ctx.block_dim()) {
      float z = 0.0F;
      for (int c = 0; c < a.n_partials; ++c) z += a.z_partial[c * stride + i];
      l0.pre[i] = l0.bias.value[i % h0] + z;
    }
  }
}

/// z_l = relu(z_{l-1}) W_l + b_l for l >= 1, rows `rows`.
template <class Ctx>
GFS_DEVICE void forward_layer(const Ctx& ctx, const LayerArgs& prev, const LayerArgs& cur, RowRange rows) {
  const int fi = cur.fan_in, fo = cur.fan_out;
  for (int i = rows.r0 * fo + ctx.tid(); i < rows.r1 * fo; i += ctx.block_dim()) {
    const int b = i / fo, o = i % fo;
    float z = cur.bias.value[o];
    for (int k = 0; k < fi; ++k) z += kern::relu(prev.pre[b * fi + k]) * cur.weight.value[k * fo + o];
    cur.pre[i] = z;
  }
}

/// The Cox partial likelihood of a whole batch of nb rows (one output: the risk score eta), in the
/// three passes of math.hpp: the batch's times and events are gathered into a.cox, every thread
/// takes the shift (the largest eta) and the event count itself (the same sums in row order), a
/// thread per row its denominator and tie share, then a thread per row its loss term and
/// d(loss)/d eta. Only the one-block head runs it (every risk set spans the whole batch). Returns
/// this thread's share of the loss.
template <class Ctx>
GFS_DEVICE float cox_task_loss(const Ctx& ctx, const HeadArgs& a, const StepParams& sp, int nb) {
  const LayerArgs& out = a.layer[a.n_layers - 1];
  const int stride = a.batch.max_batch;
  float* time = a.cox;
  float* event = time + stride;
  float* denom = event + stride;
  float* share = denom + stride;
  for (int b = ctx.tid(); b < nb; b += ctx.block_dim()) {
    const std::int64_t r = batch_row(a.batch, sp, b);
    time[b] = a.time[r];
    event[b] = a.event[r];
  }
  ctx.sync();  // the batch's times and events are gathered
  const float* eta = out.pre;
  const int events = kern::cox_events(event, nb);
  // A batch without events carries no task signal: loss and gradient 0, as on the CPU.
  const float scale = events > 0 ? 1.0F / static_cast<float>(events) : 0.0F;
  const float shift = kern::cox_shift(eta, nb);
  for (int b = ctx.tid(); b < nb; b += ctx.block_dim())
    denom[b] = kern::cox_denominator(eta, time, event, nb, b, shift, a.ties, share + b);
  ctx.sync();  // every denominator is written
  float local = 0.0F;
  for (int b = ctx.tid(); b < nb; b += ctx.block_dim())
    local += scale * kern::cox_row(eta, time, event, denom, share, nb, b, shift, scale, out.dpre + b);
  return local;
}

/// Task loss of the rows `rows` of a batch of nb rows (normalised over the whole batch); fills
/// their rows of the last layer's dpre with dL_task/d(output). Every thread gets the sum.
template <class Ctx>
GFS_DEVICE float task_loss(const Ctx& ctx, const HeadArgs& a, const StepParams& sp, int nb, RowRange rows,
                           float* scratch) {
  const LayerArgs& out = a.layer[a.n_layers - 1];
  const int n_out = out.fan_out;
  float local = 0.0F;
  if (a.survival) {
    local = cox_task_loss(ctx, a, sp, nb);  // rows is the whole batch: the one-block head
  } else if (a.classification) {
    for (int b = ctx.tid(); b < nb; b += ctx.block_dim()) local += a.class_weight[a.labels[batch_row(a.batch, sp, b)]];
    const float total_weight = block_sum(ctx, local, scratch);
    // A batch made only of zero-weight classes carries no task signal (not 0/0), as on the CPU.
    const float inv_total = total_weight > 0.0F ? 1.0F / total_weight : 0.0F;
    local = 0.0F;
    for (int b = rows.r0 + ctx.tid(); b < rows.r1; b += ctx.block_dim()) {
      const int label = a.labels[batch_row(a.batch, sp, b)];
      const float scale = a.class_weight[label] * inv_total;
      local += scale * kern::softmax_xent_row(out.pre + b * n_out, n_out, label, scale, out.dpre + b * n_out);
    }
  } else {
    const float scale = 1.0F / (static_cast<float>(nb) * static_cast<float>(n_out));
    for (int b = rows.r0 + ctx.tid(); b < rows.r1; b += ctx.block_dim()) {
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
  float cost_sum = mask_sum;
  if (a.cost_partial != nullptr) {
    local = 0.0F;
    for (int c = ctx.tid(); c < a.n_mask_partials; c += ctx.block_dim()) local += a.cost_partial[c];
    cost_sum = block_sum(ctx, local, scratch);
  }
  const float D = static_cast<float>(a.fit_features > 0 ? a.fit_features : a.batch.n_features);
  const kern::PenaltyTerms<float> pen = kern::selection_penalty(
      a.target_penalty ? kern::SelectPenalty::kTarget : kern::SelectPenalty::kMean, mask_sum, D,
      static_cast<float>(a.target_features), a.penalty_norm > 0.0F ? a.penalty_norm : D, cost_sum);
  if (ctx.tid() == 0) {
    *a.dsel_dm = sp.lambda * pen.grad_per_mask;
    float* s = a.stats + static_cast<std::int64_t>(sp.stats_slot) * kStatsPerStep;
    s[0] = task + sp.lambda * pen.value;
    s[1] = task;
    s[2] = pen.value;
    s[3] = pen.mean_mask;
  }
}

/// dz_{l-1} = relu'(z_{l-1}) * (dz_l W_l^T) for rows `rows`, from W_l before its update.
template <class Ctx>
GFS_DEVICE void backward_dprev(const Ctx& ctx, const LayerArgs& prev, const LayerArgs& cur, RowRange rows) {
  const int fi = cur.fan_in, fo = cur.fan_out;
  for (int i = rows.r0 * fi + ctx.tid(); i < rows.r1 * fi; i += ctx.block_dim()) {
    const int b = i / fi, k = i % fi;
    float acc = 0.0F;
    for (int o = 0; o < fo; ++o) acc += cur.weight.value[k * fo + o] * cur.dpre[b * fo + o];
    prev.dpre[i] = kern::relu_backward(prev.pre[i], acc);
  }
}

/// dL/dW_l[k, o] over rows `rows`: sum_b relu(z_{l-1}[b, k]) dz_l[b, o], rows in order.
GFS_DEVICE float weight_grad(const LayerArgs& prev, const LayerArgs& cur, RowRange rows, int i) {
  const int fi = cur.fan_in, fo = cur.fan_out, k = i / fo, o = i % fo;
  float g = 0.0F;
  for (int b = rows.r0; b < rows.r1; ++b) g += kern::relu(prev.pre[b * fi + k]) * cur.dpre[b * fo + o];
  return g;
}

/// dL/db[o] of a layer over rows `rows`: sum_b dz[b, o], rows in order.
GFS_DEVICE float bias_grad(const LayerArgs& cur, RowRange rows, int o) {
  float g = 0.0F;
  for (int b = rows.r0; b < rows.r1; ++b) g += cur.dpre[b * cur.fan_out + o];
  return g;
}

/// One block: backward through layer l >= 1, then Adam on W_l and b_l. The barrier in between
/// keeps every read of the old W_l ahead of its update.
template <class Ctx>
GFS_DEVICE void backward_layer(const Ctx& ctx, const LayerArgs& prev, const LayerArgs& cur, const StepParams& sp,
                               RowRange rows) {
  const int fo = cur.fan_out, tid = ctx.tid(), nt = ctx.block_dim();
  backward_dprev(ctx, prev, cur, rows);
  ctx.sync();
  for (int i = tid; i < cur.fan_in * fo; i += nt)
    kern::adam_update(cur.weight.value[i], cur.weight.m1[i], cur.weight.m2[i], weight_grad(prev, cur, rows, i),
                      sp.task);
  for (int o = tid; o < fo; o += nt)
    kern::adam_update(cur.bias.value[o], cur.bias.m1[o], cur.bias.m2[o], bias_grad(cur, rows, o), sp.task);
  ctx.sync();
}

/// Zero dz0's padding rows [from, to) (the cuBLAS path multiplies all max_batch rows).
template <class Ctx>
GFS_DEVICE void zero_padding_rows(const Ctx& ctx, const HeadArgs& a, int from, int to) {
  const int h0 = a.layer[0].fan_out;
  for (int i = from * h0 + ctx.tid(); i < to * h0; i += ctx.block_dim()) a.layer[0].dpre[i] = 0.0F;
}

/// z0 and the forward pass of rows `rows` through every layer; ends on a barrier.
template <class Ctx>
GFS_DEVICE void head_forward(const Ctx& ctx, const HeadArgs& a, RowRange rows) {
  reduce_first_layer(ctx, a, rows);
  ctx.sync();
  for (int l = 1; l < a.n_layers; ++l) {
    forward_layer(ctx, a.layer[l - 1], a.layer[l], rows);
    ctx.sync();
  }
}

/// The fused one-block head (batches up to kHeadOneBlockMaxBatch rows).
template <class Ctx>
GFS_DEVICE void task_head_body(const Ctx& ctx, const HeadArgs& a, const StepParams& sp, HeadShared& sh) {
  const int nb = sp.n_rows;
  const RowRange all{0, nb};
  head_forward(ctx, a, all);
  const float task = task_loss(ctx, a, sp, nb, all, sh.scratch);
  penalty_and_stats(ctx, a, sp, task, sh.scratch);
  ctx.sync();  // the output gradient is complete
  for (int l = a.n_layers - 1; l >= 1; --l) backward_layer(ctx, a.layer[l - 1], a.layer[l], sp, all);
  const LayerArgs& l0 = a.layer[0];
  for (int h = ctx.tid(); h < l0.fan_out; h += ctx.block_dim())
    kern::adam_update(l0.bias.value[h], l0.bias.m1[h], l0.bias.m2[h], bias_grad(l0, all, h), sp.task);
  zero_padding_rows(ctx, a, nb, a.batch.max_batch);
}

/// Row-split head, kernel A: block c owns rows [c * rows_per_block, ...) of the allocated batch.
/// Its live rows go forward, through the loss and backward (weights before the step); its slot
/// of grad_partial gets its task loss, dL/db_0 and each layer's dW_l, db_l over its rows; its
/// padding rows of dz0 are zeroed. Nothing is updated here.
template <class Ctx>
GFS_DEVICE void task_head_rows_body(const Ctx& ctx, const HeadArgs& a, const StepParams& sp, HeadShared& sh) {
  const int nb = sp.n_rows, tid = ctx.tid(), nt = ctx.block_dim();
  const int start = ctx.bid_x() * a.split.rows_per_block;
  const int end = kern::min_(start + a.split.rows_per_block, a.batch.max_batch);
  const RowRange rows{kern::min_(start, nb), kern::min_(end, nb)};
  float* slot = a.grad_partial + static_cast<std::int64_t>(ctx.bid_x()) * a.partial_floats;
  head_forward(ctx, a, rows);
  const float task = task_loss(ctx, a, sp, nb, rows, sh.scratch);
  if (tid == 0) slot[0] = task;
  ctx.sync();  // this block's output gradient is complete
  for (int l = a.n_layers - 1; l >= 1; --l) {
    const LayerArgs &prev = a.layer[l - 1], &cur = a.layer[l];
    backward_dprev(ctx, prev, cur, rows);
    float* gw = slot + a.partial_offset[l];
    for (int i = tid; i < cur.fan_in * cur.fan_out; i += nt) gw[i] = weight_grad(prev, cur, rows, i);
    float* gb = gw + cur.fan_in * cur.fan_out;
    for (int o = tid; o < cur.fan_out; o += nt) gb[o] = bias_grad(cur, rows, o);
    ctx.sync();  // dz_{l-1} is complete
  }
  float* gb0 = slot + a.partial_offset[0];
  for (int h = tid; h < a.layer[0].fan_out; h += nt) gb0[h] = bias_grad(a.layer[0], rows, h);
  zero_padding_rows(ctx, a, kern::max_(start, nb), end);
}

/// The parameter block of element e of a row block's slot (e >= 1), and the index inside it.
GFS_DEVICE const AdamBlock& head_partial_param(const HeadArgs& a, int e, int& index) {
  int l = a.n_layers - 1;
  while (l > 0 && e < a.partial_offset[l]) --l;
  index = e - a.partial_offset[l];
  if (l == 0) return a.layer[0].bias;
  const int n_weight = a.layer[l].fan_in * a.layer[l].fan_out;
  if (index < n_weight) return a.layer[l].weight;
  index -= n_weight;
  return a.layer[l].bias;
}

/// Row-split head, kernel B: one warp per gradient element of the slot (a grid-stride loop over
/// the warps of every block) sums it over the row blocks as a tree and runs Adam; block 0 adds
/// the blocks' task losses in block order and sets the penalty and the step's loss terms.
template <class Ctx>
GFS_DEVICE void task_head_adam_body(const Ctx& ctx, const HeadArgs& a, const StepParams& sp, HeadShared& sh) {
  const int warps = ctx.block_dim() >> 5;
  const int n_warps = ctx.grid_x() * warps;
  for (int e = 1 + ctx.bid_x() * warps + (ctx.tid() >> 5); e < a.partial_floats; e += n_warps) {
    const float g = warp_strided_sum(ctx, a.grad_partial + e, a.split.row_blocks, a.partial_floats);
    if ((ctx.tid() & 31) == 0) {
      int i = 0;
      const AdamBlock& p = head_partial_param(a, e, i);
      kern::adam_update(p.value[i], p.m1[i], p.m2[i], g, sp.task);
    }
  }
  if (ctx.bid_x() == 0) {
    float task = 0.0F;  // the same sum, in block order, in every thread
    for (int c = 0; c < a.split.row_blocks; ++c) task += a.grad_partial[static_cast<std::int64_t>(c) * a.partial_floats];
    penalty_and_stats(ctx, a, sp, task, sh.scratch);
  }
}

}  // namespace gfs::cuda
