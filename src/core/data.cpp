/// @file data.cpp
/// @brief Input checks, standardisation and targets.
#include "core/data.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "gfs/error.hpp"

namespace gfs::detail {
namespace {

[[noreturn]] void invalid(const std::string& what) { throw Error(ErrorCode::kInvalidData, what); }

/// Unstandardised input: the first value (row-major) whose magnitude exceeds kMaxRawMagnitude.
void check_raw_magnitude(const float* x, std::int64_t n_rows, std::int64_t n_features, int threads,
                         std::int64_t first_column) {
  std::int64_t first_big = -1;
  const std::int64_t total = n_rows * n_features;
#pragma omp parallel for reduction(max : first_big) schedule(static) \
    num_threads(threads > 0 ? threads : omp_get_max_threads())
  for (std::int64_t r = 0; r < n_rows; ++r) {
    if (first_big >= 0) continue;
    for (std::int64_t c = 0; c < n_features; ++c)
      if (std::fabs(x[r * n_features + c]) > kMaxRawMagnitude) {
        first_big = total - (r * n_features + c);  // max of (total - index) = smallest index
        break;
      }
  }
  if (first_big < 0) return;
  const std::int64_t idx = total - first_big;
  char value[32];
  std::snprintf(value, sizeof value, "%g", static_cast<double>(x[idx]));
  invalid("column " + std::to_string(first_column + idx % n_features) + " holds " + value + " at row " +
          std::to_string(idx / n_features) + ": with standardize off every |x| must be at most 1e15 (the step " +
          "squares and sums products of x, and float32 overflows at 3.4e38); keep standardize on or rescale " +
          "the column");
}

/// Per column, the cells that hold a value (not NaN).
std::vector<std::int64_t> observed_counts(const float* x, std::int64_t n_rows, std::int64_t n_features) {
  std::vector<std::int64_t> observed(static_cast<std::size_t>(n_features), 0);
  for (std::int64_t r = 0; r < n_rows; ++r)
    for (std::int64_t c = 0; c < n_features; ++c) observed[static_cast<std::size_t>(c)] += std::isnan(x[r * n_features + c]) ? 0 : 1;
  return observed;
}

/// Mean, population std and missing share of each column over its observed values, in double: two
/// passes, the mean first and then the centred sum of squares (no cancellation). The threads take
/// contiguous ranges of columns; each column is summed over the rows in order by one thread.
void column_stats(const float* x, std::int64_t n_rows, std::int64_t n_features, Standardized& s, int threads) {
  const auto D = static_cast<std::size_t>(n_features);
  s.mean.resize(D);
  s.std.resize(D);
  s.missing.assign(D, 0.0F);
  std::vector<double> sum(D, 0.0), sq(D, 0.0);
  std::vector<std::int64_t> seen(D, 0);
  constexpr std::int64_t kCellsPerThread = std::int64_t{1} << 18;
  const int team = static_cast<int>(
      std::clamp<std::int64_t>(n_rows * n_features / kCellsPerThread, 1, threads > 0 ? threads : omp_get_max_threads()));
#pragma omp parallel num_threads(team) if (team > 1)
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num()), nt = static_cast<std::size_t>(omp_get_num_threads());
    const std::size_t c0 = D * t / nt, c1 = D * (t + 1) / nt;
    for (std::int64_t r = 0; r < n_rows; ++r)
      for (std::size_t c = c0; c < c1; ++c) {
        const float v = x[r * n_features + static_cast<std::int64_t>(c)];
        if (std::isnan(v)) continue;
        sum[c] += v;
        ++seen[c];
      }
    for (std::size_t c = c0; c < c1; ++c) sum[c] = seen[c] > 0 ? sum[c] / static_cast<double>(seen[c]) : 0.0;
    for (std::int64_t r = 0; r < n_rows; ++r)
      for (std::size_t c = c0; c < c1; ++c) {
        const float v = x[r * n_features + static_cast<std::int64_t>(c)];
        if (std::isnan(v)) continue;
        const double d = v - sum[c];
        sq[c] += d * d;
      }
  }
  for (std::size_t c = 0; c < D; ++c) {
    const double n = static_cast<double>(std::max<std::int64_t>(seen[c], 1));
    s.mean[c] = static_cast<float>(sum[c]);
    s.std[c] = static_cast<float>(std::sqrt(sq[c] / n));  // <= max |x| (population std of values in [-M, M])
    s.missing[c] = static_cast<float>(static_cast<double>(n_rows - seen[c]) / static_cast<double>(n_rows));
  }
}

/// Survival targets [N, 2] = (time, event): a finite time >= 0 and an event flag of 0 or 1 on
/// every row, and at least one event.
void check_survival(const float* y, std::int64_t n_rows) {
  std::int64_t events = 0;
  for (std::int64_t i = 0; i < n_rows; ++i) {
    const float t = y[2 * i], e = y[2 * i + 1];
    if (std::isnan(t) || std::isinf(t) || t < 0)
      invalid("survival time at row " + std::to_string(i) + " is " + std::to_string(t) +
              ": times must be finite and >= 0 (a missing time cannot be censored; drop the row)");
    if (e != 0.0F && e != 1.0F)
      invalid("event flag at row " + std::to_string(i) + " is " + std::to_string(e) +
              ": survival needs 1 (the event happened) or 0 (censored)");
    events += e == 1.0F ? 1 : 0;
  }
  if (events == 0)
    invalid("the survival targets hold no event (every row is censored): the Cox partial likelihood has nothing "
            "to fit");
}

