// Whole fits on synthetic data with known informative features, written once and run on every
// device present: the CPU always, CUDA device 0 where there is one (skipped with a message otherwise).
#include <gtest/gtest.h>

#include <algorithm>

#include "gfs/gfs.hpp"
#include "synthetic.hpp"

namespace gfs::test {
namespace {

struct Quality {
  double recall, precision;
  std::size_t selected;
};

Quality quality(const Result& r, const std::vector<int>& truth) {
  std::size_t hits = 0;
  for (int j : r.selected) hits += std::binary_search(truth.begin(), truth.end(), j) ? 1 : 0;
  return {double(hits) / truth.size(), r.selected.empty() ? 0.0 : double(hits) / r.selected.size(), r.selected.size()};
}

class EndToEnd : public ::testing::TestWithParam<Device> {
 protected:
  void SetUp() override {
    if (GetParam().kind == DeviceKind::kCuda && cuda_device_count() == 0)
      GTEST_SKIP() << "no CUDA device: the end-to-end tests run on the CPU only";
  }
  /// The library's defaults, on the test's device, with a fixed seed.
  Config default_config() const {
    Config c;
    c.seed = 3;
    c.device = GetParam();
    return c;
  }
  /// Fewer epochs, for tests about the mechanics rather than the quality.
  Config quick_config() const {
    Config c = default_config();
    c.epochs = 40;
    return c;
  }
};

TEST_P(EndToEnd, ClassificationFindsTheInformativeFeatures) {
  const Synthetic s = make_classification(600, 200, 8, 3, 5);
  Selector sel(default_config());
  const Result& r = sel.fit(s.x.data(), s.rows, s.cols, s.y.data());
  const Quality q = quality(r, s.informative);
  EXPECT_GE(q.recall, 0.9);
  EXPECT_LE(q.selected, 3 * s.informative.size());
  // One record per epoch trained: all 200, or fewer when the fit converged (Config::tol).
  EXPECT_EQ(r.history.size(), static_cast<std::size_t>(r.stopped_epoch));
  EXPECT_TRUE(r.stop_reason == "converged" ? r.stopped_epoch < 200
                                           : r.stop_reason == "epochs" && r.stopped_epoch == 200)
      << r.stop_reason << " at " << r.stopped_epoch;
  EXPECT_LT(r.history.back().task_loss, r.history.front().task_loss);
}

// The active set and convergence stopping change the fit time, not the answer: on the end-to-end
// data the default fit selects what the exact (dense, all-epochs) fit selects.
TEST_P(EndToEnd, DefaultModeSelectsWhatExactModeSelects) {
  const Synthetic cls = make_classification(600, 200, 8, 3, 5);
  const Synthetic reg = make_regression(600, 100, 4, 9);
  for (const Synthetic* s : {&cls, &reg}) {
    Config c = default_config();
    if (s == &reg) c.task = Task::kRegression;
    const Result fast = Selector(c).fit(s->x.data(), s->rows, s->cols, s->y.data());
    c.exact = true;
    const Result exact = Selector(c).fit(s->x.data(), s->rows, s->cols, s->y.data());
    EXPECT_EQ(fast.selected, exact.selected) << (s == &reg ? "regression" : "classification");
    EXPECT_EQ(exact.stopped_epoch, c.epochs);
  }
}

TEST_P(EndToEnd, RegressionFindsTheInformativeFeatures) {
  const Synthetic s = make_regression(600, 100, 4, 9);
  Config c = default_config();
  c.task = Task::kRegression;
  Selector sel(c);
  const Result& r = sel.fit(s.x.data(), s.rows, s.cols, s.y.data());
  const Quality q = quality(r, s.informative);
  EXPECT_GE(q.recall, 0.9) << "selected " << q.selected;
  EXPECT_LE(q.selected, 3 * s.informative.size());
}

TEST_P(EndToEnd, TargetPenaltyAndTopKSelectExactlyK) {
  const Synthetic s = make_classification(400, 120, 6, 2, 12);
  Config c = default_config();
  c.penalty = Penalty::kTarget;
  c.target_features = 6;
  c.support = SupportRule::kTopK;
  Selector sel(c);
  const Result& r = sel.fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_EQ(r.selected.size(), 6U);
  EXPECT_GE(quality(r, s.informative).recall, 0.8);
}

TEST_P(EndToEnd, SameSeedGivesBitIdenticalLogitsAndOtherSeedDoesNot) {
  const Synthetic s = make_classification(300, 80, 4, 2, 2);
  Config c = quick_config();
  c.epochs = 15;
  const Result a = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data());
  const Result b = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_EQ(a.logits, b.logits);
  EXPECT_EQ(a.scores, b.scores);
  c.seed = 4;
  const Result other = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_NE(a.logits, other.logits);
}

TEST_P(EndToEnd, ThreadCountDoesNotChangeTheResult) {
  const Synthetic s = make_classification(300, 400, 4, 2, 2);
  Config c = quick_config();
  c.epochs = 5;
  c.threads = 1;
  const Result one = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data());
  c.threads = 2;
  const Result two = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_EQ(one.logits, two.logits);
}

