/// @file plan.hpp
/// @brief The user's Config resolved into the numbers a backend trains with (train::Plan).
#pragma once

#include <cstdint>

#include "gfs/config.hpp"
#include "train/model.hpp"
#include "train/plan.hpp"

namespace gfs::detail {

/// Every rule and "auto" of the Config applied once, for a model trained on n_rows rows of
/// n_features columns: lambda for the penalty, the warm-up and ramp in epochs, the penalty's kind
/// and normaliser.
train::Plan make_plan(const Config& config, std::int64_t n_rows, std::int64_t n_features);

/// The model of a fit with `n_features` columns and `n_outputs` outputs under `config`.
train::ModelShape make_shape(const Config& config, std::int64_t n_features, int n_outputs);

}  // namespace gfs::detail
