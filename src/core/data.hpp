/// @file data.hpp
/// @brief Checking, standardising and labelling the user's data before a fit.
#pragma once

#include <cstdint>
#include <vector>

#include "gfs/config.hpp"
#include "train/model.hpp"

namespace gfs::detail {

using train::Targets;

/// The largest |x| a fit with standardize off accepts. The step forms products of x with the
/// weights, sums them over the columns and hidden units, and squares them (Adam's second moment,
/// the squared error): float32 overflows at 3.4e38, whose square root is 1.8e19, and 1e15 leaves
/// a factor of 1.8e4 for the sums. Standardised input is bounded by construction.
inline constexpr float kMaxRawMagnitude = 1e15F;

/// Throws gfs::Error (kInvalidData) naming the first problem: null pointers, empty shapes, shapes
/// that overflow memory, NaN/Inf in x or y (with row and column), and with standardize off a value
/// beyond kMaxRawMagnitude (with its column and row). (A step takes min(batch_size, n_rows) rows.)
/// `first_column`: x holds columns from this one on (a feature-parallel rank's block; messages
/// name the table's column).
void check_inputs(const Config& cfg, const float* x, std::int64_t n_rows, std::int64_t n_features, const float* y,
                  int n_targets, std::int64_t first_column = 0);

/// Per-column statistics (population std) and the standardised copy (x - mean) / (std + 1e-6).
struct Standardized {
  std::vector<float> x;     ///< [N, D]
  std::vector<float> mean;  ///< [D]
  std::vector<float> std;   ///< [D]
};
/// threads <= 0: all cores (Config::threads).
Standardized standardize(const float* x, std::int64_t n_rows, std::int64_t n_features, int threads = 0);

/// Labels (classification: integer-valued, >= 2 classes, with class weights) or target values.
Targets make_targets(const Config& cfg, const float* y, std::int64_t n_rows, int n_targets);

}  // namespace gfs::detail
