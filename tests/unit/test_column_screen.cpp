// The column screen of support "validated" (src/core/column_screen.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/column_screen.hpp"
#include "core/pair_screen.hpp"
#include "gfs/gfs.hpp"
#include "synthetic.hpp"

namespace gfs::detail {
namespace {

using test::gaussian;

train::Targets binary(const std::vector<int>& labels) {
  train::Targets t;
  t.classification = true;
  t.n_outputs = 2;
  t.class_weight = {1, 1};
  t.labels.assign(labels.begin(), labels.end());
  return t;
}

float at(const std::vector<float>& x, std::int64_t d, std::int64_t i, std::int64_t j) {
  return x[static_cast<std::size_t>(i * d + j)];
}

/// |z| of a term t for residual r, in double, straight from the definitions: the self-normalised
/// |sum r t| / sqrt(sum r^2 t^2) (`self_normalised`), else the larger of it and the permutation z
/// with its Cornish-Fisher skew term (t centred).
double reference_z(const std::vector<double>& t, const std::vector<double>& r, bool self_normalised = false) {
  const auto n = static_cast<double>(r.size());
  double num = 0, den = 0, mean = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    num += r[i] * t[i];
    den += r[i] * r[i] * t[i] * t[i];
    mean += r[i] / n;
  }
  const double self = std::fabs(num) / std::sqrt(den);
  if (self_normalised) return self;
  double r2 = 0, r3 = 0, t2 = 0, t3 = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    r2 += std::pow(r[i] - mean, 2);
    r3 += std::pow(r[i] - mean, 3);
    t2 += t[i] * t[i];
    t3 += std::pow(t[i], 3);
  }
  const double k2 = r2 * t2 / (n - 1), k3 = n * r3 * t3 / ((n - 1) * (n - 2));
  const double z = std::fabs(num) / std::sqrt(k2);
  const double g = std::max((num < 0 ? -k3 : k3) / std::pow(k2, 1.5), 0.0);
  const double capped = g > 0 ? std::min(z, 3 / g) : z;
  return std::max(self, std::max(capped - g * (capped * capped - 1) / 6, 0.0));
}

/// y = 1[x_5^2 + 0.8 x_11 > 1]: column 5 has no linear effect at all. It enters through its
/// square, 11 through its linear term, each with the z of the definition (the first step's is the
/// marginal one) and its p adjusted for the 2 x D tests of its step; nothing else enters.
TEST(ColumnScreen, FindsALinearAndASquareEffect) {
  const std::int64_t n = 400, d = 50;
  std::vector<float> x = gaussian(n, d, 3);
  std::vector<int> y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    y[static_cast<std::size_t>(i)] = at(x, d, i, 5) * at(x, d, i, 5) + 0.8 * at(x, d, i, 11) > 1.0;
  const ColumnScreenReport r = screen_columns(Config{}, x.data(), n, d, binary(y));
  ASSERT_TRUE(r.ran) << r.note;
  EXPECT_EQ(r.fdr, kColumnScreenFdr);
  ASSERT_EQ(r.columns.size(), 2U);
  for (const ScreenedColumn& c : r.columns) EXPECT_NEAR(c.p, 2.0 * d * std::erfc(c.z / std::sqrt(2.0)), 1e-12 + 1e-9 * c.p);
  const ScreenedColumn* square = r.columns[0].column == 5 ? &r.columns[0] : &r.columns[1];
  const ScreenedColumn* linear = r.columns[0].column == 5 ? &r.columns[1] : &r.columns[0];
  EXPECT_EQ(square->column, 5);
  EXPECT_EQ(square->term, ScreenTerm::kSquare);
  EXPECT_EQ(linear->column, 11);
  EXPECT_EQ(linear->term, ScreenTerm::kLinear);
  EXPECT_LE(r.columns[1].p, kColumnScreenFamilyError);
  // The first to enter has its marginal z.
  const int first = r.columns[0].column;
  double share = 0;
  for (int v : y) share += v;
  share /= static_cast<double>(n);
  std::vector<double> res, t;
  double mean = 0, msq = 0;
  for (std::int64_t i = 0; i < n; ++i) mean += at(x, d, i, first);
  mean /= static_cast<double>(n);
  for (std::int64_t i = 0; i < n; ++i) msq += std::pow(at(x, d, i, first) - mean, 2);
  msq /= static_cast<double>(n);
  for (std::int64_t i = 0; i < n; ++i) {
    res.push_back(y[static_cast<std::size_t>(i)] - share);
    const double u = at(x, d, i, first) - mean;
    t.push_back(r.columns[0].term == ScreenTerm::kSquare ? u * u - msq : u);
  }
  EXPECT_NEAR(r.columns[0].z, reference_z(t, res), 1e-6);
  EXPECT_EQ(screened_columns(r), (std::vector<int>{5, 11}));
}