/// Survival: time and event columns, and enough events that every batch of the stratified order
/// holds one (train::Schedule spreads the events evenly over the batches).
Targets survival_targets(const Config& cfg, const float* y, std::int64_t n_rows) {
  Targets t;
  t.classification = false;
  t.survival = true;
  t.n_outputs = 1;
  t.ties = cfg.cox_ties == CoxTies::kEfron ? kern::CoxTies::kEfron : kern::CoxTies::kBreslow;
  t.time.resize(static_cast<std::size_t>(n_rows));
  t.event.resize(static_cast<std::size_t>(n_rows));
  std::int64_t events = 0;
  for (std::int64_t i = 0; i < n_rows; ++i) {
    t.time[static_cast<std::size_t>(i)] = y[2 * i];
    t.event[static_cast<std::size_t>(i)] = y[2 * i + 1];
    events += y[2 * i + 1] != 0.0F ? 1 : 0;
  }
  const std::int64_t batch = std::min<std::int64_t>(cfg.batch_size, n_rows);
  const std::int64_t batches = (n_rows + batch - 1) / batch;
  if (events < batches)
    invalid("the survival targets hold " + std::to_string(events) + (events == 1 ? " event" : " events") +
            ", fewer than the " +
            std::to_string(batches) + " batches of " + std::to_string(batch) + " rows need (one each): set batch_size " +
            "to at least " + std::to_string((n_rows + events - 1) / events));
  return t;
}

}  // namespace

void check_inputs(const Config& cfg, const float* x, std::int64_t n_rows, std::int64_t n_features, const float* y,
                  int n_targets, std::int64_t first_column) {
  if (n_rows <= 0) invalid("the data has no rows (n_rows = " + std::to_string(n_rows) + ")");
  if (n_features <= 0) invalid("the data has no features (n_features = " + std::to_string(n_features) + ")");
  if (n_targets <= 0) invalid("n_targets must be at least 1");
  if (cfg.task == Task::kClassification && n_targets != 1)
    invalid("classification takes one label column, got " + std::to_string(n_targets));
  if (cfg.task == Task::kSurvival && n_targets != 2)
    invalid("survival takes two target columns, the time and the event flag (1 event, 0 censored), got " +
            std::to_string(n_targets));
  if (x == nullptr) invalid("x is a null pointer");
  if (y == nullptr) invalid("y is a null pointer");
  constexpr std::int64_t kMaxElements = std::numeric_limits<std::int64_t>::max() / 16;
  if (n_rows > kMaxElements / n_features)
    invalid("a " + std::to_string(n_rows) + " x " + std::to_string(n_features) + " table does not fit in memory");
  // Scan for infinities in parallel (NaN is a missing value); report the first in row-major order.
  std::int64_t first_bad = -1;
  bool any_missing = false;
  const std::int64_t total = n_rows * n_features;
#pragma omp parallel for reduction(max : first_bad) reduction(|| : any_missing) schedule(static) \
    num_threads(cfg.threads > 0 ? cfg.threads : omp_get_max_threads())
  for (std::int64_t r = 0; r < n_rows; ++r) {
    if (first_bad >= 0) continue;
    // Branch-free over the row (it vectorises); the cell is looked for only in a row that has one.
    const float* row = x + r * n_features;
    int inf = 0, nan = 0;
    for (std::int64_t c = 0; c < n_features; ++c) {
      inf |= std::isinf(row[c]) ? 1 : 0;
      nan |= std::isnan(row[c]) ? 1 : 0;
    }
    any_missing = any_missing || nan != 0;
    if (inf == 0) continue;
    for (std::int64_t c = 0; c < n_features; ++c)
      if (std::isinf(row[c])) {
        first_bad = total - (r * n_features + c);  // max of (total - index) = smallest index
        break;
      }
  }
  if (first_bad >= 0) {
    const std::int64_t idx = total - first_bad;
    invalid("x has an infinite value (" + std::to_string(x[idx]) + ") at row " + std::to_string(idx / n_features) +
            ", column " + std::to_string(first_column + idx % n_features) +
            ": remove or rescale it (NaN marks a missing value; an infinity is not one)");
  }
  if (any_missing) {
    const std::vector<std::int64_t> observed = observed_counts(x, n_rows, n_features);
    for (std::int64_t c = 0; c < n_features; ++c)
      if (observed[static_cast<std::size_t>(c)] == 0)
        invalid("column " + std::to_string(first_column + c) + " has no observed value: all " +
                std::to_string(n_rows) + " of its cells are missing (NaN); drop it");
  }
  if (!cfg.standardize) check_raw_magnitude(x, n_rows, n_features, cfg.threads, first_column);
  if (cfg.task == Task::kSurvival) check_survival(y, n_rows);
  for (std::int64_t i = 0; i < n_rows * n_targets; ++i)
    if (!std::isfinite(y[i]))
      invalid("y has a non-finite value at row " + std::to_string(i / n_targets) + ", column " +
              std::to_string(i % n_targets));
}

