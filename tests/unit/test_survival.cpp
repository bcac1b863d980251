// Survival targets: the Cox partial likelihood of kernels/math.hpp against a textbook reference
// and central differences (ties, Efron, all-censored batches), the held-out and screening math of
// kernels/survival.hpp, the checks on the targets, the stratified batches and whole fits.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/data.hpp"
#include "core/pair_screen.hpp"
#include "gfs/error.hpp"
#include "gfs/gfs.hpp"
#include "kernels/math.hpp"
#include "kernels/survival.hpp"
#include "synthetic.hpp"
#include "train/schedule.hpp"

namespace gfs::test {
namespace {

using kern::CoxTies;

/// The negative log partial likelihood written the textbook way, per distinct event time: with
/// d events D at time t and risk set R, Breslow adds d log S_R - sum_D eta, Efron
/// sum_{l < d} log(S_R - l/d S_D) - sum_D eta; divided by the number of events.
double textbook_cox(const std::vector<double>& eta, const std::vector<double>& time, const std::vector<double>& event,
                    CoxTies ties) {
  std::map<double, std::vector<std::size_t>> events_at;
  for (std::size_t i = 0; i < eta.size(); ++i)
    if (event[i] != 0) events_at[time[i]].push_back(i);
  double loss = 0, n_events = 0;
  for (const auto& [t, ids] : events_at) {
    double risk = 0, tied = 0;
    for (std::size_t j = 0; j < eta.size(); ++j)
      if (time[j] >= t) risk += std::exp(eta[j]);
    for (std::size_t i : ids) tied += std::exp(eta[i]);
    const double d = static_cast<double>(ids.size());
    for (std::size_t l = 0; l < ids.size(); ++l) {
      const double share = ties == CoxTies::kEfron ? static_cast<double>(l) / d : 0.0;
      loss += std::log(risk - share * tied) - eta[ids[l]];
    }
    n_events += d;
  }
  return n_events > 0 ? loss / n_events : 0.0;
}

struct CoxBatch {
  std::vector<double> eta, time, event;
};

/// n rows, times drawn from `distinct` values (so rows tie), events with probability p.
CoxBatch random_batch(int n, int distinct, double p, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> pick(1, distinct);
  std::bernoulli_distribution is_event(p);
  CoxBatch b;
  for (int i = 0; i < n; ++i) {
    b.eta.push_back(2.0 * normal(rng));
    b.time.push_back(pick(rng));
    b.event.push_back(is_event(rng) ? 1.0 : 0.0);
  }
  return b;
}

double kern_cox(const CoxBatch& b, CoxTies ties, std::vector<double>* grad = nullptr) {
  const int n = static_cast<int>(b.eta.size());
  std::vector<double> denom(b.eta.size()), share(b.eta.size()), g(b.eta.size());
  const double loss =
      kern::cox_batch_loss(b.eta.data(), b.time.data(), b.event.data(), n, ties, denom.data(), share.data(), g.data());
  if (grad != nullptr) *grad = g;
  return loss;
}

TEST(Cox, LossEqualsTheTextbookFormWithTiesUnderBreslowAndEfron) {
  for (unsigned seed = 1; seed <= 20; ++seed)
    for (const CoxTies ties : {CoxTies::kBreslow, CoxTies::kEfron}) {
      const CoxBatch b = random_batch(12, 4, 0.6, seed);
      EXPECT_NEAR(kern_cox(b, ties), textbook_cox(b.eta, b.time, b.event, ties), 1e-12) << seed;
    }
}

TEST(Cox, EfronDiffersFromBreslowOnlyWhereEventsTie) {
  CoxBatch b = random_batch(10, 1000000, 0.7, 3);
  for (std::size_t i = 0; i < b.time.size(); ++i) b.time[i] = static_cast<double>(i);  // distinct
  EXPECT_DOUBLE_EQ(kern_cox(b, CoxTies::kEfron), kern_cox(b, CoxTies::kBreslow));
  b.time[3] = b.time[4] = 2.5;
  b.event[3] = b.event[4] = 1;
  EXPECT_LT(kern_cox(b, CoxTies::kEfron), kern_cox(b, CoxTies::kBreslow));  // Efron's risk sets are smaller
}

TEST(Cox, GradientMatchesCentralDifferencesWithTiesAndWithoutEvents) {
  constexpr double kStep = 1e-6;
  for (const double p : {0.0, 0.3, 1.0})  // all censored, mixed, no censoring
    for (const CoxTies ties : {CoxTies::kBreslow, CoxTies::kEfron})
      for (unsigned seed = 1; seed <= 5; ++seed) {
        CoxBatch b = random_batch(9, 3, p, seed);
        std::vector<double> grad;
        kern_cox(b, ties, &grad);
        double worst = 0;
        for (std::size_t k = 0; k < b.eta.size(); ++k) {
          const double saved = b.eta[k];
          b.eta[k] = saved + kStep;
          const double up = kern_cox(b, ties);
          b.eta[k] = saved - kStep;
          const double down = kern_cox(b, ties);
          b.eta[k] = saved;
          const double numeric = (up - down) / (2 * kStep);
          EXPECT_NEAR(grad[k], numeric, 1e-8 + 1e-6 * std::abs(numeric)) << "p " << p << " seed " << seed << " row " << k;
          worst = std::max(worst, std::abs(grad[k] - numeric));
        }
        if (p == 0.0) {
          EXPECT_EQ(kern_cox(b, ties), 0.0);
          for (double g : grad) EXPECT_EQ(g, 0.0);
        }
        RecordProperty("worst_abs_err", std::to_string(worst));
      }
}

TEST(Cox, FloatAgreesWithDoubleAndStaysFiniteForLargeScores) {
  const CoxBatch b = random_batch(32, 8, 0.5, 9);
  std::vector<float> eta(b.eta.begin(), b.eta.end()), time(b.time.begin(), b.time.end()),
      event(b.event.begin(), b.event.end()), denom(32), share(32), grad(32);
  std::vector<double> ref_grad;
  const double ref = kern_cox(b, CoxTies::kEfron, &ref_grad);
  const float loss = kern::cox_batch_loss(eta.data(), time.data(), event.data(), 32, CoxTies::kEfron, denom.data(),
                                          share.data(), grad.data());
  EXPECT_NEAR(loss, ref, 1e-5 * std::abs(ref) + 1e-6);
  for (std::size_t k = 0; k < 32; ++k) EXPECT_NEAR(grad[k], ref_grad[k], 1e-5) << k;
  for (float& e : eta) e *= 1e3F;  // scores far beyond exp's range: the shift keeps every term finite
  const float big = kern::cox_batch_loss(eta.data(), time.data(), event.data(), 32, CoxTies::kEfron, denom.data(),
                                         share.data(), grad.data());
  EXPECT_TRUE(std::isfinite(big));
  for (float g : grad) EXPECT_TRUE(std::isfinite(g));
}

/// The sorted held-out pass equals the per-batch math over the same rows (row by row).
TEST(Cox, SortedRowTermsEqualThePerBatchMath) {
  for (const CoxTies ties : {CoxTies::kBreslow, CoxTies::kEfron}) {
    const CoxBatch b = random_batch(40, 6, 0.5, 21);
    const int n = 40;
    std::vector<float> time(b.time.begin(), b.time.end()), event(b.event.begin(), b.event.end());
    std::vector<double> denom(n), share(n), sorted(n);
    const double shift = kern::cox_shift(b.eta.data(), n);
    for (int i = 0; i < n; ++i)
      denom[static_cast<std::size_t>(i)] = kern::cox_denominator(b.eta.data(), b.time.data(), b.event.data(), n, i,
                                                                 shift, ties, &share[static_cast<std::size_t>(i)]);
    kern::cox_row_losses(b.eta.data(), time.data(), event.data(), nullptr, n,
                         kern::latest_first(time.data(), nullptr, n), ties, sorted.data());
    for (int k = 0; k < n; ++k) {
      const double direct = kern::cox_row(b.eta.data(), b.time.data(), b.event.data(), denom.data(), share.data(), n,
                                          k, shift, 1.0, static_cast<double*>(nullptr));
      EXPECT_NEAR(sorted[static_cast<std::size_t>(k)], direct, 1e-12) << k;
    }
  }
}

/// Nelson-Aalen by hand on six rows with a tie: times 1, 2, 2, 3, 4, 4; events 1, 1, 0, 1, 0, 1.
TEST(Cox, MartingaleResidualsOfTheNullModel) {
  const std::vector<float> time = {2, 4, 1, 2, 3, 4}, event = {1, 0, 1, 0, 1, 1};
  const std::vector<float> r = kern::martingale_residuals(time.data(), event.data(), 6);
  const double h1 = 1.0 / 6, h2 = h1 + 1.0 / 5, h3 = h2 + 1.0 / 3, h4 = h3 + 1.0 / 2;
  const std::vector<double> expect = {1 - h2, 0 - h4, 1 - h1, 0 - h2, 1 - h3, 1 - h4};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(r[i], expect[i], 1e-6) << i;
  double sum = 0;  // the residuals of the null model sum to 0
  for (float v : r) sum += v;
  EXPECT_NEAR(sum, 0.0, 1e-6);
  train::Targets t;
  t.classification = false;
  t.survival = true;
  t.time = time;
  t.event = event;
  const auto res = detail::target_residuals(t, 6);
  ASSERT_EQ(res.size(), 1U);
  EXPECT_EQ(res[0], r);
}

// ---------------------------------------------------------------------------------------------
// Targets.

std::string error_of(const Config& c, const std::vector<float>& y, std::int64_t n, int n_targets = 2) {
  const std::vector<float> x(static_cast<std::size_t>(n) * 2, 1.0F);
  try {
    detail::check_inputs(c, x.data(), n, 2, y.data(), n_targets, 0);
    detail::make_targets(c, y.data(), n, n_targets);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidData);
    return e.what();
  }
  return "";
}

TEST(SurvivalTargets, BadTargetsGetAnErrorNamingTheProblem) {
  Config c;
  c.task = Task::kSurvival;
  c.batch_size = 2;
  EXPECT_EQ(error_of(c, {1, 1, 2, 0, 3, 1, 4, 0}, 4), "");
  EXPECT_NE(error_of(c, {1, 1, -2, 0, 3, 1, 4, 0}, 4).find("survival time at row 1 is -2"), std::string::npos);
  EXPECT_NE(error_of(c, {1, 1, 2, 0, NAN, 1, 4, 0}, 4).find("survival time at row 2"), std::string::npos);
  EXPECT_NE(error_of(c, {1, 1, 2, 0, INFINITY, 1, 4, 0}, 4).find("finite and >= 0"), std::string::npos);
  EXPECT_NE(error_of(c, {1, 1, 2, 2, 3, 1, 4, 0}, 4).find("event flag at row 1 is 2"), std::string::npos);
  EXPECT_NE(error_of(c, {1, 1, 2, 0.5F, 3, 1, 4, 0}, 4).find("1 (the event happened) or 0"), std::string::npos);
  EXPECT_NE(error_of(c, {1, 0, 2, 0, 3, 0, 4, 0}, 4).find("no event"), std::string::npos);
  // Two batches of two rows need two events; one is too few, and the message says what to set.
  const std::string few = error_of(c, {1, 1, 2, 0, 3, 0, 4, 0}, 4);
  EXPECT_NE(few.find("1 event, fewer than the 2 batches of 2 rows need"), std::string::npos) << few;
  EXPECT_NE(few.find("batch_size to at least 4"), std::string::npos) << few;
  EXPECT_NE(error_of(c, {1, 1, 2, 0}, 4, 1).find("survival takes two target columns"), std::string::npos);
}

TEST(SurvivalTargets, MakeTargetsKeepsTimesEventsAndTies) {
  Config c;
  c.task = Task::kSurvival;
  c.cox_ties = gfs::CoxTies::kEfron;
  const std::vector<float> y = {5, 1, 2.5F, 0, 0, 1};
  const train::Targets t = detail::make_targets(c, y.data(), 3, 2);
  EXPECT_TRUE(t.survival);
  EXPECT_FALSE(t.classification);
  EXPECT_EQ(t.n_outputs, 1);
  EXPECT_EQ(t.time, (std::vector<float>{5, 2.5F, 0}));
  EXPECT_EQ(t.event, (std::vector<float>{1, 0, 1}));
  EXPECT_EQ(t.ties, kern::CoxTies::kEfron);
  EXPECT_EQ(t.strata(), (std::vector<char>{1, 0, 1}));
}

TEST(SurvivalTargets, EveryBatchOfTheStratifiedOrderHoldsItsShareOfEvents) {
  const int n = 103, batch = 10;
  std::vector<char> strata(n, 0);
  for (int i = 0; i < 11; ++i) strata[static_cast<std::size_t>(i * 9)] = 1;  // 11 events for 11 batches
  train::Plan plan;
  plan.batch_size = batch;
  plan.seed = 4;
  train::Schedule stratified(plan, n, strata), plain(plan, n);
  int plain_empty = 0;
  for (int e = 1; e <= 20; ++e) {
    std::vector<std::int32_t> order = stratified.order(e);
    std::vector<std::int32_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < n; ++i) ASSERT_EQ(sorted[static_cast<std::size_t>(i)], i);  // a permutation
    const std::vector<std::int32_t>& other = plain.order(e);
    for (int b0 = 0; b0 < n; b0 += batch) {
      int events = 0, other_events = 0;
      for (int p = b0; p < std::min(n, b0 + batch); ++p) {
        events += strata[static_cast<std::size_t>(order[static_cast<std::size_t>(p)])];
        other_events += strata[static_cast<std::size_t>(other[static_cast<std::size_t>(p)])];
      }
      EXPECT_GE(events, 1) << "epoch " << e << " batch at " << b0;
      EXPECT_LE(events, 2) << "epoch " << e << " batch at " << b0;
      plain_empty += other_events == 0 ? 1 : 0;
    }
  }
  EXPECT_GT(plain_empty, 0);  // without strata some batches hold no event: the test can fail
  // Replaying an earlier epoch gives the same order (resumed fits).
  const std::vector<std::int32_t> again = stratified.order(3);
  train::Schedule fresh(plan, n, strata);
  EXPECT_EQ(again, fresh.order(3));
}

