// The pair screen of support "validated" (src/core/pair_screen.cpp) and its kernel
// (backends/cpu/pair_products.hpp, through cpu_pair_products).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "backends/backends.hpp"
#include "core/memory.hpp"
#include "core/pair_screen.hpp"
#include "gfs/gfs.hpp"
#include "synthetic.hpp"

namespace gfs::detail {
namespace {

using test::gaussian;

/// S_ab in double, every pair a < b, ordered by (a, b).
std::vector<double> brute_sums(const std::vector<float>& x, std::int64_t n, std::int64_t d,
                               const std::vector<float>& v) {
  std::vector<double> s;
  for (std::int64_t a = 0; a < d; ++a)
    for (std::int64_t b = a + 1; b < d; ++b) {
      double sum = 0;
      for (std::int64_t i = 0; i < n; ++i)
        sum += double(v[static_cast<std::size_t>(i)]) * x[static_cast<std::size_t>(i * d + a)] *
               x[static_cast<std::size_t>(i * d + b)];
      s.push_back(sum);
    }
  return s;
}

/// Every pair, on shapes that are not multiples of any panel width (the kernel pads with zeros),
/// against a double-precision loop; the same bits with one thread and with two.
TEST(PairScreen, ProductsOfEveryPairMatchADoubleLoop) {
  for (const std::int64_t n : {1, 7, 64}) {
    for (const std::int64_t d : {2, 9, 33, 70}) {
      const std::vector<float> x = gaussian(n, d, static_cast<unsigned>(n * 100 + d));
      const std::vector<float> v = gaussian(n, 1, static_cast<unsigned>(n + d));
      std::vector<PairSum> one, two;
      cpu_pair_products(x.data(), n, d, v.data(), 0.0F, 1, one);
      cpu_pair_products(x.data(), n, d, v.data(), 0.0F, 2, two);
      const std::vector<double> want = brute_sums(x, n, d, v);
      ASSERT_EQ(one.size(), want.size()) << "n " << n << " d " << d;
      ASSERT_EQ(two.size(), want.size());
      std::size_t k = 0;
      for (std::int64_t a = 0; a < d; ++a)
        for (std::int64_t b = a + 1; b < d; ++b, ++k) {
          EXPECT_EQ(one[k].a, a);
          EXPECT_EQ(one[k].b, b);
          EXPECT_NEAR(one[k].sum, want[k], 1e-4 * (1 + std::fabs(want[k]))) << a << "," << b << " n " << n;
          EXPECT_EQ(one[k].sum, two[k].sum);  // bit for bit
        }
    }
  }
}

/// The class kernel: every class residual's sums from one pass over each class's rows, against
/// the double loop on each residual (1[y = c] - share_c); classes of every size, one absent, rows
/// of a class scattered; the same bits with one thread and with two.
TEST(PairScreen, ClassSumsOfEveryPairMatchADoubleLoop) {
  for (const std::int64_t n : {1, 7, 64}) {
    for (const std::int64_t d : {2, 9, 70}) {
      const int classes = 4;  // class 3 never occurs
      const std::vector<float> x = gaussian(n, d, static_cast<unsigned>(n * 10 + d));
      std::vector<int> y(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) y[static_cast<std::size_t>(i)] = static_cast<int>((i * 7 + i / 3) % 3);
      const std::vector<int> outputs = {0, 1, 2, 3};
      const std::vector<float> cutoffs(outputs.size(), 0.0F);
      std::vector<std::vector<PairSum>> one, two;
      cpu_pair_class_products(x.data(), n, d, y.data(), classes, outputs, cutoffs, 1, one, kMaxPairHits);
      cpu_pair_class_products(x.data(), n, d, y.data(), classes, outputs, cutoffs, 2, two, kMaxPairHits);
      ASSERT_EQ(one.size(), outputs.size());
      for (const int c : outputs) {
        double share = 0;
        for (int v : y) share += v == c ? 1.0 : 0.0;
        share /= static_cast<double>(n);
        std::vector<float> r(static_cast<std::size_t>(n));
        for (std::int64_t i = 0; i < n; ++i)
          r[static_cast<std::size_t>(i)] = static_cast<float>((y[static_cast<std::size_t>(i)] == c ? 1.0 : 0.0) - share);
        const std::vector<double> want = brute_sums(x, n, d, r);
        const std::vector<PairSum>& got = one[static_cast<std::size_t>(c)];
        ASSERT_EQ(got.size(), want.size()) << "n " << n << " d " << d << " class " << c;
        for (std::size_t k = 0; k < want.size(); ++k) {
          EXPECT_NEAR(got[k].sum, want[k], 1e-4 * (1 + std::fabs(want[k]))) << k << " n " << n << " class " << c;
          EXPECT_EQ(got[k].sum, two[static_cast<std::size_t>(c)][k].sum);
        }
      }
    }
  }
}

/// A multi-class screen (one pass for every class) reports what one pass per class reports: the
/// same pairs with the same exact z, here through a regression target whose outputs are the class
/// residuals (a pass per output).
TEST(PairScreen, OnePassForEveryClassReportsWhatAPassPerClassReports) {
  const std::int64_t n = 900, d = 50;
  const std::vector<float> x = gaussian(n, d, 70);
  train::Targets multi;
  multi.classification = true;
  multi.n_outputs = 3;
  multi.class_weight = {1, 1, 1};
  for (std::int64_t i = 0; i < n; ++i) {
    const float p = x[static_cast<std::size_t>(i * d + 5)] * x[static_cast<std::size_t>(i * d + 31)];
    const float q = x[static_cast<std::size_t>(i * d + 12)] * x[static_cast<std::size_t>(i * d + 40)];
    multi.labels.push_back(p > 0.8F ? 2 : q > 0.5F ? 1 : 0);
  }
  train::Targets as_outputs;  // the three centred indicators: the residuals the screen tests
  as_outputs.classification = false;
  as_outputs.n_outputs = 3;
  for (std::int64_t i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c) as_outputs.values.push_back(multi.labels[static_cast<std::size_t>(i)] == c ? 1.0F : 0.0F);
  Config c;
  c.threads = 2;
  const PairScreenReport one = screen_pairs(c, x.data(), n, d, multi);
  const PairScreenReport each = screen_pairs(c, x.data(), n, d, as_outputs);
  ASSERT_TRUE(one.ran);
  EXPECT_EQ(one.threshold, each.threshold);  // 3 x 50 x 49 / 2 tests either way
  ASSERT_GE(one.pairs.size(), 2U);
  ASSERT_EQ(one.pairs.size(), each.pairs.size());
  for (std::size_t k = 0; k < one.pairs.size(); ++k) {
    EXPECT_EQ(one.pairs[k].a, each.pairs[k].a);
    EXPECT_EQ(one.pairs[k].b, each.pairs[k].b);
    EXPECT_NEAR(one.pairs[k].z, each.pairs[k].z, 1e-5 * each.pairs[k].z);
  }
  const std::vector<int> cols = pair_columns(one);
  for (int j : {5, 12, 31, 40}) EXPECT_TRUE(std::binary_search(cols.begin(), cols.end(), j)) << j;
}

/// The cutoff keeps exactly the pairs with |S| >= cutoff (no pair sits near the cutoff here).
TEST(PairScreen, TheCutoffKeepsTheLargeSums) {
  const std::int64_t n = 50, d = 45;
  const std::vector<float> x = gaussian(n, d, 4);
  const std::vector<float> v = gaussian(n, 1, 5);
  const std::vector<double> want = brute_sums(x, n, d, v);
  std::vector<double> sorted = want;
  for (double& s : sorted) s = std::fabs(s);
  std::sort(sorted.begin(), sorted.end());
  const double cutoff = 0.5 * (sorted[sorted.size() - 20] + sorted[sorted.size() - 21]);  // 20 above
  std::vector<PairSum> hits;
  cpu_pair_products(x.data(), n, d, v.data(), static_cast<float>(cutoff), 2, hits);
  EXPECT_EQ(hits.size(), 20U);
  for (const PairSum& h : hits) EXPECT_GE(std::fabs(h.sum), cutoff);
}

/// Issue 22 item 4: near-duplicate columns pass the cutoff in every pair, and the list grew with
/// D^2 (1.4 GB at D = 10^4, std::bad_alloc inside the OpenMP region at 3 x 10^4). The kernel now
/// keeps at most max_hits while it fills: exactly the strongest (stronger_pair), ordered by
/// (a, b), for any thread count, the same bits as the unbounded list's best.
TEST(PairScreen, TheHitListKeepsTheStrongestWithinItsBound) {
  const std::int64_t n = 20, d = 300;  // 44 850 pairs, all kept with cutoff 0
  const std::vector<float> x = gaussian(n, d, 12);
  const std::vector<float> v = gaussian(n, 1, 13);
  std::vector<PairSum> all;
  cpu_pair_products(x.data(), n, d, v.data(), 0.0F, 1, all);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(d * (d - 1) / 2));
  std::vector<PairSum> ranked = all;
  std::sort(ranked.begin(), ranked.end(), stronger_pair);
  for (const std::size_t max_hits : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, kPairHitChunk + 7,
                                     std::size_t{30000}, all.size(), all.size() + 1}) {
    std::vector<PairSum> want(ranked.begin(),
                              ranked.begin() + static_cast<std::ptrdiff_t>(std::min(max_hits, all.size())));
    std::sort(want.begin(), want.end(),
              [](const PairSum& p, const PairSum& q) { return p.a != q.a ? p.a < q.a : p.b < q.b; });
    for (const int threads : {1, 2, 3}) {
      std::vector<PairSum> got;
      cpu_pair_products(x.data(), n, d, v.data(), 0.0F, threads, got, max_hits);
      ASSERT_EQ(got.size(), want.size()) << "max_hits " << max_hits << " threads " << threads;
      for (std::size_t k = 0; k < want.size(); ++k) {
        ASSERT_EQ(got[k].a, want[k].a) << k;
        ASSERT_EQ(got[k].b, want[k].b) << k;
        ASSERT_EQ(got[k].sum, want[k].sum) << k;  // bit for bit
      }
    }
  }
}