Standardized standardize(const float* x, std::int64_t n_rows, std::int64_t n_features, int threads,
                         float* in_place) {
  Standardized s;
  const auto D = static_cast<std::size_t>(n_features);
  column_stats(x, n_rows, n_features, s, threads);
  // The scale in double: a column whose values reach +-3.4e38 has a std near float's limit, and
  // x - mean (up to twice the limit) would overflow in float.
  std::vector<double> scale(D);
  for (std::size_t c = 0; c < D; ++c) {
    // A constant column has std 0: the 1e-6 keeps it finite (it becomes all zeros).
    scale[c] = 1.0 / (static_cast<double>(s.std[c]) + 1e-6);
  }
  if (in_place == nullptr) s.x.resize(static_cast<std::size_t>(n_rows) * D);
  float* out = in_place != nullptr ? in_place : s.x.data();  // each cell is read before it is written
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : omp_get_max_threads())
  for (std::int64_t r = 0; r < n_rows; ++r)
    for (std::size_t c = 0; c < D; ++c) {
      const auto i = static_cast<std::size_t>(r) * D + c;
      out[i] = std::isnan(x[i]) ? 0.0F
                                : static_cast<float>((static_cast<double>(x[i]) - static_cast<double>(s.mean[c])) * scale[c]);
    }
  return s;
}

Standardized impute(const float* x, std::int64_t n_rows, std::int64_t n_features, int threads, float* in_place) {
  Standardized s;
  column_stats(x, n_rows, n_features, s, threads);
  if (std::all_of(s.missing.begin(), s.missing.end(), [](float m) { return m == 0.0F; })) return s;
  const auto D = static_cast<std::size_t>(n_features);
  if (in_place == nullptr) s.x.assign(x, x + static_cast<std::size_t>(n_rows) * D);
  float* out = in_place != nullptr ? in_place : s.x.data();
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : omp_get_max_threads())
  for (std::int64_t r = 0; r < n_rows; ++r)
    for (std::size_t c = 0; c < D; ++c) {
      float& v = out[static_cast<std::size_t>(r) * D + c];
      if (std::isnan(v)) v = s.mean[c];
    }
  return s;
}

Targets make_targets(const Config& cfg, const float* y, std::int64_t n_rows, int n_targets) {
  if (cfg.task == Task::kSurvival) return survival_targets(cfg, y, n_rows);
  Targets t;
  if (cfg.task == Task::kRegression) {
    t.classification = false;
    t.n_outputs = n_targets;
    t.values.assign(y, y + n_rows * n_targets);
    if (cfg.standardize_targets) {
      const Standardized z = standardize(y, n_rows, n_targets, cfg.threads);
      t.values = z.x;
    }
    return t;
  }
  t.labels.resize(static_cast<std::size_t>(n_rows));
  int n_classes = 0;
  for (std::int64_t i = 0; i < n_rows; ++i) {
    const float v = y[i];
    if (v < 0 || v != std::floor(v) || v > 1e6F)
      invalid("label at row " + std::to_string(i) + " is " + std::to_string(v) +
              ": classification needs integer labels 0..C-1 (use task=regression for real targets)");
    t.labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(v);
    n_classes = std::max(n_classes, static_cast<int>(v) + 1);
  }
  std::vector<std::int64_t> count(static_cast<std::size_t>(n_classes), 0);
  for (std::int32_t l : t.labels) ++count[static_cast<std::size_t>(l)];
  int present = 0;
  for (std::int64_t c : count) present += c > 0 ? 1 : 0;
  if (present < 2)
    invalid("the labels hold only one class (" + std::to_string(t.labels[0]) +
            "): feature selection for classification needs at least two");
  t.n_outputs = n_classes;
  t.class_weight.assign(static_cast<std::size_t>(n_classes), 1.0F);
  const auto N = static_cast<double>(n_rows);
  for (int c = 0; c < n_classes; ++c) {
    const auto cnt = static_cast<double>(count[static_cast<std::size_t>(c)]);
    if (cfg.class_weights == ClassWeights::kBalanced)
      t.class_weight[static_cast<std::size_t>(c)] = cnt > 0 ? static_cast<float>(N / (n_classes * cnt)) : 0.0F;
    else if (cfg.class_weights == ClassWeights::kReference)
      // gfs-network 0.3.1: weight of class c = frequency of class C-1-c (right for two classes only).
      t.class_weight[static_cast<std::size_t>(c)] =
          static_cast<float>(static_cast<double>(count[static_cast<std::size_t>(n_classes - 1 - c)]) / N);
  }
  return t;
}

}  // namespace gfs::detail
