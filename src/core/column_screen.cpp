/// @file column_screen.cpp
/// @brief The column screen (see column_screen.hpp).
#include "core/column_screen.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/pair_screen.hpp"

namespace gfs::detail {
namespace {

/// The forward steps' pool: the columns whose marginal |z| reaches this share of the Bonferroni
/// bound at kPoolFamilyError, the strongest kMaxPool of them (a column that matters only beside
/// others is rarely far below).
constexpr double kPoolShare = 0.5;
constexpr double kPoolFamilyError = 0.05;
/// The marginal sequence drops an entry whose |z| against what the stronger kept entries leave
/// falls below this: a proxy of a kept column (a correlated neighbour) has nothing left to explain.
constexpr double kRedundantZ = 2.5;
constexpr std::size_t kMaxPool = 4096;

/// A column has a floor when its smallest value holds at least kFloorShare of the rows (and
/// kFloorRows) and at least kAboveFloorRows rows lie above it (with two values or more there: the
/// magnitude term's spread is not zero). A count's zeros are its floor whatever the scale of x
/// (standardising moves them together); a continuous column's minimum is one row's, a rounded
/// measurement's a few (wine's 13 columns: 2-3 of a fold's 142 rows share a minimum now and then).
constexpr std::int64_t kFloorRows = 2;
constexpr double kFloorShare = 0.1;
constexpr std::int64_t kAboveFloorRows = 3;

bool has_floor(std::int64_t at_floor, std::int64_t above) {
  return at_floor >= kFloorRows &&
         static_cast<double>(at_floor) >= kFloorShare * static_cast<double>(at_floor + above) &&
         above >= kAboveFloorRows;
}

/// The magnitude term's value before centring: log(x - floor) on a row above the floor (0 on the
/// floor, where the term is 0 after centring too).
double log_height(float x, float floor) { return std::log(static_cast<double>(x) - static_cast<double>(floor)); }

/// The |z| of a two-term column (linear, square) whose two-sided tail is `terms` / 2 times that of
/// |z| = z: a column's tests are Bonferroni-weighted equally, split among its terms (a column with
/// a magnitude term pays for its three), so every column is ranked and adjusted on one scale with
/// 2 D tests (per output) in all. Newton from z on the concave ln erfc(u / sqrt 2) approaches the
/// root from above; beyond z = 30 the normal tail's asymptote.
double equivalent_z(double z, int terms) {
  if (terms <= 2 || !(z > 0)) return z;
  const double ratio = terms / 2.0;
  if (z > 30) return std::sqrt(std::max(z * z - 2 * std::log(ratio), 0.0));
  const double target = std::log(ratio) + std::log(std::erfc(z / std::sqrt(2.0)));  // ln of the tail to reach
  if (target >= 0) return 0.0;
  double u = z;
  for (int it = 0; it < 8; ++it) {
    const double tail = std::erfc(u / std::sqrt(2.0));
    const double slope = -0.7978845608028654 * std::exp(-0.5 * u * u) / tail;  // -sqrt(2 / pi) e^(-u^2 / 2) / tail
    u = std::max(u - (std::log(tail) - target) / slope, 0.0);
  }
  return u;
}

/// Bonferroni for a term of a column with `terms` terms: its p-value times the tests of its step,
/// `tests` (2 per column and output) weighted by terms / 2.
double column_p(double z, int terms, double tests) {
  return std::min(1.0, tests * (std::max(terms, 2) / 2.0) * std::erfc(z / std::sqrt(2.0)));
}

/// Per column of one residual: the linear, square and magnitude term's |z|, and the column's terms
/// (2, or 3 with a floor).
struct TermZ {
  std::vector<double> linear, square, magnitude;
  std::vector<int> terms;
};

/// A residual's centred sums for marginal_z: sum (r - mean r)^2 and sum (r - mean r)^3, over n rows.
struct ResidualMoments {
  double r2 = 0, r3 = 0, n = 0;
};

template <typename T>
ResidualMoments residual_moments(const std::vector<T>& r) {
  ResidualMoments m;
  m.n = static_cast<double>(r.size());
  double mean = 0;
  for (T v : r) mean += static_cast<double>(v);
  mean /= std::max(m.n, 1.0);
  for (T v : r) {
    const double c = static_cast<double>(v) - mean;
    m.r2 += c * c;
    m.r3 += c * c * c;
  }
  return m;
}

/// The permutation |z| of S = sum_i r_i t_i for a centred term t (sums t2 of its squares, t3 of
/// its cubes), one Cornish-Fisher term shrinking it by S's skewness towards S's sign. Over the
/// permutations of the rows (the null: the column does not matter) S has mean 0, variance
/// k2 = r2 t2 / (n - 1) and third cumulant k3 = n r3 t3 / ((n - 1)(n - 2)), exactly, whatever
/// the distributions. With g = k3 / k2^1.5 towards S's sign, the z that has S's tail probability
/// is about z - g (z^2 - 1) / 6 (capped where that stops rising, z = 3 / g: the answer never falls
/// as |S| grows); a skew away from S's sign is ignored (never a larger z). Where a small class
/// meets a skewed column (a class of 7 in 45 rows, raw counts) the plain permutation z exceeded
/// the Bonferroni bound 18 times too often; this one not at all (bench note of issue 21).
double permutation_z(double num, const ResidualMoments& r, double t2, double t3) {
  const double n = r.n;
  if (n < 3) return 0.0;
  const double k2 = r.r2 * t2 / (n - 1);
  if (!(k2 > 0)) return 0.0;
  const double z = std::fabs(num) / std::sqrt(k2);
  const double k3 = n * r.r3 * t3 / ((n - 1) * (n - 2));
  const double g = std::max((num < 0 ? -k3 : k3) / (k2 * std::sqrt(k2)), 0.0);
  if (g == 0) return z;
  const double capped = std::min(z, 3.0 / g);
  return std::max(capped - g * (capped * capped - 1) / 6, 0.0);
}

/// A term's marginal |z|: the larger of the self-normalised |z| = |S| / sqrt(sum r^2 t^2) and
/// permutation_z. The self-normalised statistic is robust to heavy tails but measures the spread
/// with the effect in it, so it stays below about the square root of a small class's rows (no probe
/// of a 57-sample expression table with classes of 8 and 9 could reach its Bonferroni bound of
/// 5.1); the permutation statistic's spread is the null's, its tail corrected for skew. Both were
/// conservative in the null simulations; the larger has the power of either.
double marginal_z(double num, double self_den, const ResidualMoments& r, double t2, double t3) {
  const double self = self_den > 0 ? std::fabs(num) / std::sqrt(self_den) : 0.0;
  return std::max(self, permutation_z(num, r, t2, t3));
}

/// |z| (marginal_z) of the terms of columns [c0, c1) of x [n, d] for residual r: per column its
/// mean and floor first, then the sums of the centred values, row after row (so every column's sums
/// are in row order); the magnitude term's sums in a pass of their own over the columns with a floor.
void column_terms(const float* x, std::int64_t n, std::int64_t d, std::int64_t c0, std::int64_t c1,
                  const std::vector<float>& r, const ResidualMoments& rm, TermZ& out) {
  const auto w = static_cast<std::size_t>(c1 - c0);
  std::vector<double> mean(w, 0.0), mean_sq(w, 0.0), cube(w, 0.0);
  std::vector<float> floors(w, 0.0F);
  std::vector<std::int64_t> at_floor(w, 0);
  for (std::size_t a = 0; a < w; ++a) floors[a] = x[c0 + static_cast<std::int64_t>(a)];
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = x + i * d + c0;
    for (std::size_t a = 0; a < w; ++a) {
      mean[a] += row[a];
      floors[a] = std::min(floors[a], row[a]);
    }
  }
  for (double& m : mean) m /= static_cast<double>(n);
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = x + i * d + c0;
    for (std::size_t a = 0; a < w; ++a) {
      const double u = row[a] - mean[a];
      mean_sq[a] += u * u;
      cube[a] += u * u * u;
      at_floor[a] += row[a] == floors[a] ? 1 : 0;
    }
  }
  const std::vector<double> sum_sq = mean_sq;
  for (double& m : mean_sq) m /= static_cast<double>(n);
  // linear: sum r u, sum r^2 u^2; square: s = u^2 - mean_sq, sum r s, sum r^2 s^2, sum s^2, sum s^3.
  std::vector<double> l_num(w, 0.0), l_den(w, 0.0), s_num(w, 0.0), s_den(w, 0.0), s_sq(w, 0.0), s_cube(w, 0.0);
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
      s_sq[a] += s * s;
      s_cube[a] += s * s * s;
    }
  }
  // magnitude, on the columns with a floor: v = log(x - floor) - (its mean above the floor) above
  // it, 0 on it; sum r v, sum r^2 v^2, sum v^2, sum v^3.
  std::vector<std::size_t> floored;
  for (std::size_t a = 0; a < w; ++a)
    if (has_floor(at_floor[a], n - at_floor[a])) floored.push_back(a);
  const std::size_t f = floored.size();
  std::vector<double> mean_log(f, 0.0), m_num(f, 0.0), m_den(f, 0.0), m_sq(f, 0.0), m_cube(f, 0.0);
  for (std::int64_t i = 0; i < n && f > 0; ++i) {
    const float* row = x + i * d + c0;
    for (std::size_t b = 0; b < f; ++b) {
      const std::size_t a = floored[b];
      if (row[a] != floors[a]) mean_log[b] += log_height(row[a], floors[a]);
    }
  }
  for (std::size_t b = 0; b < f; ++b) mean_log[b] /= static_cast<double>(n - at_floor[floored[b]]);
  for (std::int64_t i = 0; i < n && f > 0; ++i) {
    const float* row = x + i * d + c0;
    const double ri = r[static_cast<std::size_t>(i)], r2 = ri * ri;
    for (std::size_t b = 0; b < f; ++b) {
      const std::size_t a = floored[b];
      if (row[a] == floors[a]) continue;
      const double t = log_height(row[a], floors[a]) - mean_log[b];
      m_num[b] += ri * t;
      m_den[b] += r2 * t * t;
      m_sq[b] += t * t;
      m_cube[b] += t * t * t;
    }
  }
  for (std::size_t a = 0; a < w; ++a) {
    const auto j = static_cast<std::size_t>(c0) + a;
    out.linear[j] = marginal_z(l_num[a], l_den[a], rm, sum_sq[a], cube[a]);
    out.square[j] = marginal_z(s_num[a], s_den[a], rm, s_sq[a], s_cube[a]);
    out.magnitude[j] = 0;
    out.terms[j] = 2;
  }
  for (std::size_t b = 0; b < f; ++b) {
    if (!(m_sq[b] > 0)) continue;  // one value above the floor: no spread to test
    const auto j = static_cast<std::size_t>(c0) + floored[b];
    out.magnitude[j] = marginal_z(m_num[b], m_den[b], rm, m_sq[b], m_cube[b]);
    out.terms[j] = 3;
  }
}