/// A list that cannot be allocated is an exception on the calling thread (the fit turns it into
/// "out of memory"), never one thrown inside the parallel region (std::terminate).
TEST(PairScreen, AnUnallocatableHitListThrowsOutsideTheParallelRegion) {
  const std::vector<float> x = gaussian(10, 20, 3);
  const std::vector<float> v = gaussian(10, 1, 4);
  std::vector<PairSum> hits;
  EXPECT_ANY_THROW(cpu_pair_products(x.data(), 10, 20, v.data(), 0.0F, 2, hits, std::size_t{1} << 60));
}

/// The memory estimate counts the screen's bounded list, and that does not grow with the pairs.
TEST(PairScreen, TheEstimateCountsTheBoundedHitList) {
  EXPECT_GE(pair_screen_bytes(100, 10000, 2), pair_hit_bytes(kMaxExact, 2) + 3ULL * 100 * 10000 * sizeof(float));
  EXPECT_LT(pair_screen_bytes(100, 30000, 2), std::uint64_t{100} << 20);  // the old list: D^2 / 2 x 12 bytes = 5.4 GB
  Config c;
  c.pair_screen = PairScreen::kOn;
  c.threads = 2;
  EXPECT_GE(estimate_fit_memory(c, 100, 10000).validation, pair_screen_bytes(100, 10000, 2));
}

