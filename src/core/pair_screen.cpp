/// @file pair_screen.cpp
/// @brief The pair screen (see pair_screen.hpp).
#include "core/pair_screen.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <cmath>
#include <string>
#include <vector>

#include "backends/backends.hpp"
#include "core/column_screen.hpp"
#include "core/outputs.hpp"
#include "core/prescreen.hpp"
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

/// r minus its least-squares fit on an intercept and the columns `cols` of x [n, d] (double
/// normal equations, Gaussian elimination with partial pivoting; a column that adds nothing is
/// left out of the fit).
std::vector<double> linear_residual(const float* x, std::int64_t n, std::int64_t d, const std::vector<int>& cols,
                                    const std::vector<float>& r) {
  const std::size_t m = cols.size() + 1;
  const auto term = [&](std::int64_t i, std::size_t k) {
    return k == 0 ? 1.0 : static_cast<double>(x[i * d + cols[k - 1]]);
  };
  std::vector<double> a(m * m, 0.0), b(m, 0.0);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < m; ++k) {
      const double tk = term(i, k);
      b[k] += tk * r[static_cast<std::size_t>(i)];
      for (std::size_t l = 0; l < m; ++l) a[k * m + l] += tk * term(i, l);
    }
  std::vector<double> beta(m, 0.0);
  std::vector<std::size_t> piv(m);
  std::vector<char> used(m, 0);
  for (std::size_t k = 0; k < m; ++k) {  // elimination on a copy, column by column
    std::size_t best = m;
    for (std::size_t row = 0; row < m; ++row)
      if (!used[row] && (best == m || std::fabs(a[row * m + k]) > std::fabs(a[best * m + k]))) best = row;
    piv[k] = best;
    if (std::fabs(a[best * m + k]) < 1e-9 * static_cast<double>(n)) continue;  // collinear: dropped
    used[best] = 1;
    for (std::size_t row = 0; row < m; ++row) {
      if (row == best || a[row * m + k] == 0.0) continue;
      const double f = a[row * m + k] / a[best * m + k];
      for (std::size_t l = 0; l < m; ++l) a[row * m + l] -= f * a[best * m + l];
      b[row] -= f * b[best];
    }
  }
  for (std::size_t k = 0; k < m; ++k)
    if (used[piv[k]]) beta[k] = b[piv[k]] / a[piv[k] * m + k];
  std::vector<double> out(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    double fit = 0;
    for (std::size_t k = 0; k < m; ++k) fit += beta[k] * term(i, k);
    out[static_cast<std::size_t>(i)] = r[static_cast<std::size_t>(i)] - fit;
  }
  return out;
}

/// The pool's statistic of every column for one residual (see pool_columns): |z| of x^2 against
/// the squared residual e^2 that a linear fit on the strongest columns leaves, in double; the
/// threads take ranges of columns, each column summed over the rows in order.
void variance_z(const float* x, std::int64_t n, std::int64_t stride, std::int64_t d, const std::vector<double>& e,
                int threads, std::vector<float>& best) {
  std::vector<double> u(e.size());
  double mean = 0;
  for (double v : e) mean += v * v;
  mean /= static_cast<double>(n);
  double uu = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    u[i] = e[i] * e[i] - mean;
    uu += u[i] * u[i];
  }
  const auto D = static_cast<std::size_t>(d);
  // Per column: sum x^2, sum u x^2, sum u^2 x^4, sum u^2 x^2 (sum u = 0 by construction); allocated
  // here, outside the region (nothing in it may throw).
  std::vector<double> sx(D, 0.0), sux(D, 0.0), suuxx(D, 0.0), suux(D, 0.0);
#pragma omp parallel num_threads(threads)
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num()), nt = static_cast<std::size_t>(omp_get_num_threads());
    const std::size_t c0 = D * t / nt, c1 = D * (t + 1) / nt;
    for (std::int64_t i = 0; i < n; ++i) {
      const float* row = x + i * stride;
      const double ui = u[static_cast<std::size_t>(i)];
      for (std::size_t c = c0; c < c1; ++c) {
        const double q = static_cast<double>(row[c]) * row[c];
        sx[c] += q;
        sux[c] += ui * q;
        suuxx[c] += ui * ui * q * q;
        suux[c] += ui * ui * q;
      }
    }
    for (std::size_t c = c0; c < c1; ++c) {
      const double m = sx[c] / static_cast<double>(n);
      const double den = suuxx[c] - 2 * m * suux[c] + m * m * uu;
      const double z = den > 0 ? std::fabs(sux[c]) / std::sqrt(den) : 0.0;
      best[c] = std::max(best[c], static_cast<float>(z));
    }
  }
}