/// A near copy of an informative column is as related to the target on its own, but adds nothing
/// once the column has entered: the forward steps test against what is left, so one of the two
/// enters, not both.
TEST(ColumnScreen, ACopyDoesNotEnterBesideItsOriginal) {
  const std::int64_t n = 400, d = 30;
  std::vector<float> x = gaussian(n, d, 8);
  std::mt19937 rng(9);
  std::normal_distribution<float> noise(0.0F, 0.05F);
  for (std::int64_t i = 0; i < n; ++i) x[static_cast<std::size_t>(i * d + 20)] = at(x, d, i, 4) + noise(rng);
  std::vector<int> y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) y[static_cast<std::size_t>(i)] = at(x, d, i, 4) > 0;
  const ColumnScreenReport r = screen_columns(Config{}, x.data(), n, d, binary(y));
  ASSERT_TRUE(r.ran);
  ASSERT_EQ(r.columns.size(), 1U);
  EXPECT_TRUE(r.columns[0].column == 4 || r.columns[0].column == 20) << r.columns[0].column;
}

/// Labels independent of x: nothing reaches the bound (for these fixed seeds), and the numbers do
/// not depend on the thread count.
TEST(ColumnScreen, FindsNothingInNoiseWithAnyThreadCount) {
  const std::int64_t n = 300, d = 700;
  const std::vector<float> x = gaussian(n, d, 41);
  std::mt19937 rng(42);
  std::vector<int> y(static_cast<std::size_t>(n));
  for (int& v : y) v = static_cast<int>(rng() & 1U);
  const ColumnScreenReport r = screen_columns(Config{}, x.data(), n, d, binary(y));
  ASSERT_TRUE(r.ran);
  EXPECT_TRUE(r.columns.empty()) << r.columns[0].column << " z " << r.columns[0].z;
  // A real signal, screened with one thread and with two: the same columns, the same bits.
  for (std::int64_t i = 0; i < n; ++i) y[static_cast<std::size_t>(i)] = at(x, d, i, 600) - at(x, d, i, 3) > 0;
  Config one, two;
  one.threads = 1;
  two.threads = 2;
  const ColumnScreenReport a = screen_columns(one, x.data(), n, d, binary(y));
  const ColumnScreenReport b = screen_columns(two, x.data(), n, d, binary(y));
  ASSERT_EQ(a.columns.size(), b.columns.size());
  ASSERT_FALSE(a.columns.empty());
  for (std::size_t k = 0; k < a.columns.size(); ++k) {
    EXPECT_EQ(a.columns[k].column, b.columns[k].column);
    EXPECT_EQ(a.columns[k].z, b.columns[k].z);
  }
}

/// An expression table's shape: 60 rows in three classes of 8, 8 and 44, D = 20 000 (the
/// Bonferroni bound over the 3 x 2 x D tests at 5 % is z = 5.06). Column 123 is a gene up by 5
/// standard deviations in one small class and down by 5 in the other: it must enter at the
/// family-wise level. The self-normalised statistic alone cannot get there (checked below for this
/// very column: about 3.1): its denominator, sqrt(sum r^2 t^2), grows with the effect.
TEST(ColumnScreen, FindsAStrongEffectInSmallClasses) {
  const std::int64_t n = 60, d = 20000, small = 8;
  std::vector<float> x = gaussian(n, d, 77);
  train::Targets t;
  t.classification = true;
  t.n_outputs = 3;
  t.class_weight = {1, 1, 1};
  t.labels.assign(static_cast<std::size_t>(n), 0);
  for (std::int64_t i = 0; i < small; ++i) {
    t.labels[static_cast<std::size_t>(i * 7)] = 1;
    x[static_cast<std::size_t>(i * 7 * d + 123)] += 5.0F;
    t.labels[static_cast<std::size_t>(i * 7 + 3)] = 2;
    x[static_cast<std::size_t>((i * 7 + 3) * d + 123)] -= 5.0F;
  }
  const ColumnScreenReport r = screen_columns(Config{}, x.data(), n, d, t);
  ASSERT_TRUE(r.ran);
  ASSERT_FALSE(r.columns.empty());
  EXPECT_EQ(r.columns[0].column, 123);
  EXPECT_LE(r.columns[0].p, kColumnScreenFamilyError);
  double mean = 0;
  for (std::int64_t i = 0; i < n; ++i) mean += at(x, d, i, 123) / static_cast<double>(n);
  std::vector<double> col;
  for (std::int64_t i = 0; i < n; ++i) col.push_back(at(x, d, i, 123) - mean);
  double best = 0, best_self = 0;
  for (int c = 0; c < 3; ++c) {
    std::vector<double> res;
    for (int label : t.labels) res.push_back((label == c ? 1.0 : 0.0) - (c == 0 ? 44.0 : 8.0) / 60.0);
    best = std::max(best, reference_z(col, res));
    best_self = std::max(best_self, reference_z(col, res, true));
  }
  EXPECT_NEAR(r.columns[0].z, best, 1e-6);
  EXPECT_LT(best_self, two_sided_normal_quantile(kColumnScreenFamilyError / (6.0 * d)));
}