TEST_P(EndToEnd, ReferencePresetTrainsWithFrozenEmbeddingAndAnyRule) {
  const Synthetic s = make_classification(200, 40, 4, 2, 8);
  Config c = Config::reference();
  c.epochs = 3;
  c.device = GetParam();
  Selector sel(c);
  const Result& r = sel.fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_EQ(r.history.size(), 3U);
  // "any": support is exactly the features with a positive score.
  for (int j = 0; j < 40; ++j)
    EXPECT_EQ(std::binary_search(r.selected.begin(), r.selected.end(), j), r.scores[static_cast<std::size_t>(j)] > 0);
}

TEST_P(EndToEnd, ResultIsConsistent) {
  const Synthetic s = make_classification(200, 30, 3, 2, 1);
  Config c = quick_config();
  c.epochs = 10;
  c.record_probabilities = true;
  Selector sel(c);
  const Result& r = sel.fit(s.x.data(), s.rows, s.cols, s.y.data());
  ASSERT_EQ(r.logits.size(), 30U);
  EXPECT_EQ(r.probability_history.size(), 10U * 30U);
  EXPECT_EQ(r.ranking.size(), 30U);
  EXPECT_EQ(r.device, GetParam().str());
  EXPECT_TRUE(std::is_sorted(r.selected.begin(), r.selected.end()));
  for (std::size_t i = 1; i < r.ranking.size(); ++i)
    EXPECT_GE(r.logits[static_cast<std::size_t>(r.ranking[i - 1])], r.logits[static_cast<std::size_t>(r.ranking[i])]);
  for (std::size_t j = 0; j < 30; ++j) {
    EXPECT_NEAR(r.probabilities[j], 1 - std::exp(-std::exp(double(r.logits[j]))), 1e-6);
    EXPECT_GE(r.scores[j], 0);
    EXPECT_LE(r.scores[j], c.n_draws);
  }
  // tau anneals geometrically from tau0.
  for (std::size_t e = 0; e < r.history.size(); ++e)
    EXPECT_NEAR(r.history[e].tau, 2.0 * std::pow(0.997, double(e)), 1e-5);
}

TEST_P(EndToEnd, ProgressCallbackCanStopEarly) {
  const Synthetic s = make_classification(100, 20, 2, 2, 1);
  Config c = quick_config();
  Selector sel(c);
  int calls = 0;
  sel.set_progress([&](const EpochRecord&, int total) {
    EXPECT_EQ(total, c.epochs);
    return ++calls < 4;
  });
  EXPECT_EQ(sel.fit(s.x.data(), s.rows, s.cols, s.y.data()).history.size(), 4U);
}

TEST_P(EndToEnd, TransformKeepsTheSelectedColumns) {
  const Synthetic s = make_classification(100, 20, 2, 2, 1);
  Config c = quick_config();
  c.support = SupportRule::kTopK;
  c.target_features = 3;
  c.epochs = 5;
  Selector sel(c);
  const Result& r = sel.fit(s.x.data(), s.rows, s.cols, s.y.data());
  const std::vector<float> t = sel.transform(s.x.data(), s.rows, s.cols);
  ASSERT_EQ(t.size(), 100U * 3U);
  for (int i = 0; i < 100; ++i)
    for (int k = 0; k < 3; ++k)
      EXPECT_EQ(t[static_cast<std::size_t>(i * 3 + k)],
                s.x[static_cast<std::size_t>(i * 20 + r.selected[static_cast<std::size_t>(k)])]);
  EXPECT_THROW((void)sel.transform(s.x.data(), s.rows, 19), Error);
}

