/// @file validation.hpp
/// @brief Support rule "validated": a held-out test of each candidate feature.
///
/// The rows are split in two halves (from the seed). On each half a task network of the fit's
/// shape is trained on the candidate columns only, with every mask logit frozen at 0: the
/// Gumbel-Sigmoid mask then acts as feature noise (dropout), so the network does not lean on any
/// single column. Each network is scored on the other half, so every row is held out once.
///
/// The networks are trained on the fit's device and their evidence is computed there
/// (train::Backend::column_evidence). A candidate's evidence is the per-row loss increase when its column is replaced
/// by its mean (0 after standardisation), paired over all N held-out rows: z = mean / (sd / sqrt(N)). The weakest
/// candidates with z < validation_z are removed and the rest re-tested, until every remaining one passes. Removing the
/// weakest first keeps one of two copies of a useful feature: with both present neither is needed, once one is gone the
/// other is. Networks trained on many candidates spread their weight over columns that are later removed, so the
/// networks are trained again on the remaining candidates whenever half of the columns they saw are gone, and once
/// more before the answer: the kept set is the one that networks trained on exactly it confirm.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/plan.hpp"
#include "gfs/config.hpp"
#include "train/backend.hpp"

namespace gfs::detail {

/// Trains a network of `shape` from `init` on rows x [n_rows, shape.n_features] (the fit's columns
/// `columns`, ascending) under `plan` with `threads` CPU threads and returns the backend holding
/// it (the trainer supplies this, on the fit's device). The pointers must outlive the returned
/// backend. Called from two threads at once (one network each): it must be safe to.
using NetworkTrainer = std::function<std::unique_ptr<train::Backend>(
    const train::Plan& plan, const float* x, std::int64_t n_rows, const std::vector<int>& columns,
    const train::ModelShape& shape, const train::Targets& targets, const train::Params<float>& init, int threads)>;

struct ValidationOutcome {
  std::vector<int> kept;  ///< ascending feature indices, a subset of the candidates
  bool tested = false;    ///< false: too few rows for a held-out test; kept = the candidates
};

/// Rows per half below which the test is not run (the candidates are kept as they are).
inline constexpr std::int64_t kMinValidationRows = 8;

/// x: the standardised training data [n_rows, n_features]; candidates ascending. `x_columns`
/// (ascending, a superset of the candidates): x holds only these columns, [n_rows, x_columns->size()]
/// (feature-parallel ranks gather the candidates' columns, not the whole table). `min_z` (one per
/// candidate): the z each must reach; nullptr: config.validation_z for all. `fit`: the fit's
/// resolved plan (make_fit_plan of the same config and data): the networks train on its schedule
/// and batch size and are scored at its last temperature.
ValidationOutcome validate_candidates(const Config& config, const FitPlan& fit, const float* x, std::int64_t n_rows,
                                      std::int64_t n_features, const train::Targets& targets,
                                      const std::vector<int>& candidates, const NetworkTrainer& train_network,
                                      const std::vector<int>* x_columns = nullptr,
                                      const std::vector<double>* min_z = nullptr);

/// E[sigma((logit + g) / tau)] for standard Gumbel g: the mean of a mask whose logit is frozen.
double expected_mask(double tau, double logit);

}  // namespace gfs::detail