/// sum_i r_i v_i and sum_i r_i^2 v_i^2 over the rows, in row order.
struct Sums {
  double num = 0, den = 0;
};
Sums sums(const double* v, const std::vector<double>& r) {
  Sums s;
  for (std::size_t i = 0; i < r.size(); ++i) {
    s.num += r[i] * v[i];
    s.den += r[i] * r[i] * v[i] * v[i];
  }
  return s;
}

/// A pool column's strongest term: its |z|, which term, and the equivalent_z it is ranked by.
struct Strongest {
  double z = 0, rank_z = 0;
  ScreenTerm term = ScreenTerm::kLinear;
};

/// The pool's centred terms and the residuals that entered terms are projected out of.
class Pool {
 public:
  static constexpr int kTerms = 3;  // linear, square, magnitude (a column with a floor only)

  /// The pool's columns `columns` (the table's indices) are x's columns `at` (x's rows `stride` apart).
  Pool(const float* x, std::int64_t n, std::int64_t stride, const std::vector<std::int64_t>& at,
       std::vector<int> columns, const std::vector<std::vector<float>>& res, int threads)
      : rows_(static_cast<std::size_t>(n)),
        columns_(std::move(columns)),
        threads_(threads),
        terms_(columns_.size() * kTerms * rows_, 0.0),
        t2_(columns_.size() * kTerms, 0.0),
        t3_(columns_.size() * kTerms, 0.0),
        count_(columns_.size(), 2) {
    for (const std::vector<float>& r : res) {
      res_.emplace_back(r.begin(), r.end());
      moments_.push_back(residual_moments(r));
    }
    start_ = res_;
    now_moments_ = moments_;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::size_t k = 0; k < columns_.size(); ++k) {
      double* lin = terms_.data() + (kTerms * k) * rows_;
      double* sq = lin + rows_;
      double* mag = sq + rows_;
      const auto value = [&](std::size_t i) { return x[static_cast<std::int64_t>(i) * stride + at[k]]; };
      double mean = 0;
      float lowest = value(0);
      for (std::size_t i = 0; i < rows_; ++i) {
        mean += (lin[i] = value(i));
        lowest = std::min(lowest, value(i));
      }
      mean /= static_cast<double>(n);
      double msq = 0;
      std::int64_t at_floor = 0;
      for (std::size_t i = 0; i < rows_; ++i) {
        lin[i] -= mean;
        sq[i] = lin[i] * lin[i];
        msq += sq[i];
        at_floor += value(i) == lowest ? 1 : 0;
      }
      msq /= static_cast<double>(n);
      for (std::size_t i = 0; i < rows_; ++i) sq[i] -= msq;
      if (has_floor(at_floor, n - at_floor)) {
        double mean_log = 0;
        for (std::size_t i = 0; i < rows_; ++i)
          if (value(i) != lowest) mean_log += log_height(value(i), lowest);
        mean_log /= static_cast<double>(n - at_floor);
        for (std::size_t i = 0; i < rows_; ++i)
          mag[i] = value(i) != lowest ? log_height(value(i), lowest) - mean_log : 0.0;
      }
      for (int t = 0; t < kTerms; ++t) {
        const double* v = lin + static_cast<std::size_t>(t) * rows_;
        double t2 = 0, t3 = 0;
        for (std::size_t i = 0; i < rows_; ++i) {
          t2 += v[i] * v[i];
          t3 += v[i] * v[i] * v[i];
        }
        t2_[kTerms * k + static_cast<std::size_t>(t)] = t2;
        t3_[kTerms * k + static_cast<std::size_t>(t)] = t3;
      }
      if (t2_[kTerms * k + 2] > 0) count_[k] = 3;
    }
  }
  [[nodiscard]] std::size_t size() const { return columns_.size(); }
  [[nodiscard]] int column(std::size_t k) const { return columns_[k]; }
  /// Starts again from the target's residuals, nothing entered.
  void reset() {
    res_ = start_;
    basis_.clear();
    now_moments_ = moments_;
  }
  /// The self-normalised |z| of pool column k's term t against the current residuals (the largest
  /// over the outputs).
  [[nodiscard]] double z(std::size_t k, int t) const {
    double best = 0;
    for (const std::vector<double>& r : res_) {
      const Sums s = sums(term(k, t), r);
      best = std::max(best, s.den > 0 ? std::fabs(s.num) / std::sqrt(s.den) : 0.0);
    }
    return best;
  }
  /// The statistic marginal_z of pool column k's term t (the largest over the outputs): against
  /// the target's own residuals whatever has entered (`start`), else against the current ones,
  /// from which the entered terms are projected out.
  [[nodiscard]] double marginal(std::size_t k, int t, bool start = true) const {
    const std::size_t at = kTerms * k + static_cast<std::size_t>(t);
    const std::vector<std::vector<double>>& res = start ? start_ : res_;
    double best = 0;
    for (std::size_t o = 0; o < res.size(); ++o) {
      const Sums s = sums(term(k, t), res[o]);
      best = std::max(best, marginal_z(s.num, s.den, start ? moments_[o] : now_moments_[o], t2_[at], t3_[at]));
    }
    return best;
  }
  /// Pool column k's strongest term: by marginal() (`permutation`; `start` as there), else by the
  /// self-normalised z() against the current residuals; ties go to the earlier term.
  [[nodiscard]] Strongest strongest(std::size_t k, bool start, bool permutation) const {
    Strongest best;
    for (int t = 0; t < count_[k]; ++t) {
      const double v = permutation ? marginal(k, t, start) : z(k, t);
      if (t == 0 || v > best.z) {
        best.z = v;
        best.term = static_cast<ScreenTerm>(t);
      }
    }
    best.rank_z = equivalent_z(best.z, count_[k]);
    return best;
  }
  /// Pool column k's terms: 3 with a floor (its magnitude term), else 2.
  [[nodiscard]] int terms(std::size_t k) const { return count_[k]; }
  /// Projects term (k, t) out of every residual (Gram-Schmidt against the entered terms, twice for
  /// round-off).
  void enter(std::size_t k, int t) {
    std::vector<double> q(term(k, t), term(k, t) + rows_);
    for (int pass = 0; pass < 2; ++pass)
      for (const std::vector<double>& b : basis_) {
        double dot = 0;
        for (std::size_t i = 0; i < rows_; ++i) dot += b[i] * q[i];
        for (std::size_t i = 0; i < rows_; ++i) q[i] -= dot * b[i];
      }
    double norm = 0;
    for (double v : q) norm += v * v;
    if (!(norm > 1e-12)) return;  // nothing new beside the entered terms
    norm = std::sqrt(norm);
    for (double& v : q) v /= norm;
    for (std::vector<double>& r : res_) {
      double dot = 0;
      for (std::size_t i = 0; i < rows_; ++i) dot += q[i] * r[i];
      for (std::size_t i = 0; i < rows_; ++i) r[i] -= dot * q[i];
    }
    basis_.push_back(std::move(q));
    for (std::size_t o = 0; o < res_.size(); ++o) now_moments_[o] = residual_moments(res_[o]);
  }
  [[nodiscard]] int threads() const { return threads_; }

 private:
  [[nodiscard]] const double* term(std::size_t k, int t) const {
    return terms_.data() + (kTerms * k + static_cast<std::size_t>(t)) * rows_;
  }
  std::size_t rows_;
  std::vector<int> columns_;
  int threads_;
  // [pool][3][rows]: the linear term, the square, the magnitude (0 without a floor), centred.
  std::vector<double> terms_;
  std::vector<double> t2_, t3_;  // [pool][3]: each term's sum of squares and of cubes
  std::vector<int> count_;       // [pool]: its terms, 2 or 3
  std::vector<std::vector<double>> res_, start_, basis_;
  std::vector<ResidualMoments> moments_;      // of the target's residuals (start_)
  std::vector<ResidualMoments> now_moments_;  // of the current ones (res_)
};