/// The null with a class of 4 in 60 rows and heavy-tailed columns (lognormal, sigma 1.5): a sum
/// over 4 skewed values has a far heavier tail than the normal, and the plain permutation z
/// exceeded 3.5 on 41 of 4 000 such columns where the normal tail expects 1.9. With the skew term
/// (and the self-normalised statistic beside it) each column's stronger term stays within the
/// normal tail's count for two terms (3.7 expected; the test allows 8).
TEST(ColumnScreen, SmallClassWithSkewedColumnsStaysCalibrated) {
  const std::int64_t n = 60, d = 4000;
  std::mt19937 rng(13);
  std::lognormal_distribution<float> skewed(0.0F, 1.5F);
  std::vector<float> x(static_cast<std::size_t>(n * d));
  for (float& v : x) v = skewed(rng);
  train::Targets t = binary(std::vector<int>(static_cast<std::size_t>(n), 0));
  for (int i = 0; i < 4; ++i) t.labels[static_cast<std::size_t>(i * 15)] = 1;
  ScreenInput in;
  in.x = x.data();
  in.n_rows = n;
  in.n_features = in.count = in.stride = d;
  std::size_t beyond = 0;
  for (float z : column_strengths(in, target_residuals(t, n), 1)) beyond += z > 3.5F ? 1 : 0;
  EXPECT_LE(beyond, 8U);
}

/// No effect at all, three classes of 7, 7 and 31 rows and skewed columns (lognormal, sigma 1.2,
/// and zero-inflated counts): neither sequence enters anything, the forward one included (its
/// steps take the permutation z for classes).
TEST(ColumnScreen, FindsNothingInSkewedNoiseWithSmallClasses) {
  const std::int64_t n = 45, d = 5000;
  std::mt19937 rng(31);
  std::lognormal_distribution<float> skewed(0.0F, 1.2F);
  std::gamma_distribution<float> rate(0.7F, 10.0F / 0.7F);
  std::vector<float> x(static_cast<std::size_t>(n * d));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < d; ++j) {
      float& v = x[static_cast<std::size_t>(i * d + j)];
      if (j % 2 == 0) {
        v = skewed(rng);
      } else {
        std::poisson_distribution<int> count(static_cast<double>(rate(rng)) + 1e-9);
        v = rng() % 2 == 0 ? 0.0F : static_cast<float>(count(rng));
      }
    }
  train::Targets t;
  t.classification = true;
  t.n_outputs = 3;
  t.class_weight = {1, 1, 1};
  for (std::int64_t i = 0; i < n; ++i) t.labels.push_back(i % 6 == 0 ? 1 : i % 6 == 3 ? 2 : 0);
  const ColumnScreenReport r = screen_columns(Config{}, x.data(), n, d, t);
  ASSERT_TRUE(r.ran);
  EXPECT_TRUE(r.columns.empty()) << r.columns.size() << " entries, the first " << r.columns[0].column << " z "
                                 << r.columns[0].z;
}

/// Zero-inflated counts, as from sequencing: in every column half the rows are 0 whatever the
/// class; above 0 the counts are lognormal (sigma 1.6, so a few rows hold most of a column's sum).
/// Column 17's nonzero counts are e^1.8 = 6 times larger in class 1. The raw counts' own term cannot show
/// it against the outliers (checked below: its z stays under the bound); the log of the counts above
/// the floor does, and the column enters through its magnitude term at the family-wise level, with
/// the z of the definition and its p weighted for a column's three terms (1.5 x the 2 x D tests).
std::vector<float> zero_inflated(std::int64_t n, std::int64_t d, const std::vector<int>& y, std::uint32_t seed,
                                 std::int64_t effect_column, float shift) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0F, 1.6F);
  std::vector<float> x(static_cast<std::size_t>(n * d));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < d; ++j) {
      const float up = j == effect_column && y[static_cast<std::size_t>(i)] == 1 ? shift : 0.0F;
      const bool zero = rng() % 2 == 0;
      const float count = std::round(std::exp(2.0F + up + normal(rng))) + 1.0F;
      x[static_cast<std::size_t>(i * d + j)] = zero ? 0.0F : count;
    }
  return x;
}

