/// @file support.hpp
/// @brief The support rules that read the logits and the held-out test (majority, any, top-k,
///        validated); stability's rule needs the members and lives in core/stability.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include "core/validation.hpp"
#include "gfs/config.hpp"

namespace gfs::detail {

/// The support under a rule that needs only the fit's outputs (ascending indices). kValidated and
/// kMajority give the majority set (w_j > 0): the validated rule's candidates.
std::vector<int> support_of(const std::vector<float>& logits, const std::vector<std::int32_t>& scores, SupportRule rule,
                            int top_k);

/// The candidates of kValidated that the fit proposes: the majority set; when the penalty left no
/// column open (few rows), the config.fallback_candidates columns with the largest logits
/// (ascending).
std::vector<int> fitted_candidates(const Config& config, const std::vector<float>& logits, std::vector<int> majority);

/// The family-wise error at which the fallback candidates (fitted_candidates) are tested.
inline constexpr double kFallbackFamilyError = 0.05;

/// The z each candidate must reach: none for the column screen's confirmed columns (they stay:
/// they entered at a family-wise kColumnScreenFamilyError); validation_z for the majority set, the
/// pair screen's columns and the column screen's other entries; for the fallback candidates (the
/// penalty closed them), the one-sided Bonferroni bound over them at kFallbackFamilyError (at
/// least validation_z); a column whose Config::feature_cost c exceeds 1 (and that is not a
/// must-keep column) at least validation_z x c. All lists ascending.
std::vector<double> candidate_thresholds(const Config& config, const std::vector<int>& majority,
                                         const std::vector<int>& paired, const std::vector<int>& screened,
                                         const std::vector<int>& confirmed, const std::vector<int>& candidates);

/// What the held-out test of kValidated needs (unused by the other rules).
struct SupportData {
  const float* x = nullptr;  ///< the standardised training data [n_rows, n_features]
  std::int64_t n_rows = 0, n_features = 0;
  /// Non-empty: x holds only these columns (ascending, the candidates), [n_rows, x_columns.size()].
  std::vector<int> x_columns;
  const train::Targets* targets = nullptr;
  const FitPlan* fit = nullptr;  ///< the fit's resolved plan (the held-out networks follow it)
  NetworkTrainer train_network;
  std::vector<int> paired_columns;    ///< ascending: the pair screen's columns, tested beside the majority set
  std::vector<int> screened_columns;  ///< ascending: the column screen's entries, tested beside the majority set
  std::vector<int> confirmed_columns; ///< ascending: those of them that stay whatever the held-out test finds
};

struct Support {
  std::vector<int> selected;    ///< ascending
  std::vector<int> candidates;  ///< kValidated: the majority set it tested; empty otherwise
};

/// The support of a fit under config.support.
Support select_support(const Config& config, const std::vector<float>& logits, const std::vector<std::int32_t>& scores,
                       const SupportData& data);

}  // namespace gfs::detail