/// The marginal sequence: the pool's columns by their marginal |z| (strongest term, ranked by its
/// equivalent_z), ForwardStop over their adjusted p-values; then, strongest first, an entry whose
/// term explains nothing beside the entries already kept (|z| against what they leave below
/// kRedundantZ) is dropped as a proxy.
std::vector<ScreenedColumn> marginal_entries(Pool& pool, double tests, double fdr) {
  pool.reset();
  std::vector<Strongest> best(pool.size());
#pragma omp parallel for num_threads(pool.threads()) schedule(static)
  for (std::size_t k = 0; k < pool.size(); ++k) best[k] = pool.strongest(k, true, true);
  std::vector<std::size_t> idx(best.size());  // pool positions, strongest first (ties: the first column)
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return best[a].rank_z > best[b].rank_z; });
  if (idx.size() > static_cast<std::size_t>(kMaxScreenColumns)) idx.resize(kMaxScreenColumns);
  std::vector<double> p;
  for (std::size_t i : idx) p.push_back(column_p(best[i].z, pool.terms(i), tests));
  idx.resize(forward_stop(p, fdr));
  std::vector<ScreenedColumn> kept;
  for (std::size_t e = 0; e < idx.size(); ++e) {
    const std::size_t i = idx[e];
    const int t = static_cast<int>(best[i].term);
    if (!kept.empty() && pool.marginal(i, t, false) < kRedundantZ) continue;
    pool.enter(i, t);
    kept.push_back(ScreenedColumn{pool.column(i), best[i].term, best[i].z, p[e]});
  }
  return kept;
}