// ---------------------------------------------------------------------------------------------
// Whole fits.

TEST(SurvivalFit, FindsTheInformativeColumnsIncludingAProduct) {
  const Synthetic s = make_survival(800, 60, 0.5, 7);
  Config c;
  c.task = Task::kSurvival;
  c.seed = 2;
  c.epochs = 120;
  Selector sel(c);
  const Result& r = sel.fit(s.x.data(), s.rows, s.cols, s.y.data(), 2);
  std::size_t hits = 0;
  for (int j : r.selected) hits += std::binary_search(s.informative.begin(), s.informative.end(), j) ? 1 : 0;
  EXPECT_GE(hits, 4U) << "selected " << r.selected.size();
  EXPECT_LE(r.selected.size(), hits + 1);
  EXPECT_EQ(r.n_outputs, 1);
  EXPECT_LT(r.history.back().task_loss, r.history.front().task_loss);
  // Same seed, same bits.
  Selector again(c);
  EXPECT_EQ(again.fit(s.x.data(), s.rows, s.cols, s.y.data(), 2).logits, r.logits);
}

TEST(SurvivalFit, StabilityAndEfronRunToo) {
  const Synthetic s = make_survival(300, 20, 0.3, 3);
  Config c;
  c.task = Task::kSurvival;
  c.cox_ties = gfs::CoxTies::kEfron;
  c.support = SupportRule::kStability;
  c.members = 4;
  c.epochs = 30;
  const Result r = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data(), 2);
  EXPECT_EQ(r.logits.size(), 20U);
  for (float w : r.logits) EXPECT_TRUE(std::isfinite(w));
}

}  // namespace
}  // namespace gfs::test
