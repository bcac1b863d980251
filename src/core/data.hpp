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
/// that overflow memory, an infinity in x or NaN/Inf in y (with row and column), a column of x
/// with no observed value (every cell NaN: missing), and with standardize off a value beyond
/// kMaxRawMagnitude (with its column and row). NaN in x marks a missing value (Standardized).
/// (A step takes min(batch_size, n_rows) rows.)
/// `first_column`: x holds columns from this one on (a feature-parallel rank's block; messages
/// name the table's column).
void check_inputs(const Config& cfg, const float* x, std::int64_t n_rows, std::int64_t n_features, const float* y,
                  int n_targets, std::int64_t first_column = 0);

/// Per-column statistics over the observed values (population std; NaN is missing) and the copy
/// the fit trains on: standardised, (x - mean) / (std + 1e-6), or as given. A missing cell takes
/// the column's mean (0 once standardised), so it carries no evidence for or against the column.
struct Standardized {
  std::vector<float> x;        ///< [N, D] (empty from `impute` when nothing is missing)
  std::vector<float> mean;     ///< [D]
  std::vector<float> std;      ///< [D]
  std::vector<float> missing;  ///< [D] the share of each column's cells that are missing
};
/// threads <= 0: all cores (Config::threads). `in_place`: x itself, writable; the values are
/// written over it (the same numbers, no N x D copy) and Standardized::x stays empty.
Standardized standardize(const float* x, std::int64_t n_rows, std::int64_t n_features, int threads = 0,
                         float* in_place = nullptr);
/// Unstandardised: x with each missing cell replaced by its column's mean (x empty when there is
/// none, or when `in_place`, x itself, is imputed; mean and std are filled either way).
Standardized impute(const float* x, std::int64_t n_rows, std::int64_t n_features, int threads = 0,
                    float* in_place = nullptr);

/// Labels (classification: integer-valued, >= 2 classes, with class weights) or target values.
Targets make_targets(const Config& cfg, const float* y, std::int64_t n_rows, int n_targets);

}  // namespace gfs::detail