/// Near-duplicate columns and three classes: every pair passes the estimate and many the exact
/// test, more than kMaxScreenPairs per output. The report equals a plain reading of the rule:
/// each pair's z is its largest over the outputs, the strongest kMaxScreenPairs, ties by columns.
TEST(PairScreen, ManyPassingPairsReportTheStrongestByTheirBestOutput) {
  const std::int64_t n = 120, d = 40;
  const std::vector<float> base = gaussian(n, 1, 50);
  const std::vector<float> noise = gaussian(n, d, 51);
  std::vector<float> x(static_cast<std::size_t>(n * d));
  train::Targets t;
  t.classification = true;
  t.n_outputs = 3;
  t.class_weight = {1, 1, 1};
  for (std::int64_t i = 0; i < n; ++i) {
    const float b = base[static_cast<std::size_t>(i)];
    for (std::int64_t j = 0; j < d; ++j)
      x[static_cast<std::size_t>(i * d + j)] = b + 0.01F * noise[static_cast<std::size_t>(i * d + j)];
    t.labels.push_back(std::fabs(b) > 1.2F ? 2 : (std::fabs(b) > 0.5F ? 1 : 0));
  }
  const PairScreenReport r = screen_pairs(Config{}, x.data(), n, d, t);
  ASSERT_TRUE(r.ran);
  // The rule, in double, pair by pair.
  std::vector<Interaction> want;
  for (int a = 0; a < d; ++a)
    for (int b = a + 1; b < d; ++b) {
      double best = -1;
      for (int c = 0; c < 3; ++c) {
        double share = 0;
        for (int l : t.labels) share += l == c ? 1 : 0;
        share /= static_cast<double>(n);
        double num = 0, den = 0;
        for (std::int64_t i = 0; i < n; ++i) {
          const double ri = static_cast<float>((t.labels[static_cast<std::size_t>(i)] == c ? 1.0 : 0.0) - share);
          const double p = double(x[static_cast<std::size_t>(i * d + a)]) * x[static_cast<std::size_t>(i * d + b)];
          num += ri * p;
          den += ri * ri * p * p;
        }
        const double z = std::fabs(num) / std::sqrt(den);
        if (z >= r.threshold) best = std::max(best, z);
      }
      if (best >= 0) want.push_back(Interaction{a, b, best});
    }
  ASSERT_GT(want.size(), static_cast<std::size_t>(3 * kMaxScreenPairs));
  std::sort(want.begin(), want.end(), [](const Interaction& p, const Interaction& q) {
    return p.z != q.z ? p.z > q.z : (p.a != q.a ? p.a < q.a : p.b < q.b);
  });
  want.resize(static_cast<std::size_t>(kMaxScreenPairs));
  ASSERT_EQ(r.pairs.size(), want.size());
  for (std::size_t k = 0; k < want.size(); ++k) {
    EXPECT_EQ(r.pairs[k].a, want[k].a) << k;
    EXPECT_EQ(r.pairs[k].b, want[k].b) << k;
    EXPECT_NEAR(r.pairs[k].z, want[k].z, 1e-9 * want[k].z) << k;
  }
}