/// The forward sequence: per step the strongest term against the current residuals enters, with
/// its p-value adjusted for the `tests` it was the best of, and the residuals lose their projection
/// on it; ForwardStop keeps the longest start within `fdr`. `permutation`: each term's |z| is
/// marginal_z against the current residuals (classification targets), else the self-normalised one.
std::vector<ScreenedColumn> forward_entries(Pool& pool, double tests, double fdr, bool permutation) {
  pool.reset();
  const std::size_t P = pool.size();
  std::vector<ScreenedColumn> entered;
  std::vector<char> taken(P, 0);
  std::vector<Strongest> best(P);
  double cost = 0;  // sum of -log(1 - p) over the entered terms
  for (int step = 0; step < kMaxScreenColumns; ++step) {
#pragma omp parallel for num_threads(pool.threads()) schedule(static)
    for (std::size_t k = 0; k < P; ++k)
      if (!taken[k]) best[k] = pool.strongest(k, false, permutation);
    std::size_t pick = P;
    for (std::size_t k = 0; k < P; ++k)  // the strongest; ties: the first column
      if (!taken[k] && (pick == P || best[k].rank_z > best[pick].rank_z)) pick = k;
    if (pick == P) break;
    const double p = column_p(best[pick].z, pool.terms(pick), tests);
    if (p >= 1.0) break;  // -log(1 - p) is infinite from here on: no longer start can qualify
    cost += -std::log1p(-p);
    if (cost > fdr * kMaxScreenColumns) break;  // no longer start can qualify either
    taken[pick] = 1;
    entered.push_back(ScreenedColumn{pool.column(pick), best[pick].term, best[pick].z, p});
    pool.enter(pick, static_cast<int>(best[pick].term));
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

std::vector<float> column_strengths(const ScreenInput& in, const std::vector<std::vector<float>>& residuals,
                                    int threads) {
  const auto held = static_cast<std::size_t>(in.count);
  // Columns in blocks of 256 (a block's sums stay in cache while the rows stream past).
  constexpr std::int64_t kBlock = 256;
  const std::int64_t blocks = (in.count + kBlock - 1) / kBlock;
  // The marginal terms of the columns x holds, each column's strongest |z| in float (what the
  // ranks exchange, so one process and any split choose the same pool).
  TermZ z{std::vector<double>(held), std::vector<double>(held), std::vector<double>(held), std::vector<int>(held)};
  std::vector<float> mine(held, 0.0F);
  for (const std::vector<float>& r : residuals) {
    const ResidualMoments rm = residual_moments(r);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (std::int64_t b = 0; b < blocks; ++b)
      column_terms(in.x, in.n_rows, in.stride, b * kBlock, std::min(in.count, (b + 1) * kBlock), r, rm, z);
    for (std::size_t j = 0; j < held; ++j)
      mine[j] = std::max(
          mine[j], static_cast<float>(equivalent_z(std::max({z.linear[j], z.square[j], z.magnitude[j]}), z.terms[j])));
  }
  return in.gather_strengths ? in.gather_strengths(mine) : mine;
}

ColumnScreenReport screen_columns(const Config& config, const ScreenInput& in, const train::Targets& targets) {
  ColumnScreenReport report;
  if (config.support != SupportRule::kValidated || !config.column_screen) {
    report.note = config.support != SupportRule::kValidated ? "only support 'validated' tests the columns" : "off";
    return report;
  }
  if (in.n_features < 1 || in.n_rows < 3) {
    report.note = "no column or fewer than three rows";
    return report;
  }
  const std::int64_t n_rows = in.n_rows;
  const std::vector<std::vector<float>> res = target_residuals(targets, n_rows);
  const double tests = static_cast<double>(res.size()) * 2.0 * static_cast<double>(in.n_features);
  report.fdr = kColumnScreenFdr;
  report.ran = true;
  const int threads = config.threads > 0 ? config.threads : omp_get_max_threads();
  const std::vector<float> strongest = in.strengths != nullptr ? *in.strengths : column_strengths(in, res, threads);
  // The pool: the columns that reach kPoolShare of the Bonferroni bound over every test at
  // kPoolFamilyError (the strongest kMaxPool of them).
  const auto pool_z = static_cast<float>(kPoolShare * two_sided_normal_quantile(kPoolFamilyError / tests));
  std::vector<int> pool;
  for (std::size_t j = 0; j < strongest.size(); ++j)
    if (strongest[j] >= pool_z) pool.push_back(static_cast<int>(j));
  if (pool.size() > kMaxPool) {
    std::stable_sort(pool.begin(), pool.end(), [&](int a, int b) {
      return strongest[static_cast<std::size_t>(a)] > strongest[static_cast<std::size_t>(b)];
    });
    pool.resize(kMaxPool);
    std::sort(pool.begin(), pool.end());
  }
  std::vector<std::int64_t> at;
  std::vector<float> gathered;
  const float* px = in.x;
  std::int64_t stride = in.stride;
  if (in.gather_pool) {  // [n_rows, pool]: the pool's columns from the ranks that hold them
    gathered = in.gather_pool(pool);
    px = gathered.data();
    stride = static_cast<std::int64_t>(pool.size());
    for (std::size_t k = 0; k < pool.size(); ++k) at.push_back(static_cast<std::int64_t>(k));
  } else {
    for (int c : pool) at.push_back(c - in.first);
  }
  Pool terms(px, n_rows, stride, at, std::move(pool), res, threads);
  // Both sequences: the marginal one has the power where several columns measure one thing (the
  // classes of a multi-class target, the up and down genes of a count table), the forward one
  // where a column's effect shows once stronger ones are accounted for. A column in both keeps
  // its smaller p.
  std::vector<ScreenedColumn> found = marginal_entries(terms, tests, report.fdr);
  for (const ScreenedColumn& c : forward_entries(terms, tests, report.fdr, targets.classification)) {
    const auto same = std::find_if(found.begin(), found.end(), [&](const ScreenedColumn& f) { return f.column == c.column; });
    if (same == found.end())
      found.push_back(c);
    else if (c.p < same->p)
      *same = c;
  }
  report.columns = std::move(found);
  return report;
}

ColumnScreenReport screen_columns(const Config& config, const float* x, std::int64_t n_rows, std::int64_t n_features,
                                  const train::Targets& targets) {
  ScreenInput in;
  in.x = x;
  in.n_rows = n_rows;
  in.n_features = in.count = in.stride = n_features;
  return screen_columns(config, in, targets);
}

std::vector<int> screened_columns(const ColumnScreenReport& report, double max_p) {
  std::vector<int> cols;
  for (const ScreenedColumn& c : report.columns)
    if (c.p <= max_p) cols.push_back(c.column);
  std::sort(cols.begin(), cols.end());
  return cols;
}

}  // namespace gfs::detail