TEST(ColumnScreen, FindsACountsSizeThroughItsMagnitude) {
  const std::int64_t n = 150, d = 2000;
  std::vector<int> y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) y[static_cast<std::size_t>(i)] = static_cast<int>(i % 2);
  const std::vector<float> x = zero_inflated(n, d, y, 5, 17, 1.8F);
  const ColumnScreenReport r = screen_columns(Config{}, x.data(), n, d, binary(y));
  ASSERT_TRUE(r.ran);
  ASSERT_FALSE(r.columns.empty());
  const ScreenedColumn& c = r.columns[0];
  EXPECT_EQ(c.column, 17);
  EXPECT_EQ(c.term, ScreenTerm::kMagnitude);
  EXPECT_LE(c.p, kColumnScreenFamilyError);
  EXPECT_NEAR(c.p, 1.5 * 2.0 * d * std::erfc(c.z / std::sqrt(2.0)), 1e-12 + 1e-9 * c.p);
  std::vector<double> res, raw, magnitude;
  double mean = 0, mean_log = 0, above = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    res.push_back(y[static_cast<std::size_t>(i)] - 0.5);
    const double v = at(x, d, i, 17);
    mean += v / static_cast<double>(n);
    if (v > 0) {
      mean_log += std::log(v);
      above += 1;
    }
  }
  mean_log /= above;
  for (std::int64_t i = 0; i < n; ++i) {
    const double v = at(x, d, i, 17);
    raw.push_back(v - mean);
    magnitude.push_back(v > 0 ? std::log(v) - mean_log : 0.0);
  }
  EXPECT_NEAR(c.z, reference_z(magnitude, res), 1e-6);
  EXPECT_LT(reference_z(raw, res), two_sided_normal_quantile(kColumnScreenFamilyError / (2.0 * d))) << c.z;
  // Standardising moves the floor with the counts: the same entries, the same z.
  std::vector<float> moved = x;
  for (float& v : moved) v = 0.25F * v - 3.0F;
  const ColumnScreenReport m = screen_columns(Config{}, moved.data(), n, d, binary(y));
  ASSERT_EQ(m.columns.size(), r.columns.size());
  for (std::size_t k = 0; k < m.columns.size(); ++k) {
    EXPECT_EQ(m.columns[k].column, r.columns[k].column);
    EXPECT_EQ(m.columns[k].term, r.columns[k].term);
    EXPECT_NEAR(m.columns[k].z, r.columns[k].z, 1e-4);
  }
}

/// Only a column whose smallest value a tenth of the rows share has a magnitude term. A positive
/// lognormal column with a strong effect on the log scale whose minimum three rows share (0: 1 %
/// of the rows, as a rounded measurement's) and a 0/1 column (its floor, one value above it) both
/// enter through their own terms with the p of a two-term column.
TEST(ColumnScreen, OnlyAColumnWithAFloorHasAMagnitudeTerm) {
  const std::int64_t n = 300, d = 200;
  std::vector<float> x = gaussian(n, d, 21);
  std::vector<int> y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    y[static_cast<std::size_t>(i)] = static_cast<int>(i % 2);
    float& positive = x[static_cast<std::size_t>(i * d + 40)];
    positive = std::exp(positive + (i % 2 == 1 ? 1.0F : 0.0F));
    x[static_cast<std::size_t>(i * d + 90)] = (i % 2 == 1) == (i % 7 != 0) ? 1.0F : 0.0F;
  }
  for (std::int64_t i = 0; i < 3; ++i) x[static_cast<std::size_t>(i * d + 40)] = 0.0F;
  const ColumnScreenReport r = screen_columns(Config{}, x.data(), n, d, binary(y));
  ASSERT_TRUE(r.ran);
  EXPECT_EQ(screened_columns(r, kColumnScreenFamilyError), (std::vector<int>{40, 90}));
  for (const ScreenedColumn& c : r.columns) {
    EXPECT_NE(c.term, ScreenTerm::kMagnitude) << c.column;
    EXPECT_NEAR(c.p, std::min(1.0, 2.0 * d * std::erfc(c.z / std::sqrt(2.0))), 1e-12 + 1e-9 * c.p);
  }
}