/// The strongest columns the pool's linear fit reads.
constexpr std::size_t kPoolFitColumns = 10;

/// Beyond the budget, the columns whose pairs are screened: the `k` with the largest variance
/// statistic (ties: the lower index), ascending. A column in a product x_a x_b has no marginal
/// effect, but it spreads the target around any fit that lacks the product, the more the larger
/// |x_a|: its x_a^2 correlates with the squared residual. The fit is on the kPoolFitColumns
/// strongest columns by `strengths` (column_strengths), so that linear effects do not mask that.
std::vector<int> pool_columns(const float* x, std::int64_t n, std::int64_t d,
                              const std::vector<std::vector<float>>& res, const std::vector<float>& strengths,
                              std::int64_t k, int threads) {
  const std::vector<int> fit = strongest_columns(strengths, kPoolFitColumns);
  std::vector<float> score(static_cast<std::size_t>(d), 0.0F);
  for (const std::vector<float>& r : res) variance_z(x, n, d, d, linear_residual(x, n, d, fit, r), threads, score);
  return strongest_columns(score, static_cast<std::size_t>(std::max<std::int64_t>(k, 0)));
}

/// pool_columns of a rank-local block (in.gather_pool and in.gather_strengths set): every rank fits
/// the same linear model on the strongest columns, gathered, scores its own columns and the
/// scores are gathered. Each column's score is summed as one process sums it: the same pool.
std::vector<int> pool_columns(const ScreenInput& in, const std::vector<std::vector<float>>& res,
                              const std::vector<float>& strengths, std::int64_t k, int threads) {
  const std::vector<int> fit = strongest_columns(strengths, kPoolFitColumns);  // ascending
  const std::vector<float> fx = in.gather_pool(fit);                           // [n, fit.size()]
  const auto m = static_cast<std::int64_t>(fit.size());
  std::vector<int> at(fit.size());  // fit's columns in fx
  std::iota(at.begin(), at.end(), 0);
  std::vector<float> mine(static_cast<std::size_t>(in.count), 0.0F);
  for (const std::vector<float>& r : res)
    variance_z(in.x, in.n_rows, in.stride, in.count, linear_residual(fx.data(), in.n_rows, m, at, r), threads, mine);
  return strongest_columns(in.gather_strengths(mine), static_cast<std::size_t>(std::max<std::int64_t>(k, 0)));
}

/// Several classes: each pair's sums over each class's rows in one pass give every class
/// residual's sum (cpu_pair_class_products), instead of one pass per class.
bool one_pass_per_table(const train::Targets& t) { return t.classification && !t.survival && t.n_outputs > 2; }

/// The pairs of x [n, d] whose |z| reaches `threshold` for some residual, at most
/// kMaxScreenPairs per residual (column ids of x).
std::vector<Interaction> screen_matrix(const float* x, std::int64_t n, std::int64_t d, const train::Targets& targets,
                                       const std::vector<std::vector<float>>& res, double threshold, int threads) {
  std::vector<Interaction> found;
  // The exact z of one residual's hits, its passing pairs into `found`.
  const auto confirm = [&](const std::vector<float>& r, const std::vector<PairSum>& hits) {
    const HitColumns cols(x, n, d, hits);
    std::vector<double> z(hits.size());
    // No allocation in the region: pair_z and column() only read (nothing can throw out of it).
#pragma omp parallel for num_threads(threads) schedule(dynamic, 64)
    for (std::size_t h = 0; h < hits.size(); ++h)
      z[h] = pair_z(cols.column(hits[h].a, n), cols.column(hits[h].b, n), n, r);
    std::vector<Interaction> mine;
    for (std::size_t h = 0; h < hits.size(); ++h)
      if (z[h] >= threshold) mine.push_back(Interaction{hits[h].a, hits[h].b, z[h]});
    keep_strongest(mine);
    found.insert(found.end(), mine.begin(), mine.end());
  };
  // A residual's estimate must reach this share of the threshold (0: one class only, nothing to explain).
  const auto cutoff_of = [&](const std::vector<float>& r) {
    double rr = 0;
    for (float v : r) rr += static_cast<double>(v) * v;
    return static_cast<float>(kEstimateMargin * threshold * std::sqrt(rr));
  };
  if (one_pass_per_table(targets)) {
    std::vector<int> outputs;  // res[c] is class c's residual
    std::vector<float> cutoffs;
    for (std::size_t c = 0; c < res.size(); ++c) {
      const float cut = cutoff_of(res[c]);
      if (cut == 0) continue;
      outputs.push_back(static_cast<int>(c));
      cutoffs.push_back(cut);
    }
    if (outputs.empty()) return found;
    std::vector<std::vector<PairSum>> hits;
    // The largest estimates per class (ties by pair: deterministic), kMaxExact over all of them.
    cpu_pair_class_products(x, n, d, targets.labels.data(), targets.n_outputs, outputs, cutoffs, threads, hits,
                            std::max<std::size_t>(1, kMaxExact / outputs.size()));
    for (std::size_t o = 0; o < outputs.size(); ++o) confirm(res[static_cast<std::size_t>(outputs[o])], hits[o]);
    return found;
  }
  std::vector<PairSum> hits;
  for (const std::vector<float>& r : res) {
    const float cutoff = cutoff_of(r);
    if (cutoff == 0) continue;
    // The largest estimates (ties by pair: deterministic), at most kMaxExact.
    cpu_pair_products(x, n, d, r.data(), cutoff, threads, hits, kMaxExact);
    confirm(r, hits);
  }
  return found;
}

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
                              const train::Targets& targets, const std::vector<float>* strengths, double budget) {
  ScreenInput in;
  in.x = x;
  in.n_rows = n_rows;
  in.n_features = in.count = in.stride = n_features;
  return screen_pairs(config, in, targets, strengths, budget);
}

