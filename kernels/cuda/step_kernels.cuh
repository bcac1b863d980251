/// @file step_kernels.cuh
/// @brief The kernels of one CUDA training step: argument blocks and host launchers.
///
/// A step is: gumbel_mask -> masked matmul (GEMV partials, or gather + cuBLAS) -> task_head
/// (loss, MLP forward/backward, Adam of theta except W0) -> [cuBLAS G = X_b^T dz0] ->
/// feature_backward (W0, phi, bias Adam + de partials) -> embedding_adam (also advances the step).
///
/// Nothing that changes from step to step is a kernel argument: every kernel reads the current
/// StepParams as steps[*counter], and embedding_adam (the last kernel) increments *counter. So the
/// launches of one step can be captured once in a CUDA graph and replayed for every step.
/// Every launcher checks the launch (cudaGetLastError) and throws gfs::Error on failure.
#pragma once

#if defined(GFS_SIMT_HOST)
// The block emulator (tests/simt) compiles the kernel bodies without the CUDA runtime.
struct CUstream_st;
using cudaStream_t = CUstream_st*;
#else
#include <cuda_runtime.h>
#endif

#include <cstdint>

#include "kernels/cuda/launch_config.hpp"
#include "kernels/math.hpp"

namespace gfs::cuda {

/// What changes between steps (uploaded once per epoch, one entry per step).
struct StepParams {
  std::int64_t row_offset = 0;    ///< first position of the batch in `order`
  std::int32_t n_rows = 0;        ///< rows in this batch (the last batch may be short)
  std::int32_t stats_slot = 0;    ///< where task_head writes the loss terms (step within the epoch)
  std::uint64_t subsequence = 0;  ///< Philox subsequence: kTrainStream + global step
  float tau = 1.0F;
  float lambda = 1.0F;           ///< weight of the selection penalty this step (0 in the warm-up)
  kern::AdamStep<float> task{};  ///< Adam scalars of theta (lr_task), step t = global step + 1
  kern::AdamStep<float> mask{};  ///< Adam scalars of phi, bias and e (lr_mask)
};

/// Loss terms of one step, as written by task_head: loss, task, select, mean mask.
inline constexpr int kStatsPerStep = 4;

/// A parameter block with its two Adam moments.
struct AdamBlock {
  float* value = nullptr;
  float* m1 = nullptr;
  float* m2 = nullptr;
};

/// ---- kernel 1: Gumbel mask (+ diag(m) W0 when the cuBLAS path needs it) ------------------------
struct MaskArgs {
  std::int64_t n_features = 0;
  int embedding_dim = 0;
  int h0 = 0;
  std::uint64_t seed = 0;
  const float* embedding = nullptr;          ///< [d_e]
  const float* mask_weight = nullptr;        ///< phi [D, d_e]
  const float* mask_bias = nullptr;          ///< [D]
  const float* w0 = nullptr;                 ///< [D, H0]
  const float* injected_uniforms = nullptr;  ///< [D] tests only: replaces the Philox draw
  float* mask = nullptr;                     ///< out [D]
  float* w0_masked = nullptr;                ///< out [D, H0] = diag(m) W0; nullptr: not written
  float* mask_partial = nullptr;             ///< out [mask_blocks(D)]: per-block sums of m
  /// [D] a gathered model (active set): column j's noise is global column global_ids[j]'s, so
  /// every step draws the masks the whole model draws. nullptr: column j is global column j.
  const std::int64_t* global_ids = nullptr;
  /// [the fit's D] the penalty's cost of each global column (Config::feature_cost); nullptr: 1.
  const float* cost = nullptr;
  float* cost_partial = nullptr;  ///< out [mask_blocks(D)] with `cost`: per-block sums of c m
};
void launch_gumbel_mask(const MaskArgs& a, const StepParams* steps, const int* counter, cudaStream_t s);

/// Current logits w = phi e + b (read_logits; no noise).
void launch_logits(const MaskArgs& a, float* logits, cudaStream_t s);

/// ---- kernel 2: masked matmul --------------------------------------------------------------------
/// Batch rows are order[row_offset + b], b < n_rows.
struct BatchArgs {
  std::int64_t n_features = 0;
  int max_batch = 0;                    ///< rows allocated per batch (layout stride of z_partial)
  const float* x = nullptr;             ///< [N, D]
  const std::int32_t* order = nullptr;  ///< [N] row indices of this epoch
};

/// Small batches: z_partial[c, b, :] = sum_{j in chunk c} x[r_b, j] m_j W0[j, :] (no bias).
struct GemvArgs {
  BatchArgs batch;
  int h0 = 0;
  GemvChunks chunks;
  const float* mask = nullptr;  ///< [D]
  const float* w0 = nullptr;    ///< [D, H0]
  float* z_partial = nullptr;   ///< out [chunks.count, max_batch, H0]
};
void launch_masked_gemv(const GemvArgs& a, const StepParams* steps, const int* counter, cudaStream_t s);

/// Large batches: x_batch[b, :] = x[r_b, :] for b < n_rows, zero rows up to max_batch (so the
/// cuBLAS shapes never change and the padding rows contribute nothing).
void launch_gather_rows(const BatchArgs& a, float* x_batch, const StepParams* steps, const int* counter,
                        cudaStream_t s);

/// ---- kernel 3: task head: z0 reduction, MLP, loss, backward, Adam of theta \ W0 ------------------
/// Up to kHeadOneBlockMaxBatch rows one fused block; above, two kernels: task_head_rows (each block
/// its rows: forward, loss, backward, per-block gradient partials) and task_head_adam (the partials
/// summed over the row blocks in a fixed tree, Adam, the penalty and the step's loss terms).
struct LayerArgs {
  int fan_in = 0;
  int fan_out = 0;
  AdamBlock weight;       ///< [fan_in, fan_out]; layer 0's is updated by feature_backward
  AdamBlock bias;         ///< [fan_out]
  float* pre = nullptr;   ///< scratch [max_batch, fan_out]: z_l
  float* dpre = nullptr;  ///< scratch [max_batch, fan_out]: dL/dz_l (layer 0: dz0, read later)
};
struct HeadArgs {
  BatchArgs batch;
  int n_layers = 0;
  LayerArgs layer[kMaxLayers];
  const float* z_partial = nullptr;  ///< [n_partials, max_batch, H0]
  int n_partials = 0;
  const float* mask_partial = nullptr;  ///< [n_mask_partials]
  /// [n_mask_partials] the per-block sums of c m (MaskArgs::cost_partial); nullptr: no costs, the
  /// penalty charges sum m
  const float* cost_partial = nullptr;
  int n_mask_partials = 0;
  bool classification = true;
  const std::int32_t* labels = nullptr;  ///< [N]
  const float* class_weight = nullptr;   ///< [C]
  const float* values = nullptr;         ///< [N, O]
  /// Survival (classification false): the Cox partial likelihood of the risk score (one output)
  /// over the batch's risk sets. The rows are coupled, so it runs in the one-block head only
  /// (head_split(max_batch, true)).
  bool survival = false;
  kern::CoxTies ties = kern::CoxTies::kBreslow;
  const float* time = nullptr;   ///< survival [N]
  const float* event = nullptr;  ///< survival [N]: 1 event, 0 censored
  /// survival scratch [4, max_batch]: the batch's times, events, denominators and tie shares
  float* cox = nullptr;
  bool target_penalty = false;
  int target_features = 0;
  float penalty_norm = 0;    ///< the mean penalty is sum_j m_j / penalty_norm (0: D)
  std::int64_t fit_features = 0;  ///< D of the penalty: the fit's columns (a gathered model trains fewer; 0: batch.n_features)
  float* dsel_dm = nullptr;  ///< out: sp.lambda * dL_select/dm_j (the same for every j)
  float* stats = nullptr;    ///< out [steps, kStatsPerStep]
  HeadSplit split;           ///< one fused block, or row blocks (head_split)
  float* grad_partial = nullptr;      ///< row-split: [split.row_blocks, partial_floats] (head_partial_layout)
  int partial_floats = 0;             ///< floats per row block's slot
  int partial_offset[kMaxLayers] = {};  ///< slot offset of dL/db_0 (l = 0) and of dW_l (l >= 1)
};
/// Sets h.split and the layout of a row block's slot (h.partial_offset, h.partial_floats) from
/// h's layers (n_layers and fan_out set). Returns the floats grad_partial must hold (0 for the
/// one-block head).
inline std::size_t set_head_split(HeadArgs& h, HeadSplit split) {
  int widths[kMaxLayers] = {};
  for (int l = 0; l < h.n_layers; ++l) widths[l] = h.layer[l].fan_out;
  h.split = split;
  h.partial_floats = head_partial_layout(widths, h.n_layers, h.partial_offset);
  return split.rows_per_block == 0 ? 0
                                   : static_cast<std::size_t>(split.row_blocks) * static_cast<std::size_t>(h.partial_floats);
}
/// The row-split head computes each block's rows alone, so a survival loss (risk sets over the
/// whole batch) cannot run in it; the launchers refuse that pairing.
inline bool head_split_fits_task(const HeadArgs& h) { return !h.survival || h.split.rows_per_block == 0; }
void launch_task_head(const HeadArgs& a, const StepParams* steps, const int* counter, cudaStream_t s);

/// ---- kernel 4: feature-side backward + Adam of W0, phi, bias; de partials -----------------------
struct FeatureArgs {
  BatchArgs batch;
  int h0 = 0;
  int embedding_dim = 0;
  int n_blocks = 0;               ///< feature_blocks(D, sm_count)
  bool small_path = true;         ///< G_j from x and dz0 here; else read from `grad_g`
  const float* dz0 = nullptr;     ///< [max_batch, H0]
  const float* grad_g = nullptr;  ///< [D, H0] = X_b^T dz0 (cuBLAS path)
  const float* mask = nullptr;    ///< [D]
  const float* dsel_dm = nullptr;
  const float* embedding = nullptr;  ///< [d_e], before this step's update
  AdamBlock w0;                      ///< [D, H0]
  AdamBlock mask_weight;             ///< phi [D, d_e]
  AdamBlock mask_bias;               ///< [D]
  float* de_partial = nullptr;       ///< out [n_blocks, d_e]
  /// [the fit's D] the penalty's cost of each global column: dsel/dm_j = dsel_dm c_j; nullptr: 1.
  const float* cost = nullptr;
  const std::int64_t* global_ids = nullptr;  ///< a gathered model: local -> global column (cost's index)
};
void launch_feature_backward(const FeatureArgs& a, const StepParams* steps, const int* counter, cudaStream_t s);

/// ---- kernel 5: de = sum of partials, Adam of e, ++*counter --------------------------------------
struct EmbeddingArgs {
  int embedding_dim = 0;
  int n_partials = 0;
  bool train_embedding = true;
  const float* de_partial = nullptr;  ///< [n_partials, d_e]
  AdamBlock embedding;
  float* grad_e = nullptr;  ///< out [d_e] (tests read it; nullptr: not written)
};
void launch_embedding_adam(const EmbeddingArgs& a, const StepParams* steps, int* counter, cudaStream_t s);

}  // namespace gfs::cuda
