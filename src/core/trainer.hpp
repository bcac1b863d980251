/// @file trainer.hpp
/// @brief The training loop: it orchestrates epochs on a backend and assembles the Result.
#pragma once

#include <cstdint>

#include "gfs/result.hpp"
#include "gfs/selector.hpp"

namespace gfs::detail {

Result train(const Config& config, const float* x, std::int64_t n_rows, std::int64_t n_features, const float* y,
             int n_targets, const ProgressCallback& progress, const CheckpointOptions& checkpoint = {},
             bool feature_parallel = false);

}  // namespace gfs::detail
