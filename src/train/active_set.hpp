/// @file active_set.hpp
/// @brief Active-set training: which columns a step still has to pay for, and the compacted
///        (gathered) copy of their parameters.
///
/// Column j's mask is m_j = sigma((w_j + g) / tau), g ~ Gumbel(0, 1). It exceeds eps exactly when
/// w_j + g > tau * logit(eps), so P(m_j > eps) = 1 - exp(-exp(w_j - tau * logit(eps))). A column
/// whose probability is below delta cannot matter: with probability >= 1 - delta its mask is
/// <= eps, so its share of the masked matmul is <= eps |x_j| |W0_j|, of the penalty <= eps / D,
/// and its logit gradient (dm_j + dsel) m_j (1 - m_j) / tau is eps-scaled. Such a column leaves the
/// active set: its parameters and Adam moments stay as they are while the others train on a
/// gathered copy (x and parameters of the active columns only, contiguous); its noise stays keyed
/// by its global index, so every step draws the masks the dense step draws.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "train/model.hpp"

namespace gfs::train {

/// The settings of the active set (resolved from Config; disabled for exact fits).
struct ActivePolicy {
  bool enabled = false;
  double eps = 1e-2;     ///< a mask <= eps no longer matters
  double delta = 1e-2;   ///< ... when it exceeds eps with probability < delta
  int recheck_epochs = 1;  ///< every this many epochs every column is checked again (and may return)
  double compact_factor = 1.25;  ///< gather (again) once the active set has shrunk by this factor
  bool in_warmup = false;  ///< also in the warm-up (lambda 0): the prescreen closed columns before it