TEST(PairScreen, NormalQuantile) {
  EXPECT_NEAR(two_sided_normal_quantile(0.05), 1.959963984540054, 1e-9);
  EXPECT_NEAR(two_sided_normal_quantile(1e-6), 4.891638475698591, 1e-9);
  EXPECT_NEAR(two_sided_normal_quantile(1e-12), 7.130506848171324, 1e-9);
}

train::Targets binary(const std::vector<int>& labels) {
  train::Targets t;
  t.classification = true;
  t.n_outputs = 2;
  t.class_weight = {1, 1};
  t.labels.assign(labels.begin(), labels.end());
  return t;
}

/// y = 1[x_3 x_17 > 0] among 40 columns: neither column has an effect of its own; the screen
/// finds the pair, first and above the Bonferroni bound for 40 * 39 / 2 pairs at 1 %.
TEST(PairScreen, FindsAPairThatActsOnlyThroughItsProduct) {
  const std::int64_t n = 500, d = 40;
  const std::vector<float> x = gaussian(n, d, 8);
  std::vector<int> y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    y[static_cast<std::size_t>(i)] =
        x[static_cast<std::size_t>(i * d + 3)] * x[static_cast<std::size_t>(i * d + 17)] > 0;
  const Config config;  // support "validated", pair_screen "auto"
  const PairScreenReport r = screen_pairs(config, x.data(), n, d, binary(y));
  ASSERT_TRUE(r.ran) << r.note;
  EXPECT_EQ(r.columns, d);  // within the budget: every pair
  EXPECT_NEAR(r.threshold, two_sided_normal_quantile(0.01 / (40.0 * 39 / 2)), 1e-12);
  ASSERT_FALSE(r.pairs.empty());
  EXPECT_EQ(r.pairs[0].a, 3);
  EXPECT_EQ(r.pairs[0].b, 17);
  EXPECT_GE(r.pairs[0].z, r.threshold);
  for (std::size_t k = 1; k < r.pairs.size(); ++k) EXPECT_LE(r.pairs[k].z, r.pairs[k - 1].z);
  EXPECT_EQ(pair_columns(r), (std::vector<int>{3, 17}));
}

