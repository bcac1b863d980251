/// @file plan.hpp
/// @brief What a backend is asked to train: the resolved plan, the columns it holds, the state.
///
/// Nothing here is a user setting: core/ resolves gfs::Config (defaults, "auto" values, presets)
/// into a Plan once per fit, so a backend reads plain numbers and never re-derives a rule.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/math.hpp"
#include "train/active_set.hpp"
#include "train/model.hpp"

namespace gfs::train {

/// The resolved numbers of one model's training (one stability member, later, has its own).
struct Plan {
  std::uint64_t seed = 0;  ///< keys the noise, the initialisation and the row shuffles
  int epochs = 200;
  int batch_size = 32;  ///< rows per step (a step never has more rows than the data)
  bool shuffle = true;
  float tau0 = 2.0F;
  float tau_decay = 0.997F;
  float lambda = 0.3F;     ///< weight of the penalty after the warm-up (and the ramp)
  int warmup_epochs = 0;   ///< epochs 1..warmup_epochs train with lambda = 0
  int ramp_epochs = 0;     ///< then lambda rises linearly to its weight over this many epochs
  float penalty_norm = 0;  ///< the mean penalty is sum_j m_j / penalty_norm (the fit's D: the paper)
  kern::SelectPenalty penalty = kern::SelectPenalty::kMean;
  float target_features = 0;  ///< k of the target penalty
  float lr_mask = 4e-3F;      ///< eta_1: phi, the mask biases and e
  float lr_task = 1e-3F;      ///< eta_2: the task network
  float adam_beta1 = 0.9F, adam_beta2 = 0.999F, adam_eps = 1e-8F;
  bool train_embedding = true;
  ActivePolicy active;  ///< skip the columns that can no longer matter (off: every column every step)
};

/// The fit's fixed partition of its D columns into chunks: about 32 columns or more per chunk, at
/// most 64 chunks. Partial sums are formed per chunk and added in chunk order, so results depend
/// neither on the thread count nor on how the columns are split between backends.
struct ColumnChunks {
  int count = 1;
  std::int64_t n_features = 0;
  ColumnChunks() = default;
  explicit ColumnChunks(std::int64_t d)
      : count(static_cast<int>(std::clamp<std::int64_t>(d / 32, 1, 64))), n_features(d) {}
  [[nodiscard]] std::int64_t begin(int c) const { return n_features * c / count; }
  [[nodiscard]] std::int64_t end(int c) const { return n_features * (c + 1) / count; }
};

/// The columns a backend trains: chunks [first_chunk, last_chunk) of the fit's ColumnChunks, i.e.
/// global columns [first, first + count). Noise, initialisation and penalty are keyed by the global
/// index and the fit's total D, so a block trains exactly its share of the whole-matrix model.
struct FeatureBlock {
  std::int64_t total = 0;     ///< D of the fit
  int first_chunk = 0;        ///< of ColumnChunks(total)
  int last_chunk = 1;         ///< exclusive
  std::int64_t x_stride = 0;  ///< floats between rows of the block's x (which starts at its column 0)

  /// The whole matrix, X stored densely [N, D].
  static FeatureBlock whole(std::int64_t d) { return FeatureBlock{d, 0, ColumnChunks(d).count, d}; }
  /// Chunks [c0, c1) of a fit with d columns, X given with row stride `stride`.
  static FeatureBlock chunks(std::int64_t d, int c0, int c1, std::int64_t stride) {
    return FeatureBlock{d, c0, c1, stride};
  }
  [[nodiscard]] ColumnChunks all_chunks() const { return ColumnChunks(total); }
  [[nodiscard]] std::int64_t first() const { return all_chunks().begin(first_chunk); }
  [[nodiscard]] std::int64_t count() const { return all_chunks().begin(last_chunk) - first(); }
  [[nodiscard]] bool is_whole() const { return first_chunk == 0 && last_chunk == all_chunks().count; }
};

/// Everything training changes: the parameters, both Adam moments, the Adam step count.
/// Exported and imported by every backend (checkpoints, resuming, moving a fit).
struct TrainState {
  Params<float> values, moment1, moment2;
  std::int64_t step = 0;  ///< Adam steps taken

  TrainState() = default;
  /// A fresh state: `values` (one or more members), zero moments, step 0.
  explicit TrainState(Params<float> initial)
      : values(std::move(initial)), moment1(values.shape(), values.members), moment2(values.shape(), values.members) {}
};

}  // namespace gfs::train