TEST_P(EndToEnd, SupportRulesDifferAsDocumented) {
  const Synthetic s = make_classification(300, 60, 4, 2, 6);
  Config c = quick_config();
  c.epochs = 40;
  Selector sel(c);
  const Result& r = sel.fit(s.x.data(), s.rows, s.cols, s.y.data());
  const std::vector<int> majority = support(r, SupportRule::kMajority, 0);
  const std::vector<int> any = support(r, SupportRule::kAny, 0);
  // The default rule tests the majority set (the fallback_candidates largest logits when it is
  // empty) and the pair screen's columns on held-out rows, and keeps a subset of them.
  std::vector<int> proposed(
      r.ranking.begin(),
      r.ranking.begin() + static_cast<std::ptrdiff_t>(majority.empty() ? static_cast<std::size_t>(c.fallback_candidates)
                                                                       : majority.size()));
  for (const Interaction& p : r.pair_screen.pairs) proposed.insert(proposed.end(), {p.a, p.b});
  std::sort(proposed.begin(), proposed.end());
  proposed.erase(std::unique(proposed.begin(), proposed.end()), proposed.end());
  EXPECT_EQ(proposed, r.candidates);
  EXPECT_TRUE(std::includes(r.candidates.begin(), r.candidates.end(), majority.begin(), majority.end()));
  EXPECT_TRUE(std::includes(r.candidates.begin(), r.candidates.end(), r.selected.begin(), r.selected.end()));
  EXPECT_EQ(support(r, SupportRule::kValidated, 0), r.selected);
  // w_j > 0 means p_j > 0.63, so with 1000 draws a majority feature is always in "any".
  EXPECT_TRUE(std::includes(any.begin(), any.end(), majority.begin(), majority.end()));
  EXPECT_EQ(support(r, SupportRule::kTopK, 5).size(), 5U);

  // Without the data the held-out test cannot be run after the fact.
  c.support = SupportRule::kMajority;
  const Result m = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_EQ(m.selected, majority);
  EXPECT_TRUE(m.candidates.empty());
  EXPECT_THROW((void)support(m, SupportRule::kValidated, 0), Error);
}

TEST_P(EndToEnd, RegressionFindsAnEvenEffect) {
  const Synthetic s = make_regression_with_even_effect(600, 60, 21);
  Config c = default_config();
  c.task = Task::kRegression;
  const Result with = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_EQ(quality(with, s.informative).recall, 1.0) << "selected " << with.selected.size();
  EXPECT_LE(with.selected.size(), 2 * s.informative.size());
}

TEST_P(EndToEnd, WarmUpEpochsTrainWithoutThePenalty) {
  const Synthetic s = make_classification(200, 30, 3, 2, 8);
  Config c = quick_config();
  c.epochs = 20;
  c.penalty_warmup = 0.25F;  // epochs 1..5
  const Result r = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data());
  ASSERT_EQ(r.history.size(), 20U);
  for (const EpochRecord& e : r.history) {
    EXPECT_GT(e.select_loss, 0.0F);
    if (e.epoch <= 5) {
      EXPECT_EQ(e.loss, e.task_loss) << "epoch " << e.epoch;
    } else {
      EXPECT_NEAR(e.loss, e.task_loss + 0.17F * e.select_loss, 1e-4F * e.loss) << "epoch " << e.epoch;
    }
  }
  EXPECT_FLOAT_EQ(r.config.lambda, 0.17F);  // "auto" resolved for the raw penalty under the rows scale
}

TEST_P(EndToEnd, ValidatedSupportDropsNoiseThatTheMajorityRuleKeeps) {
  const Synthetic s = make_classification(800, 40, 4, 2, 14);
  Config c = default_config();
  c.lambda = 0.0F;  // no penalty: the majority set holds many noise features
  const Result r = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data());
  auto noise = [&](const std::vector<int>& set) {
    return static_cast<std::size_t>(std::count_if(set.begin(), set.end(), [&](int j) {
      return !std::binary_search(s.informative.begin(), s.informative.end(), j);
    }));
  };
  ASSERT_GE(noise(r.candidates), 3U) << "the premise: noise among the candidates";
  EXPECT_LE(noise(r.selected), 1U);
  EXPECT_EQ(quality(r, s.informative).recall, 1.0);
  // Same seed, same result.
  EXPECT_EQ(Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data()).selected, r.selected);
}

INSTANTIATE_TEST_SUITE_P(Devices, EndToEnd, ::testing::Values(Device::cpu(), Device::cuda(0)),
                         [](const ::testing::TestParamInfo<Device>& param_info) {
                           return param_info.param.kind == DeviceKind::kCuda ? std::string("cuda") : std::string("cpu");
                         });

}  // namespace
}  // namespace gfs::test
