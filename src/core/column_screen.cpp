/// @file column_screen.cpp
/// @brief The column screen (see column_screen.hpp).
#include "core/column_screen.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "core/pair_screen.hpp"

namespace gfs::detail {
namespace {

/// The forward steps' pool: the columns whose marginal |z| reaches this share of the Bonferroni
/// bound at kPoolFamilyError, the strongest kMaxPool of them (a column that matters only beside
/// others is rarely far below).
constexpr double kPoolShare = 0.5;
constexpr double kPoolFamilyError = 0.05;
constexpr std::size_t kMaxPool = 4096;

/// Per column of one residual: the linear and the square term's |z|.
struct TermZ {
  std::vector<double> linear, square;
};

/// |z| of both terms of columns [c0, c1) of x [n, d] for residual r: per column its mean first,
/// then the sums of the centred values, row after row (so every column's sums are in row order).
void column_terms(const float* x, std::int64_t n, std::int64_t d, std::int64_t c0, std::int64_t c1,
                  const std::vector<float>& r, TermZ& out) {
  const auto w = static_cast<std::size_t>(c1 - c0);
  std::vector<double> mean(w, 0.0), mean_sq(w, 0.0);
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = x + i * d + c0;
    for (std::size_t a = 0; a < w; ++a) mean[a] += row[a];
  }
  for (double& m : mean) m /= static_cast<double>(n);
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = x + i * d + c0;
    for (std::size_t a = 0; a < w; ++a) {
      const double u = row[a] - mean[a];
      mean_sq[a] += u * u;
    }
  }
  for (double& m : mean_sq) m /= static_cast<double>(n);
  // linear: sum r u, sum r^2 u^2; square: s = u^2 - mean_sq, sum r s, sum r^2 s^2.
  std::vector<double> l_num(w, 0.0), l_den(w, 0.0), s_num(w, 0.0), s_den(w, 0.0);
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = x + i * d + c0;
    const double ri = r[static_cast<std::size_t>(i)], r2 = ri * ri;
    for (std::size_t a = 0; a < w; ++a) {
      const double u = row[a] - mean[a];
      const double s = u * u - mean_sq[a];
      l_num[a] += ri * u;
      l_den[a] += r2 * u * u;
      s_num[a] += ri * s;
      s_den[a] += r2 * s * s;
    }
  }
  for (std::size_t a = 0; a < w; ++a) {
    const auto j = static_cast<std::size_t>(c0) + a;
    out.linear[j] = l_den[a] > 0 ? std::fabs(l_num[a]) / std::sqrt(l_den[a]) : 0.0;
    out.square[j] = s_den[a] > 0 ? std::fabs(s_num[a]) / std::sqrt(s_den[a]) : 0.0;
  }
}

/// The forward steps over the pool: per step the strongest term against the residuals of every
/// output enters, with its p-value adjusted for the `tests` it was the best of, and the residuals
/// lose their projection on it. ForwardStop then keeps the longest start of the sequence whose
/// mean of -log(1 - p) is at most `fdr`.
std::vector<ScreenedColumn> forward_steps(const float* x, std::int64_t n, std::int64_t d, const std::vector<int>& pool,
                                          std::vector<std::vector<double>> res, double tests, double fdr,
                                          int threads) {
  const auto rows = static_cast<std::size_t>(n), P = pool.size();
  // The pool's centred terms, column after column: [P][2][n] (linear, then the square centred).
  std::vector<double> terms(P * 2 * rows);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::size_t k = 0; k < P; ++k) {
    double* lin = terms.data() + (2 * k) * rows;
    double* sq = lin + rows;
    double mean = 0;
    for (std::size_t i = 0; i < rows; ++i) mean += (lin[i] = x[static_cast<std::int64_t>(i) * d + pool[k]]);
    mean /= static_cast<double>(n);
    double msq = 0;
    for (std::size_t i = 0; i < rows; ++i) {
      lin[i] -= mean;
      sq[i] = lin[i] * lin[i];
      msq += sq[i];
    }
    msq /= static_cast<double>(n);
    for (std::size_t i = 0; i < rows; ++i) sq[i] -= msq;
  }
  std::vector<std::vector<double>> basis;  // orthonormal: the entered terms
  std::vector<ScreenedColumn> entered;
  std::vector<char> taken(P, 0);
  std::vector<double> best_z(P);
  std::vector<int> best_term(P);
  double cost = 0;  // sum of -log(1 - p) over the entered terms
  for (int step = 0; step < kMaxScreenColumns; ++step) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::size_t k = 0; k < P; ++k) {
      best_z[k] = -1;
      if (taken[k]) continue;
      for (int t = 0; t < 2; ++t) {
        const double* v = terms.data() + (2 * k + static_cast<std::size_t>(t)) * rows;
        for (const std::vector<double>& r : res) {
          double num = 0, den = 0;
          for (std::size_t i = 0; i < rows; ++i) {
            num += r[i] * v[i];
            den += r[i] * r[i] * v[i] * v[i];
          }
          const double z = den > 0 ? std::fabs(num) / std::sqrt(den) : 0.0;
          if (z > best_z[k]) {
            best_z[k] = z;
            best_term[k] = t;
          }
        }
      }
    }
    std::size_t pick = P;
    for (std::size_t k = 0; k < P; ++k)  // the strongest; ties: the first column
      if (!taken[k] && (pick == P || best_z[k] > best_z[pick])) pick = k;
    if (pick == P) break;
    const double p = std::min(1.0, tests * std::erfc(best_z[pick] / std::sqrt(2.0)));
    if (p >= 1.0) break;  // -log(1 - p) is infinite from here on: no longer start can qualify
    cost += -std::log1p(-p);
    if (cost > fdr * kMaxScreenColumns) break;  // no longer start can qualify either
    taken[pick] = 1;
    entered.push_back(ScreenedColumn{pool[pick], best_term[pick] == 1, best_z[pick], p});
    // Gram-Schmidt: the new term against the basis (twice, for round-off), then out of every residual.
    std::vector<double> q(terms.begin() + static_cast<std::ptrdiff_t>((2 * pick + best_term[pick]) * rows),
                          terms.begin() + static_cast<std::ptrdiff_t>((2 * pick + best_term[pick] + 1) * rows));
    for (int pass = 0; pass < 2; ++pass)
      for (const std::vector<double>& b : basis) {
        double dot = 0;
        for (std::size_t i = 0; i < rows; ++i) dot += b[i] * q[i];
        for (std::size_t i = 0; i < rows; ++i) q[i] -= dot * b[i];
      }
    double norm = 0;
    for (double v : q) norm += v * v;
    if (!(norm > 1e-12)) continue;  // nothing new beside the entered terms
    norm = std::sqrt(norm);
    for (double& v : q) v /= norm;
    for (std::vector<double>& r : res) {
      double dot = 0;
      for (std::size_t i = 0; i < rows; ++i) dot += q[i] * r[i];
      for (std::size_t i = 0; i < rows; ++i) r[i] -= dot * q[i];
    }
    basis.push_back(std::move(q));
  }
  std::vector<double> p;
  for (const ScreenedColumn& c : entered) p.push_back(c.p);
  entered.resize(forward_stop(p, fdr));
  return entered;
}

}  // namespace

