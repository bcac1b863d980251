/// @file validation.hpp
/// @brief Support rule "validated": a held-out test of each candidate feature.
///
/// The rows are split in two halves (from the seed). On each half a task network of the fit's
/// shape is trained on the candidate columns only, with every mask logit frozen at 0: the
/// Gumbel-Sigmoid mask then acts as feature noise (dropout), so the network does not lean on any
/// single column. Each network is scored on the other half, so every row is held out once.
///
/// A candidate's evidence is the per-row loss increase when its column is replaced by its mean
/// (0 after standardisation), paired over all N held-out rows: z = mean / (sd / sqrt(N)). The
/// weakest candidates with z < validation_z are removed and the rest re-tested, until every
/// remaining one passes. Removing the weakest first keeps one of two copies of a useful feature:
/// with both present neither is needed, once one is gone the other is.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/model.hpp"
#include "gfs/config.hpp"

namespace gfs::detail {

/// Trains a network of `shape` from `init` on rows [n_rows, shape.n_features] under `config` and
/// returns its parameters (the trainer supplies this, on the fit's device).
using NetworkTrainer =
    std::function<Params<float>(const Config& config, const float* x, std::int64_t n_rows, const ModelShape& shape,
                                const Targets& targets, const Params<float>& init)>;

struct ValidationOutcome {
  std::vector<int> kept;  ///< ascending feature indices, a subset of the candidates
  bool tested = false;    ///< false: too few rows for a held-out test; kept = the candidates
};

/// Rows per half below which the test is not run (the candidates are kept as they are).
inline constexpr std::int64_t kMinValidationRows = 8;

/// x: the standardised training data [n_rows, n_features]; candidates ascending.
ValidationOutcome validate_candidates(const Config& config, const float* x, std::int64_t n_rows,
                                      std::int64_t n_features, const Targets& targets,
                                      const std::vector<int>& candidates, const NetworkTrainer& train_network);

/// Per-row losses of a task network (mask and first layer folded: row k of `w0_scaled` is
/// mask_k * W0_k) on rows of x [n_rows, n_cols]: the evaluation core of the test, exposed for tests.
/// loss_i = class_weight[label_i] * cross-entropy, or the mean squared error over the outputs.
std::vector<double> row_losses(const Params<float>& net, const ModelShape& shape, const std::vector<double>& w0_scaled,
                               const float* x, const std::vector<std::int64_t>& rows, const Targets& targets);

}  // namespace gfs::detail
