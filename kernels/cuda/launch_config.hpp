/// @file launch_config.hpp
/// @brief Launch geometry of the CUDA step kernels: pure host arithmetic, unit-tested on the CPU.
///
/// Every reduction in the CUDA step is deterministic because the grid of each kernel is a function
/// of the problem shape and the device's SM count only, never of timing: partial sums land in
/// fixed slots and are added in slot order. So this file decides the bit pattern of the results,
/// and two runs on the same GPU model agree to the bit.
#pragma once

#include <algorithm>
#include <cstdint>

namespace gfs::cuda {

/// Threads per block of every multi-block step kernel (8 warps).
inline constexpr int kBlockThreads = 256;
inline constexpr int kWarpsPerBlock = kBlockThreads / 32;
/// Features handled by one block of the mask kernel: one per thread, so that D = 10^4 already
/// spreads over 40 blocks (one Philox block serves 4 features; each thread computes it again,
/// which costs far less than a shuffle round trip).
inline constexpr int kMaskFeaturesPerBlock = kBlockThreads;
/// Resident blocks per SM that the feature-side kernel is compiled for (__launch_bounds__ min
/// blocks: ptxas caps the registers at 65536 / (256 * 4) = 64) and that feature_blocks() assumes.
inline constexpr int kFeatureBlocksPerSm = 4;
/// The masked-matmul GEMV path (m applied on the fly, no cuBLAS) handles batches up to this size.
inline constexpr int kMaxSmallBatch = 16;
/// Fewest features in one chunk of the GEMV partial sums: each warp walks chunk / 8 features one
/// after the other, so at D <= 10^4 a chunk of 64 keeps that walk at 8 steps.
inline constexpr std::int64_t kMinGemvChunk = 64;
/// Resident blocks per SM the GEMV kernel is compiled for (__launch_bounds__ min blocks: at most
/// 85 registers; its 16 batch accumulators need ~80, and 4 blocks' 64 spill) and that
/// gemv_chunks() fills.
inline constexpr int kGemvBlocksPerSm = 3;
/// Dynamic shared memory a kernel may use without opting in.
inline constexpr std::size_t kSharedBudget = 48 * 1024;
/// Most layers (hidden + output) the fused task-head kernel takes.
inline constexpr int kMaxLayers = 16;

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

/// Blocks of the mask kernel for D features.
inline int mask_blocks(std::int64_t n_features) {
  return static_cast<int>(ceil_div(n_features, kMaskFeaturesPerBlock));
}

/// The feature axis of the GEMV path cut into `count` chunks of `size` features (the last shorter).
struct GemvChunks {
  int count = 1;
  std::int64_t size = 1;
};
/// One wave of kGemvBlocksPerSm blocks per SM at most, each over at least kMinGemvChunk features.
inline GemvChunks gemv_chunks(std::int64_t n_features, int sm_count) {
  const std::int64_t most =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(kGemvBlocksPerSm) * std::max(sm_count, 1));
  const std::int64_t count = std::clamp<std::int64_t>(ceil_div(n_features, kMinGemvChunk), 1, most);
  const std::int64_t size = ceil_div(n_features, count);
  // Recount so no chunk is empty (count * size may overshoot D by up to count - 1 features).
  return GemvChunks{static_cast<int>(ceil_div(n_features, size)), size};
}

/// The most chunks gemv_chunks() gives any column count up to n_features: the count before its
/// recount. (The recount is not monotone in D: at 132 SMs, D = 25 345 has 390 chunks and some
/// smaller D 396.) Buffers that a gathered model (the active set) reuses are sized with it.
inline int gemv_chunks_bound(std::int64_t n_features, int sm_count) {
  const std::int64_t most =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(kGemvBlocksPerSm) * std::max(sm_count, 1));
  return static_cast<int>(std::clamp<std::int64_t>(ceil_div(n_features, kMinGemvChunk), 1, most));
}

/// Blocks of the feature-side backward kernel (one warp per feature, grid-stride over features):
/// one full wave of kFeatureBlocksPerSm blocks per SM at most.
inline int feature_blocks(std::int64_t n_features, int sm_count) {
  const std::int64_t most = static_cast<std::int64_t>(kFeatureBlocksPerSm) * std::max(sm_count, 1);
  return static_cast<int>(std::clamp<std::int64_t>(ceil_div(n_features, kWarpsPerBlock), 1, most));
}

/// Dynamic shared memory (bytes) of the feature-side kernel: dz0 of the batch (small path only),
/// the embedding, one d_e accumulator and one batch of x values per warp.
inline std::size_t feature_shared_bytes(int batch, int h0, int embedding_dim, bool small_path) {
  const std::size_t floats = (small_path ? static_cast<std::size_t>(batch) * h0 : 0) +
                             static_cast<std::size_t>(embedding_dim) * (1 + kWarpsPerBlock) +
                             static_cast<std::size_t>(kWarpsPerBlock) * kMaxSmallBatch;
  return floats * sizeof(float) + static_cast<std::size_t>(kMaxSmallBatch) * sizeof(std::int32_t);
}

