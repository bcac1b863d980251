/// @file plan.hpp
/// @brief The user's Config resolved into the numbers a backend trains with (train::Plan).
#pragma once

#include <cstdint>

#include "gfs/config.hpp"
#include "train/backend.hpp"
#include "train/model.hpp"
#include "train/plan.hpp"

namespace gfs::detail {

/// Every rule and "auto" of the Config applied once, for a model trained on n_rows rows of
/// n_features columns: lambda for the penalty, the warm-up and ramp in epochs, the penalty's kind
/// and normaliser.
train::Plan make_plan(const Config& config, std::int64_t n_rows, std::int64_t n_features);

/// The model of a fit with `n_features` columns and `n_outputs` outputs under `config`.
train::ModelShape make_shape(const Config& config, std::int64_t n_features, int n_outputs);

/// A fit's Config resolved once for its data: the main model's plan and shape, the hard draws of
/// its scores and its schedule's last temperature (where the held-out networks are scored).
/// Everything downstream reads these instead of resolving the Config again.
struct FitPlan {
  train::Plan plan;         ///< make_plan(config, n_rows, n_features)
  train::ModelShape shape;  ///< every column of the fit
  int n_draws = 0;          ///< Config::n_draws, or one per training batch
  float final_tau = 1;      ///< tau at the plan's last epoch
};
FitPlan make_fit_plan(const Config& config, std::int64_t n_rows, std::int64_t n_features, int n_outputs);

/// What a backend's setup() takes for one fit (the pointers must outlive the backend): every
/// column of `shape`, or (feature-parallel) the columns of `block`, joined to the other ranks'
/// by `reduce`; `x` points at the first column the backend trains (block->x_stride between rows);
/// `feature_cost` is Config::feature_cost's data (nullptr: none). Stability members add their
/// seeds to it.
train::TrainSetup make_setup(const train::Plan& plan, const float* x, std::int64_t n_rows, const train::ModelShape& shape,
                             const train::Targets& targets, const train::TrainState& state,
                             const train::FeatureBlock* block = nullptr, train::Reduce* reduce = nullptr,
                             const float* feature_cost = nullptr);

}  // namespace gfs::detail