PairScreenReport screen_pairs(const Config& config, const ScreenInput& in, const train::Targets& targets,
                              const std::vector<float>* strengths, double budget) {
  PairScreenReport report;
  if (config.support != SupportRule::kValidated || config.pair_screen == PairScreen::kOff) {
    report.note = config.support != SupportRule::kValidated ? "only support 'validated' tests the pairs" : "off";
    return report;
  }
  const std::int64_t n_rows = in.n_rows, n_features = in.n_features;
  if (n_features < 2 || n_rows < 3) {
    report.note = "fewer than two columns or three rows";
    return report;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::vector<float>> res = target_residuals(targets, n_rows);
  const int threads = config.threads > 0 ? config.threads : omp_get_max_threads();
  const double outputs = static_cast<double>(res.size());
  // The passes over every pair: one per residual, or one for all the classes of a multi-class target.
  const int passes = one_pass_per_table(targets) ? 1 : static_cast<int>(res.size());
  const double work = passes * static_cast<double>(n_features) * static_cast<double>(n_features) *
                      static_cast<double>(n_rows) / 2;
  // A rank-local block screens every pair of the pool (or of the whole table, within the budget)
  // gathered from the ranks that hold the columns: every rank screens the same table.
  const bool split = static_cast<bool>(in.gather_pool);
  std::vector<int> pool;  // empty: every column
  std::vector<float> pooled;
  const float* xs = in.x;
  std::int64_t d = n_features;
  if (config.pair_screen == PairScreen::kAuto && work > budget) {
    std::vector<float> own;
    if (strengths == nullptr) {
      own = screen_strengths(config, in, targets);  // what the prescreen computes, when it ran
      strengths = &own;
    }
    const std::int64_t k = pair_pool_size(n_rows, n_features, passes, budget);
    pool = split ? pool_columns(in, res, *strengths, k, threads)
                 : pool_columns(in.x, n_rows, n_features, res, *strengths, k, threads);
  } else if (split) {
    pool.resize(static_cast<std::size_t>(n_features));
    std::iota(pool.begin(), pool.end(), 0);
  }
  if (!pool.empty()) {
    d = static_cast<std::int64_t>(pool.size());
    if (split) {
      pooled = in.gather_pool(pool);  // the pool is ascending (strongest_columns): a < b stays a < b
    } else {
      pooled.resize(static_cast<std::size_t>(n_rows) * pool.size());
#pragma omp parallel for num_threads(threads) schedule(static)
      for (std::int64_t i = 0; i < n_rows; ++i)
        for (std::size_t k = 0; k < pool.size(); ++k)
          pooled[static_cast<std::size_t>(i) * pool.size() + k] = in.x[i * in.stride + pool[k]];
    }
    xs = pooled.data();
  }
  const double tests = outputs * static_cast<double>(d) * static_cast<double>(d - 1) / 2;
  report.threshold = two_sided_normal_quantile(kFamilyError / tests);
  report.ran = true;
  report.columns = d;
  std::vector<Interaction> found = screen_matrix(xs, n_rows, d, targets, res, report.threshold, threads);
  if (!pool.empty())
    for (Interaction& p : found) {  // back to the table's columns (the pool is ascending: a < b stays)
      p.a = pool[static_cast<std::size_t>(p.a)];
      p.b = pool[static_cast<std::size_t>(p.b)];
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
