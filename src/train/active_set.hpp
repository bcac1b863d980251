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

/// The columns of `logits` [count] at or above policy.threshold(tau) (the active ones), ascending.
ColumnIds active_columns(const ActivePolicy& policy, const float* logits, std::int64_t count, double tau);

/// The shape of a model that holds only `ids.size()` of `whole`'s columns.
ModelShape gathered_shape(const ModelShape& whole, std::int64_t count);

/// Member `member` of `full` restricted to columns `ids`: the embedding and the task network's
/// layers after the first are copied whole, the feature-side rows (phi, mask bias, W0) of `ids`
/// only; `out` must have gathered_shape's layout (one member).
void gather_columns(const Params<float>& full, int member, const ColumnIds& ids, Params<float>& out);
/// The inverse: writes `part` back into member `member` of `full` (columns `ids` and every shared block).
void scatter_columns(const Params<float>& part, const ColumnIds& ids, int member, Params<float>& full);
/// x [n_rows, stride] restricted to columns `ids` (of the block starting at x): [n_rows, ids.size()].
void gather_x(const float* x, std::int64_t n_rows, std::int64_t stride, const ColumnIds& ids, std::vector<float>& out);

}  // namespace gfs::train
