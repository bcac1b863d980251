/// @file pair_screen.cpp
/// @brief The pair screen (see pair_screen.hpp).
#include "core/pair_screen.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "backends/backends.hpp"
#include "kernels/survival.hpp"

namespace gfs::detail {
namespace {

/// The family-wise error rate of the screen over all pairs.
constexpr double kFamilyError = 0.01;
/// The exact |z| is computed for the pairs whose numerator-only estimate reaches this share of the
/// threshold (the estimate assumes E[x_a^2 x_b^2] = 1, which standardised, independent columns
/// meet; heavy tails or correlation move it, hence the margin), at most kMaxExact of them: the
/// largest estimates, chosen by the kernel while its list fills (near-duplicate columns pass it
/// all, D^2 / 2 pairs).
constexpr double kEstimateMargin = 0.7;

/// Cuts `found` (one output's pairs) back to its kMaxScreenPairs strongest. Enough for the report:
/// a pair among the strongest over all outputs (each pair by its best output) is among the
/// strongest of its best output, since each pair stronger there is as strong overall.
void keep_strongest(std::vector<Interaction>& found) {
  const auto keep = static_cast<std::size_t>(kMaxScreenPairs);
  if (found.size() <= keep) return;
  std::nth_element(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(keep), found.end(),
                   [](const Interaction& p, const Interaction& q) {
                     return p.z != q.z ? p.z > q.z : (p.a != q.a ? p.a < q.a : p.b < q.b);
                   });
  found.resize(keep);
}

/// The exact statistic of a pair for residual r, in double, from its two columns (contiguous).
double pair_z(const float* xa, const float* xb, std::int64_t n, const std::vector<float>& r) noexcept {
  double num = 0, den = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double p = static_cast<double>(xa[i]) * xb[i];
    const double ri = r[static_cast<std::size_t>(i)];
    num += ri * p;
    den += ri * ri * p * p;
  }
  return den > 0 ? std::fabs(num) / std::sqrt(den) : 0.0;
}

/// The columns the hits name, copied out of x [n, d] once, column after column (a hit's exact z
/// then reads two contiguous columns instead of two values D floats apart per row).
struct HitColumns {
  std::vector<int> ids;       ///< ascending
  std::vector<float> values;  ///< [ids.size(), n]
  HitColumns(const float* x, std::int64_t n, std::int64_t d, const std::vector<PairSum>& hits) {
    for (const PairSum& h : hits) {
      ids.push_back(h.a);
      ids.push_back(h.b);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    values.resize(ids.size() * static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < ids.size(); ++k)
        values[k * static_cast<std::size_t>(n) + static_cast<std::size_t>(i)] = x[i * d + ids[k]];
  }
  [[nodiscard]] const float* column(int id, std::int64_t n) const noexcept {
    const auto k = static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
    return values.data() + k * static_cast<std::size_t>(n);
  }
};

}  // namespace

std::vector<std::vector<float>> target_residuals(const train::Targets& t, std::int64_t n) {
  std::vector<std::vector<float>> out;
  const auto rows = static_cast<std::size_t>(n);
  if (t.survival) {
    out.push_back(kern::martingale_residuals(t.time.data(), t.event.data(), n));
  } else if (t.classification) {
    const int classes = t.n_outputs;
    for (int c = classes == 2 ? 1 : 0; c < classes; ++c) {
      double share = 0;
      for (std::size_t i = 0; i < rows; ++i) share += t.labels[i] == c ? 1.0 : 0.0;
      share /= static_cast<double>(n);
      std::vector<float> r(rows);
      for (std::size_t i = 0; i < rows; ++i) r[i] = static_cast<float>((t.labels[i] == c ? 1.0 : 0.0) - share);
      out.push_back(std::move(r));
    }
  } else {
    const auto outputs = static_cast<std::size_t>(t.n_outputs);
    for (std::size_t o = 0; o < outputs; ++o) {
      double mean = 0;
      for (std::size_t i = 0; i < rows; ++i) mean += t.values[i * outputs + o];
      mean /= static_cast<double>(n);
      std::vector<float> r(rows);
      for (std::size_t i = 0; i < rows; ++i) r[i] = static_cast<float>(t.values[i * outputs + o] - mean);
      out.push_back(std::move(r));
    }
  }
  return out;
}

double two_sided_normal_quantile(double p) {
  // Solve erfc(z / sqrt 2) = p by bisection: erfc is monotone, 200 halvings reach double's limit.
  double lo = 0, hi = 40;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (std::erfc(mid / std::sqrt(2.0)) > p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

std::vector<int> pair_columns(const PairScreenReport& report) {
  std::vector<int> cols;
  for (const Interaction& p : report.pairs) {
    cols.push_back(p.a);
    cols.push_back(p.b);
  }
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
  return cols;
}

PairScreenReport screen_pairs(const Config& config, const float* x, std::int64_t n_rows, std::int64_t n_features,
                              const train::Targets& targets, bool feature_parallel) {
  PairScreenReport report;
  if (config.support != SupportRule::kValidated || config.pair_screen == PairScreen::kOff) {
    report.note = config.support != SupportRule::kValidated ? "only support 'validated' tests the pairs" : "off";
    return report;
  }
  if (feature_parallel) {
    report.note = "a feature-parallel fit holds a block of the columns per rank";
    return report;
  }
  if (n_features < 2 || n_rows < 3) {
    report.note = "fewer than two columns or three rows";
    return report;
  }
  const std::vector<std::vector<float>> res = target_residuals(targets, n_rows);
  const double outputs = static_cast<double>(res.size());
  const double d = static_cast<double>(n_features);
  const double work = outputs * d * d * static_cast<double>(n_rows) / 2;
  if (config.pair_screen == PairScreen::kAuto && work > kAutoScreenBudget) {
    report.note = "auto: outputs x D^2 x N / 2 = " + std::to_string(work) + " multiply-adds exceed the budget (" +
                  std::to_string(kAutoScreenBudget) + "); pair_screen=on runs it";
    return report;
  }
  const auto start = std::chrono::steady_clock::now();
  const double tests = outputs * d * (d - 1) / 2;
  report.threshold = two_sided_normal_quantile(kFamilyError / tests);
  report.ran = true;
  const int threads = config.threads > 0 ? config.threads : omp_get_max_threads();

  std::vector<Interaction> found;
  std::vector<PairSum> hits;
  for (const std::vector<float>& r : res) {
    double rr = 0;
    for (float v : r) rr += static_cast<double>(v) * v;
    if (rr == 0) continue;  // one class only: nothing to explain
    const auto cutoff = static_cast<float>(kEstimateMargin * report.threshold * std::sqrt(rr));
    // The largest estimates (ties by pair: deterministic), at most kMaxExact.
    cpu_pair_products(x, n_rows, n_features, r.data(), cutoff, threads, hits, kMaxExact);
    const HitColumns cols(x, n_rows, n_features, hits);
    std::vector<double> z(hits.size());
    // No allocation in the region: pair_z and column() only read (nothing can throw out of it).
#pragma omp parallel for num_threads(threads) schedule(dynamic, 64)
    for (std::size_t h = 0; h < hits.size(); ++h)
      z[h] = pair_z(cols.column(hits[h].a, n_rows), cols.column(hits[h].b, n_rows), n_rows, r);
    std::vector<Interaction> mine;
    for (std::size_t h = 0; h < hits.size(); ++h)
      if (z[h] >= report.threshold) mine.push_back(Interaction{hits[h].a, hits[h].b, z[h]});
    keep_strongest(mine);
    found.insert(found.end(), mine.begin(), mine.end());
  }
  // Per pair its strongest output; strongest pairs first (ties: by columns).
  std::sort(found.begin(), found.end(), [](const Interaction& p, const Interaction& q) {
    return p.a != q.a ? p.a < q.a : (p.b != q.b ? p.b < q.b : p.z > q.z);
  });
  found.erase(std::unique(found.begin(), found.end(),
                          [](const Interaction& p, const Interaction& q) { return p.a == q.a && p.b == q.b; }),
              found.end());
  std::sort(found.begin(), found.end(), [](const Interaction& p, const Interaction& q) {
    return p.z != q.z ? p.z > q.z : (p.a != q.a ? p.a < q.a : p.b < q.b);
  });
  if (found.size() > static_cast<std::size_t>(kMaxScreenPairs)) found.resize(static_cast<std::size_t>(kMaxScreenPairs));
  report.pairs = std::move(found);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace gfs::detail
