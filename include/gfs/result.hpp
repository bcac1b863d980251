/// @file result.hpp
/// @brief What a fit returns: logits, probabilities, scores, the support, the ranking and the history.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "gfs/config.hpp"
#include "gfs/export.h"

namespace gfs {

/// One epoch of training, averaged over its steps (losses) or read at its end (tau, mask).
struct EpochRecord {
  int epoch = 0;          ///< 1-based
  float tau = 0;          ///< temperature used during this epoch
  float loss = 0;         ///< mean total loss over the epoch's steps
  float task_loss = 0;    ///< mean task loss
  float select_loss = 0;  ///< mean selection penalty (before lambda)
  float mean_mask = 0;    ///< mean of m over the epoch's steps and features
  int n_active = 0;       ///< features with w_j > 0 at the end of the epoch
  int n_trained = 0;      ///< columns the epoch's steps trained (the active set; every member's mean)
};

/// Every field of EpochRecord, in order: the one list from which result.json's "history", the
/// Python selector's history_ and the C API's gfs_get_history are written (X(name) per field).
#define GFS_EPOCH_RECORD_FIELDS(X) \
  X(epoch) X(tau) X(loss) X(task_loss) X(select_loss) X(mean_mask) X(n_active) X(n_trained)

namespace detail {
#define GFS_EPOCH_FIELD_SIZE(name) +sizeof(EpochRecord::name)
/// A member added to EpochRecord but not to GFS_EPOCH_RECORD_FIELDS stops the build here.
static_assert(sizeof(EpochRecord) == 0 GFS_EPOCH_RECORD_FIELDS(GFS_EPOCH_FIELD_SIZE),
              "EpochRecord has a member that GFS_EPOCH_RECORD_FIELDS does not list");
#undef GFS_EPOCH_FIELD_SIZE
}  // namespace detail

/// A pair of columns whose product the pair screen found related to the target.
struct Interaction {
  int a = 0, b = 0;  ///< the columns, a < b
  double z = 0;      ///< |sum r x_a x_b| / sqrt(sum r^2 x_a^2 x_b^2) for the target's residual r
};

/// What the pair screen (Config::pair_screen) did.
struct PairScreenReport {
  bool ran = false;
  std::string note;                        ///< why it did not run (empty when it ran)
  double threshold = 0;                    ///< the z a pair had to reach (Bonferroni over every pair tested)
  std::int64_t columns = 0;                ///< the columns whose pairs it tested: all, or beyond its budget a pool
  double seconds = 0;                      ///< its wall time
  std::vector<Interaction> pairs;          ///< the pairs that reached it, strongest first (at most 16)
};

/// The term of a column through which the column screen found it: x itself, (x - mean)^2, or the
/// log of x's height above its floor on the rows above it (a count's size where it is not zero;
/// only a column whose smallest value a tenth of its rows share has it).
enum class ScreenTerm : int { kLinear = 0, kSquare = 1, kMagnitude = 2 };

/// "linear", "square" or "magnitude": the term's name in result.json and Python.
inline const char* screen_term_name(ScreenTerm t) {
  return t == ScreenTerm::kSquare ? "square" : t == ScreenTerm::kMagnitude ? "magnitude" : "linear";
}

/// A column that the column screen (Config::column_screen) found related to the target.
struct ScreenedColumn {
  int column = 0;
  ScreenTerm term = ScreenTerm::kLinear;  ///< the term it entered through
  double z = 0;  ///< |sum r t| / sqrt(sum r^2 t^2) for the term t and the residual r left when it entered
                 ///< (a marginal entry, or any entry for classes: the larger of that and the skew-corrected permutation z)
  double p = 0;  ///< its p-value, adjusted (Bonferroni) for every test of its step
};

/// What the column screen did.
struct ColumnScreenReport {
  bool ran = false;
  std::string note;                     ///< why it did not run (empty when it ran)
  double fdr = 0;                       ///< the false discovery rate the entered columns are kept at
  std::vector<ScreenedColumn> columns;  ///< the columns that entered: the marginal sequence's, then the forward one's (at most 64)
};

struct Result {
  int n_features = 0;
  std::vector<float> logits;         ///< w_j = f_phi(e)_j (stability: the members' mean) [D]
  std::vector<float> probabilities;  ///< p_j = P(w_j + g > 0) = 1 - exp(-exp(w_j))      [D]
  std::vector<std::int32_t> scores;  ///< s_j: hard selections over n_draws draws         [D]
  std::vector<int> selected;         ///< the support, ascending indices
  std::vector<int> candidates;       ///< support "validated": what its held-out test examined: the
                                     ///< majority set (or the fallback_candidates largest logits) and
                                     ///< the columns of the pair and column screens
  PairScreenReport pair_screen;      ///< support "validated": the pair screen
  ColumnScreenReport column_screen;  ///< support "validated": the column screen
  /// The columns the prescreen (Config::prescreen) let into the network; the others started closed
  /// and never trained (0: no prescreen, every column trained)
  int prescreen_columns = 0;
  /// support "stability": the share of the members that kept each feature (w_j > 0)    [D]
  std::vector<float> frequencies;
  double mean_member_selected = 0;         ///< support "stability": q, the members' mean number kept
  double expected_false_selections = 0;    ///< support "stability": the Meinshausen-Buehlmann bound
                                           ///< q^2 / ((2 threshold - 1) D) on the expected number of
                                           ///< noise features kept (+inf for a threshold <= 1/2)
  std::vector<int> ranking;                ///< all features, most important first (by logit)
  std::vector<EpochRecord> history;        ///< one record per epoch
  std::vector<float> probability_history;  ///< [epochs, D] row-major, if record_probabilities
  std::vector<float> feature_mean;         ///< standardisation statistics of the training data [D]
  std::vector<float> feature_std;          ///< (empty when standardize is off)                [D]
  /// The share of each column's cells that were missing (NaN in x), over the training rows   [D]
  std::vector<float> missing_fraction;
  int n_outputs = 0;                       ///< classes (classification) or target columns (regression)
  std::string device;                      ///< device that ran the fit, e.g. "cpu" or "cuda:0"
  std::string device_note;                 ///< e.g. why "auto" fell back to the CPU
  double fit_seconds = 0;
  int stopped_epoch = 0;    ///< the last epoch trained
  std::string stop_reason;  ///< "epochs" (the cap), "converged" (tol / n_iter_no_change) or "callback"
  int ranks = 1;            ///< processes of a feature-parallel (MPI) fit
  /// feature-parallel: rank r trained columns [rank_columns[r][0], + rank_columns[r][1]) (empty: one process)
  std::vector<std::array<std::int64_t, 2>> rank_columns;
  Config config;  ///< every hyper-parameter used
};

/// A field of Result as each front end names it: result.json's key (a dot: inside an object), the C
/// API's getter, the Python selector's attribute. One list: the tests check every front end
/// against it (tests/unit/test_result_fields.cpp, tests/cli/test_cli.cpp, python/tests).
struct ResultField {
  const char* field;   ///< the member of Result
  const char* json;    ///< result.json
  const char* c_api;   ///< gfs.h
  const char* python;  ///< GFSSelector
};
/// Every exported field of Result, in Result's order.
GFS_API const std::vector<ResultField>& result_fields();

}  // namespace gfs
