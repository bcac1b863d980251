/// @file plan.hpp
/// @brief The user's Config resolved into the numbers a backend trains with (train::Plan).
#pragma once

#include <cstdint>

#include "gfs/config.hpp"
#include "train/model.hpp"
#include "train/plan.hpp"

namespace gfs::detail {

/// Every rule and "auto" of the Config applied once: lambda for the penalty, the warm-up in epochs,
/// the penalty's kind.
train::Plan make_plan(const Config& config);

/// The model of a fit with `n_features` columns and `n_outputs` outputs under `config`.
train::ModelShape make_shape(const Config& config, std::int64_t n_features, int n_outputs);

}  // namespace gfs::detail