std::size_t forward_stop(const std::vector<double>& p, double fdr) {
  // ForwardStop (G'Sell, Wager, Chouldechova & Tibshirani 2016): the largest k with
  // (1/k) sum_{i <= k} -log(1 - p_i) <= fdr.
  std::size_t keep = 0;
  double sum = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    sum += -std::log1p(-p[k]);
    if (sum <= fdr * static_cast<double>(k + 1)) keep = k + 1;
  }
  return keep;
}

ColumnScreenReport screen_columns(const Config& config, const float* x, std::int64_t n_rows, std::int64_t n_features,
                                  const train::Targets& targets, bool feature_parallel) {
  ColumnScreenReport report;
  if (config.support != SupportRule::kValidated || !config.column_screen) {
    report.note = config.support != SupportRule::kValidated ? "only support 'validated' tests the columns" : "off";
    return report;
  }
  if (feature_parallel) {
    report.note = "a feature-parallel fit holds a block of the columns per rank";
    return report;
  }
  if (n_features < 1 || n_rows < 3) {
    report.note = "no column or fewer than three rows";
    return report;
  }
  const std::vector<std::vector<float>> res = target_residuals(targets, n_rows);
  const double tests = static_cast<double>(res.size()) * 2.0 * static_cast<double>(n_features);
  report.fdr = kColumnScreenFdr;
  report.ran = true;
  const int threads = config.threads > 0 ? config.threads : omp_get_max_threads();
  const auto D = static_cast<std::size_t>(n_features);
  // Columns in blocks of 256 (a block's sums stay in cache while the rows stream past).
  constexpr std::int64_t kBlock = 256;
  const std::int64_t blocks = (n_features + kBlock - 1) / kBlock;

  // The first pass: every column's marginal terms; the pool of the forward steps is the columns
  // that reach kPoolShare of the Bonferroni bound over every test at kPoolFamilyError (strongest
  // first, at most kMaxPool).
  const double pool_z = kPoolShare * two_sided_normal_quantile(kPoolFamilyError / tests);
  std::vector<double> strongest(D, 0.0);
  TermZ z{std::vector<double>(D), std::vector<double>(D)};
  for (const std::vector<float>& r : res) {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (std::int64_t b = 0; b < blocks; ++b)
      column_terms(x, n_rows, n_features, b * kBlock, std::min(n_features, (b + 1) * kBlock), r, z);
    for (std::size_t j = 0; j < D; ++j) strongest[j] = std::max({strongest[j], z.linear[j], z.square[j]});
  }
  std::vector<int> pool;
  for (std::size_t j = 0; j < D; ++j)
    if (strongest[j] >= pool_z) pool.push_back(static_cast<int>(j));
  if (pool.size() > kMaxPool) {
    std::stable_sort(pool.begin(), pool.end(), [&](int a, int b) {
      return strongest[static_cast<std::size_t>(a)] > strongest[static_cast<std::size_t>(b)];
    });
    pool.resize(kMaxPool);
    std::sort(pool.begin(), pool.end());
  }
  std::vector<std::vector<double>> start;
  for (const std::vector<float>& r : res) start.emplace_back(r.begin(), r.end());
  report.columns = forward_steps(x, n_rows, n_features, pool, std::move(start), tests, report.fdr, threads);
  return report;
}

std::vector<int> screened_columns(const ColumnScreenReport& report, double max_p) {
  std::vector<int> cols;
  for (const ScreenedColumn& c : report.columns)
    if (c.p <= max_p) cols.push_back(c.column);
  std::sort(cols.begin(), cols.end());
  return cols;
}

}  // namespace gfs::detail