/// The null for counts: 4 000 zero-inflated lognormal count columns, a class of 4 in 60 rows. Each
/// column's strongest of its three terms, taken on the two-term scale (equivalent_z), stays within
/// the normal tail's count: P(> 3.5) x 2 terms x 4 000 = 3.7 expected, 8 allowed (the magnitude
/// term's sum over the small class is as skewed as a lognormal's).
TEST(ColumnScreen, CountsWithASmallClassStayCalibrated) {
  const std::int64_t n = 60, d = 4000;
  std::vector<int> y(static_cast<std::size_t>(n), 0);
  for (int i = 0; i < 4; ++i) y[static_cast<std::size_t>(i * 15)] = 1;
  const std::vector<float> x = zero_inflated(n, d, y, 19, -1, 0.0F);
  ScreenInput in;
  in.x = x.data();
  in.n_rows = n;
  in.n_features = in.count = in.stride = d;
  std::size_t beyond = 0;
  for (float z : column_strengths(in, target_residuals(binary(y), n), 1)) beyond += z > 3.5F ? 1 : 0;
  EXPECT_LE(beyond, 8U);
  EXPECT_TRUE(screen_columns(Config{}, x.data(), n, d, binary(y)).columns.empty());
}

/// ForwardStop keeps the longest start whose mean of -log(1 - p) is within the rate: weak entries
/// after strong ones stay while the strong ones' budget lasts; strong entries after a weak one can
/// bring a longer start back within it, but not after a very weak one.
TEST(ColumnScreen, ForwardStopKeepsTheLongestStartWithinTheRate) {
  EXPECT_EQ(forward_stop({}, 0.1), 0U);
  EXPECT_EQ(forward_stop({0.5}, 0.1), 0U);                   // -log 0.5 = 0.69 > 0.1
  EXPECT_EQ(forward_stop({1e-9, 1e-9, 0.2}, 0.1), 3U);       // 0.223 / 3 = 0.074
  EXPECT_EQ(forward_stop({1e-9, 1e-9, 0.3}, 0.1), 2U);       // 0.357 / 3 = 0.119
  EXPECT_EQ(forward_stop({0.3, 1e-9, 1e-9, 1e-9}, 0.1), 4U);  // 0.357 / 4 = 0.089 (not k = 1..3)
  EXPECT_EQ(forward_stop({1e-9, 0.15, 0.9, 1e-9}, 0.1), 2U);  // 0.163 / 2; after the 0.9 (2.47) no start qualifies
}

TEST(ColumnScreen, SkippedWhereItHasNoUse) {
  const std::vector<float> x = gaussian(50, 5, 1);
  std::vector<int> y(50, 0);
  for (std::size_t i = 0; i < y.size(); i += 2) y[i] = 1;
  Config off;
  off.column_screen = false;
  Config majority;
  majority.support = SupportRule::kMajority;
  for (const Config* c : {&off, &majority}) {
    const ColumnScreenReport r = screen_columns(*c, x.data(), 50, 5, binary(y));
    EXPECT_FALSE(r.ran);
    EXPECT_FALSE(r.note.empty());
  }
}

/// End to end: with 60 rows and 400 columns the penalty closes every mask, and a column acting
/// only through its square has no linear effect to be kept by; the default fit keeps both
/// informative columns through the screen, and result fields say so.
TEST(ColumnScreen, DefaultFitKeepsWhatTheScreenFindsAtFewRows) {
  const std::int64_t n = 120, d = 400;
  std::vector<float> x = gaussian(n, d, 12);
  std::vector<float> y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    y[static_cast<std::size_t>(i)] = 1.5F * at(x, d, i, 77) * at(x, d, i, 77) + 2.0F * at(x, d, i, 300) > 1.5F;
  Config c;
  c.epochs = 60;
  Selector sel(c);
  const Result& r = sel.fit(x.data(), n, d, y.data());
  ASSERT_TRUE(r.column_screen.ran);
  EXPECT_EQ(screened_columns(r.column_screen), (std::vector<int>{77, 300}));
  EXPECT_TRUE(std::binary_search(r.candidates.begin(), r.candidates.end(), 77));
  EXPECT_EQ(r.selected, (std::vector<int>{77, 300}));
}

}  // namespace
}  // namespace gfs::detail