  /// The logit below which a column is inactive at temperature tau:
  /// 1 - exp(-exp(w - tau logit(eps))) < delta  <=>  w < tau logit(eps) + log(-log(1 - delta)).
  [[nodiscard]] double threshold(double tau) const {
    return tau * std::log(eps / (1 - eps)) + std::log(-std::log1p(-delta));
  }
  /// P(sigma((w + g) / tau) > eps) under Gumbel noise.
  [[nodiscard]] double open_probability(double w, double tau) const {
    return -std::expm1(-std::exp(w - tau * std::log(eps / (1 - eps))));
  }
};

/// Local index -> global column of a gathered model.
using ColumnIds = std::vector<std::int64_t>;

/// How a gathered model of `columns` active columns (of a fit of `n_rows` rows) is laid out, the
/// same rule in one process and across column blocks, so that a fit does not depend on the split:
/// a small set (at most kWholeModelColumns, and its x within one MPI call) is one model of its
/// own columns, chunked as a table of that width, which every block then trains whole (the
/// blocks gather its columns, their parameters and x); a larger set keeps each column in its fit
/// chunk, so each block trains its share and the chunks' partial sums join as in a dense step.
inline constexpr std::int64_t kWholeModelColumns = 4096;
inline bool gathered_model_is_whole(std::int64_t columns, std::int64_t n_rows) {
  return columns <= kWholeModelColumns && n_rows * columns <= std::int64_t{2147483647};
}

/// The columns of `logits` [count] at or above policy.threshold(tau) (the active ones), ascending.
ColumnIds active_columns(const ActivePolicy& policy, const float* logits, std::int64_t count, double tau);

/// Whether the active set applies to an epoch at penalty weight `lambda`: never for exact fits
/// (policy disabled), in the warm-up (lambda 0) only when the prescreen closed columns before it
/// (else no mask is closed yet and every column trains).
inline bool active_set_applies(const ActivePolicy& policy, double lambda) {
  return policy.enabled && (lambda > 0 || policy.in_warmup);
}

/// Whether epoch `epoch` (1-based) checks every column again (else gathered columns only shrink).
inline bool is_recheck_epoch(const ActivePolicy& policy, int epoch) {
  return policy.recheck_epochs <= 1 || epoch % policy.recheck_epochs == 0;
}

/// What one member trains in the coming epoch; every backend asks this one function, so the CPU
/// and CUDA active sets make the same decisions from the same logits.
struct ActiveDecision {
  enum class Action {
    kKeep,    ///< train what it trains now (dense, or the current gathered copy)
    kDense,   ///< train every column (drop the gathered copy)
    kGather,  ///< gather `ids` and train them
  };
  Action action = Action::kKeep;
  ColumnIds ids;  ///< kGather: the new active columns (global, ascending)
};

/// Whether decide_active_set() reads the whole model's logits (else the gathered model's).
inline bool active_set_needs_whole_logits(bool recheck, const ColumnIds* gathered) {
  return recheck || gathered == nullptr;
}

/// The decision before an epoch at temperature tau. `gathered`: the member's gathered columns
/// (nullptr: it trains densely). `logits`: the whole model's [D] when
/// active_set_needs_whole_logits(), else the gathered model's [gathered->size()]. On a recheck
/// the set is exactly the columns at or above the threshold (a function of the state alone, so a
/// resumed fit trains what an uninterrupted one does; a column whose logit rose comes back);
/// between rechecks the gathered columns only shrink, by compact_factor at a time. A set that
/// has not shrunk by compact_factor from D trains densely; an empty one keeps its most open column.
ActiveDecision decide_active_set(const ActivePolicy& policy, bool recheck, const ColumnIds* gathered,
                                 const float* logits, std::int64_t n_features, double tau);

/// w = phi e + b of every column of member `member` of `values`, into out [n_features] (float,
/// k in order: the logits the decisions read when a backend holds the whole model on the host).
/// Wide models are split over `threads` threads by column (each column's sum is the same).
void member_logits(const Params<float>& values, int member, float* out, int threads = 1);

/// The shape of a model that holds only `ids.size()` of `whole`'s columns.
ModelShape gathered_shape(const ModelShape& whole, std::int64_t count);

/// Member `member` of `full` restricted to columns `ids`: the embedding and the task network's
/// layers after the first are copied whole, the feature-side rows (phi, mask bias, W0) of `ids`
/// only; `out` must have gathered_shape's layout (one member).
void gather_columns(const Params<float>& full, int member, const ColumnIds& ids, Params<float>& out);
/// The inverse: writes `part` back into member `member` of `full` (columns `ids` and every shared block).
void scatter_columns(const Params<float>& part, const ColumnIds& ids, int member, Params<float>& full);
struct TrainState;
/// gather_columns of the values and both Adam moments: member `member` of `whole` restricted to
/// columns `ids` (one member of gathered_shape), at whole's step. Every backend's gathered copy.
TrainState gather_state(const TrainState& whole, int member, const ColumnIds& ids);
/// The inverse: writes the values and both moments of `part` back into member `member` of `whole`.
void scatter_state(const TrainState& part, const ColumnIds& ids, int member, TrainState& whole);
/// The feature-side rows [phi (d_e), mask bias, W0 row (H0)] of columns `ids` of member `member`
/// of `state`, column after column, each column's of the values and then of both Adam moments:
/// [ids.size(), 3, d_e + 1 + H0] (so blocks' packs concatenate into the pack of their union).
std::vector<float> pack_feature_rows(const TrainState& state, int member, const ColumnIds& ids);
/// The inverse into a one-member gathered state: `packed` holds the rows of every column of `out`
/// (pack_feature_rows' layout for out's width); every shared block (the embedding, the first
/// layer's bias, the deeper layers) and the step come from member `member` of `shared`.
void unpack_feature_rows(const std::vector<float>& packed, const TrainState& shared, int member, TrainState& out);
/// x [n_rows, stride] restricted to columns `ids` (of the block starting at x): [n_rows, ids.size()].
void gather_x(const float* x, std::int64_t n_rows, std::int64_t stride, const ColumnIds& ids, std::vector<float>& out);

}  // namespace gfs::train