/// Labels independent of x: at a family-wise 1 %, no pair (for these fixed seeds).
TEST(PairScreen, FindsNothingInNoise) {
  const std::int64_t n = 400, d = 60;
  const std::vector<float> x = gaussian(n, d, 21);
  std::mt19937 rng(22);
  std::vector<int> y(static_cast<std::size_t>(n));
  for (int& v : y) v = static_cast<int>(rng() & 1U);
  const PairScreenReport r = screen_pairs(Config{}, x.data(), n, d, binary(y));
  ASSERT_TRUE(r.ran);
  EXPECT_TRUE(r.pairs.empty()) << r.pairs[0].a << "," << r.pairs[0].b << " z " << r.pairs[0].z;
}

/// Beyond the budget the screen tests the pairs of a pool of pair_pool_size columns chosen by the
/// variance statistic, Bonferroni over those pairs: y = 1[x_a x_b + 0.5 (x_c + x_d + x_e) + N(0, 1)
/// > 0], the product's columns without any marginal effect. A budget of 2e9 multiply-adds (the
/// default is 6e10: D = 12 000 at N = 1 000, minutes under the sanitizers) puts the pool at 2 000
/// of the 6 000 columns here.
constexpr double kTestBudget = 2e9;

TEST(PairScreen, BeyondItsBudgetThePoolFindsAProduct) {
  const std::int64_t n = 1000, d = 6000;
  const std::int64_t a = 1234, b = 4876;
  const std::vector<float> x = gaussian(n, d, 50);
  std::mt19937 rng(51);
  std::normal_distribution<float> noise;
  std::vector<int> y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const float* r = &x[static_cast<std::size_t>(i * d)];
    y[static_cast<std::size_t>(i)] = r[a] * r[b] + 0.5F * (r[10] + r[20] + r[30]) + noise(rng) > 0;
  }
  const std::int64_t k = pair_pool_size(n, d, 1, kTestBudget);
  ASSERT_EQ(k, 2000);
  ASSERT_GT(static_cast<double>(d) * d * n / 2, kTestBudget);
  EXPECT_EQ(pair_pool_size(1000, 100000, 1), 10954);  // the default budget's pool at N = 1000
  Config c;
  c.threads = 2;
  const PairScreenReport r = screen_pairs(c, x.data(), n, d, binary(y), nullptr, kTestBudget);
  ASSERT_TRUE(r.ran) << r.note;
  EXPECT_EQ(r.columns, k);
  EXPECT_NEAR(r.threshold, two_sided_normal_quantile(0.01 / (static_cast<double>(k) * (k - 1) / 2)), 1e-12);
  ASSERT_FALSE(r.pairs.empty());
  EXPECT_EQ(r.pairs[0].a, a);
  EXPECT_EQ(r.pairs[0].b, b);
  EXPECT_EQ(pair_columns(r), (std::vector<int>{static_cast<int>(a), static_cast<int>(b)}));
#if !defined(__SANITIZE_ADDRESS__)  // 1.8e10 multiply-adds: about a minute under the sanitizers
  // Within the budget (the default's, 6e10 > 1.8e10) every pair is tested, and the same pair found.
  const PairScreenReport full = screen_pairs(c, x.data(), n, d, binary(y));
  EXPECT_EQ(full.columns, d);
  ASSERT_FALSE(full.pairs.empty());
  EXPECT_EQ(full.pairs[0].a, a);
  EXPECT_EQ(full.pairs[0].b, b);
  EXPECT_NEAR(full.pairs[0].z, r.pairs[0].z, 1e-9);
#endif
}

/// Labels independent of x beyond the budget: the pool's pairs hold the family-wise 1 % (no pair
/// for this seed).
TEST(PairScreen, BeyondItsBudgetThePoolFindsNothingInNoise) {
  const std::int64_t n = 1000, d = 6000;
  const std::vector<float> x = gaussian(n, d, 60);
  std::mt19937 rng(61);
  std::vector<int> y(static_cast<std::size_t>(n));
  for (int& v : y) v = static_cast<int>(rng() & 1U);
  Config c;
  c.threads = 2;
  const PairScreenReport r = screen_pairs(c, x.data(), n, d, binary(y), nullptr, kTestBudget);
  ASSERT_TRUE(r.ran);
  EXPECT_EQ(r.columns, pair_pool_size(n, d, 1, kTestBudget));
  EXPECT_TRUE(r.pairs.empty()) << r.pairs[0].a << "," << r.pairs[0].b << " z " << r.pairs[0].z;
}

