/// @file result_fields.cpp
/// @brief The one list of Result's fields and each front end's name for them (result_fields()).
#include "gfs/result.hpp"

namespace gfs {

const std::vector<ResultField>& result_fields() {
  // result.json paths with a dot are inside an object ("stability" with support "stability"; the
  // screens and "candidates" with support "validated").
  static const std::vector<ResultField> fields = {
      {"n_features", "n_features", "gfs_n_features", "n_features_in_"},
      {"selected", "selected", "gfs_get_selected", "support_"},
      {"candidates", "candidates", "gfs_get_candidates", "candidates_"},
      {"pair_screen", "pair_screen.pairs", "gfs_get_interactions", "interactions_"},
      {"column_screen", "column_screen.columns", "gfs_get_screened", "screened_"},
      {"prescreen_columns", "prescreen_columns", "gfs_get_prescreen_columns", "prescreen_columns_"},
      {"logits", "logits", "gfs_get_logits", "logits_"},
      {"probabilities", "probabilities", "gfs_get_probabilities", "probabilities_"},
      {"scores", "scores", "gfs_get_scores", "scores_"},
      {"ranking", "ranking", "gfs_get_ranking", "ranking_"},
      {"frequencies", "stability.frequencies", "gfs_get_frequencies", "frequencies_"},
      {"mean_member_selected", "stability.mean_member_selected", "gfs_get_mean_member_selected",
       "mean_member_selected_"},
      {"expected_false_selections", "stability.expected_false_selections", "gfs_get_expected_false_selections",
       "expected_false_selections_"},
      {"history", "history", "gfs_get_history", "history_"},
      {"probability_history", "probability_history", "gfs_get_probability_history", "probability_history_"},
      {"feature_mean", "feature_mean", "gfs_get_feature_mean", "feature_mean_"},
      {"feature_std", "feature_std", "gfs_get_feature_std", "feature_std_"},
      {"missing_fraction", "missing", "gfs_get_missing_fraction", "missing_fraction_"},
      {"n_outputs", "n_outputs", "gfs_get_n_outputs", "n_outputs_"},
      {"device", "device", "gfs_get_device", "device_"},
      {"device_note", "device_note", "gfs_get_device_note", "device_note_"},
      {"fit_seconds", "fit_seconds", "gfs_get_fit_seconds", "fit_seconds_"},
      {"stopped_epoch", "stopped_epoch", "gfs_get_stopped_epoch", "n_iter_"},
      {"stop_reason", "stop_reason", "gfs_get_stop_reason", "stop_reason_"},
      {"ranks", "ranks", "gfs_get_ranks", "ranks_"},
      {"rank_columns", "rank_columns", "gfs_get_rank_columns", "rank_columns_"},
      {"config", "config", "gfs_get_fit_setting", "config_"},
  };
  return fields;
}

}  // namespace gfs