/// Small batches take the GEMV path (no gather, no cuBLAS): cheaper at batch 1, the reference
/// default. It needs the batch's dz0 in shared memory.
inline bool use_small_batch_path(int batch, int h0, int embedding_dim) {
  return batch <= kMaxSmallBatch && feature_shared_bytes(batch, h0, embedding_dim, true) <= kSharedBudget;
}

/// Dynamic shared memory (bytes) of the mask kernel: the embedding, and the block's masks (read
/// back when the block scales its rows of W0 for the cuBLAS path).
inline std::size_t mask_shared_bytes(int embedding_dim) {
  return (static_cast<std::size_t>(embedding_dim) + kMaskFeaturesPerBlock) * sizeof(float);
}

/// Blocks of the plain logits kernel (one feature per thread).
inline int logits_blocks(std::int64_t n_features) {
  return static_cast<int>(std::max<std::int64_t>(1, ceil_div(n_features, kBlockThreads)));
}

/// Grid (x: feature strips, y: batch rows) of the row-gather kernel.
inline int gather_blocks_x(std::int64_t n_features) {
  return static_cast<int>(std::clamp<std::int64_t>(ceil_div(n_features, 4 * kBlockThreads), 1, 64));
}
inline int gather_blocks_y(int max_batch) { return std::min(max_batch, 65535); }

/// Threads of the single-block task head: 256 for the small batches the method uses; 1 024 (the
/// most a block takes) from 64 rows on, where its per-row loops are throughput-bound on one SM.
inline constexpr int kHeadThreads = 256;
inline constexpr int kHeadThreadsLarge = 1024;
inline int head_threads(int max_batch) { return max_batch >= 64 ? kHeadThreadsLarge : kHeadThreads; }

/// Batches above this many rows run the row-split task head (task_head_rows + task_head_adam):
/// one SM walking 1 024 rows is the head's limit (~78 us in bench/gpu_model.py), while up to 64
/// rows the fused block is cheaper than a second launch.
inline constexpr int kHeadOneBlockMaxBatch = 64;
/// Batch rows per block of the row-split head's first kernel.
inline constexpr int kHeadRowsPerBlock = 32;

/// The task head's geometry. rows_per_block == 0: the fused one-block head; else row_blocks
/// blocks of kBlockThreads each own rows_per_block rows of the allocated batch.
struct HeadSplit {
  int row_blocks = 1;
  int rows_per_block = 0;
};
/// The allocated batch cut into blocks of `rows_per_block` rows (the last shorter).
inline HeadSplit head_row_split(int max_batch, int rows_per_block) {
  return HeadSplit{static_cast<int>(ceil_div(max_batch, rows_per_block)), rows_per_block};
}
/// The head the backend runs for a batch of `max_batch` rows. A survival (Cox) loss couples every
/// row of the batch through its risk sets, so it always runs in the one-block head.
inline HeadSplit head_split(int max_batch, bool survival = false) {
  return survival || max_batch <= kHeadOneBlockMaxBatch ? HeadSplit{} : head_row_split(max_batch, kHeadRowsPerBlock);
}

/// Layout of one row block's slot in the row-split head's partials: [0] the block's task loss,
/// [1, 1 + H0) its dL/db_0, then for each layer l >= 1 its dW_l [fan_in, fan_out] at offset[l] and
/// dL/db_l [fan_out] right after. `widths` holds each layer's fan_out (H0, the hidden sizes after
/// it, the outputs: n_layers values); offset gets n_layers entries (offset[0] = 1: db_0). Returns
/// the floats of one slot.
inline int head_partial_layout(const int* widths, int n_layers, int* offset) {
  int at = 1;
  offset[0] = at;
  at += widths[0];
  for (int l = 1; l < n_layers; ++l) {
    offset[l] = at;
    at += widths[l - 1] * widths[l] + widths[l];
  }
  return at;
}

/// Blocks of the row-split head's second kernel (one warp per parameter of the slot).
inline int head_adam_blocks(int partial_floats) {
  return static_cast<int>(std::clamp<std::int64_t>(ceil_div(partial_floats, kWarpsPerBlock), 1, 1024));
}

/// Threads of the embedding-Adam kernel: one warp per embedding component (up to 32 warps), so
/// each warp sums one column of the feature blocks' partials as a tree.
inline int embedding_threads(int embedding_dim) { return 32 * std::clamp(embedding_dim, 1, 32); }

}  // namespace gfs::cuda