/// Several classes: one residual per class; regression: one per output.
TEST(PairScreen, EveryClassAndEveryOutputHasItsResidual) {
  const std::int64_t n = 600, d = 12;
  const std::vector<float> x = gaussian(n, d, 30);
  train::Targets multi;
  multi.classification = true;
  multi.n_outputs = 3;
  multi.class_weight = {1, 1, 1};
  train::Targets reg;
  reg.classification = false;
  reg.n_outputs = 2;
  for (std::int64_t i = 0; i < n; ++i) {
    const float p = x[static_cast<std::size_t>(i * d + 4)] * x[static_cast<std::size_t>(i * d + 9)];
    // class 2 only where the product is large: classes 0 and 1 split the rest at random
    multi.labels.push_back(p > 1 ? 2 : static_cast<int>(i % 2));
    reg.values.push_back(x[static_cast<std::size_t>(i * d)]);  // output 0: linear in column 0
    reg.values.push_back(p);                                   // output 1: the product
  }
  for (const train::Targets* t : {&multi, &reg}) {
    const PairScreenReport r = screen_pairs(Config{}, x.data(), n, d, *t);
    ASSERT_TRUE(r.ran);
    const double tests = (t->classification ? 3.0 : 2.0) * d * (d - 1) / 2;
    EXPECT_NEAR(r.threshold, two_sided_normal_quantile(0.01 / tests), 1e-12);
    ASSERT_FALSE(r.pairs.empty());
    EXPECT_EQ(r.pairs[0].a, 4);
    EXPECT_EQ(r.pairs[0].b, 9);
  }
}

TEST(PairScreen, SkippedWhereItHasNoUse) {
  const std::vector<float> x = gaussian(50, 5, 1);
  std::vector<int> y(50, 0);
  for (std::size_t i = 0; i < y.size(); i += 2) y[i] = 1;
  Config off;
  off.pair_screen = PairScreen::kOff;
  Config majority;
  majority.support = SupportRule::kMajority;
  for (const Config* c : {&off, &majority}) {
    const PairScreenReport r = screen_pairs(*c, x.data(), 50, 5, binary(y));
    EXPECT_FALSE(r.ran);
    EXPECT_FALSE(r.note.empty());
  }
}

/// A whole default fit: y = 1[x_a x_b + 0.5 x_c > 0] among 60 columns. The product's columns
/// join the candidates through the screen and pass the held-out test; the fit keeps all three
/// (the held-out test's lenient z >= 1 may let a noise candidate through). At this width the
/// network also learns the product without the screen; at D = 10^3 it does not (README "Selection
/// quality", the wide benchmark).
TEST(PairScreen, ADefaultFitKeepsTheColumnsOfAProduct) {
  const int n = 800, d = 60;
  const std::vector<float> x = gaussian(n, d, 40);
  std::vector<float> y(n);
  for (int i = 0; i < n; ++i) {
    const float* r = &x[static_cast<std::size_t>(i) * d];
    y[static_cast<std::size_t>(i)] = r[7] * r[41] + 0.5F * r[20] > 0 ? 1.0F : 0.0F;
  }
  Config c;
  c.seed = 2;
  c.device = Device::cpu();
  const Result r = Selector(c).fit(x.data(), n, d, y.data());
  ASSERT_TRUE(r.pair_screen.ran);
  ASSERT_FALSE(r.pair_screen.pairs.empty());
  EXPECT_EQ(r.pair_screen.pairs[0].a, 7);
  EXPECT_EQ(r.pair_screen.pairs[0].b, 41);
  const auto kept = [&](const Result& fit, int j) {
    return std::binary_search(fit.selected.begin(), fit.selected.end(), j);
  };
  for (int j : {7, 20, 41}) EXPECT_TRUE(kept(r, j)) << j;
  EXPECT_LE(r.selected.size(), 4U);
}

}  // namespace
}  // namespace gfs::detail
