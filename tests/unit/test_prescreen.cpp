// The prescreen (src/core/prescreen.cpp): which columns start open, how the others are closed,
// and what a prescreened fit trains and reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/column_screen.hpp"
#include "core/pair_screen.hpp"
#include "core/prescreen.hpp"
#include "gfs/gfs.hpp"
#include "synthetic.hpp"
#include "train/active_set.hpp"

namespace gfs::detail {
namespace {

TEST(Prescreen, WidthIsAutoOffOrGivenAndOnlyWhereItHalvesTheColumns) {
  Config c;
  EXPECT_EQ(prescreen_width(c, 1000, 4000), 0);  // auto: 2 N = 2000; D must exceed 4000
  EXPECT_EQ(prescreen_width(c, 1000, 4001), 2000);
  EXPECT_EQ(prescreen_width(c, 1000, 100000), 2000);
  EXPECT_EQ(prescreen_width(c, 100, 2001), 1000);  // at least 1000
  EXPECT_EQ(prescreen_width(c, 100, 2000), 0);
  c.prescreen = 30;
  EXPECT_EQ(prescreen_width(c, 100, 61), 30);
  EXPECT_EQ(prescreen_width(c, 100, 60), 0);
  c.exact = true;
  EXPECT_EQ(prescreen_width(c, 100, 1000), 0);
  c.exact = false;
  c.support = SupportRule::kStability;
  EXPECT_EQ(prescreen_width(c, 100, 1000), 0);
  c.support = SupportRule::kMajority;
  c.prescreen = 0;
  EXPECT_EQ(prescreen_width(c, 100, 1000000), 0);
  c.prescreen = -2;
  EXPECT_THROW(c.validate(), Error);
}

TEST(Prescreen, OpensTheStrongestAndThePairsColumnsAscending) {
  const std::vector<float> s{0.5F, 3.0F, 1.0F, 3.0F, 0.1F, 2.0F, 0.0F};
  EXPECT_EQ(prescreen_columns(s, 3, {}), (std::vector<int>{1, 3, 5}));
  EXPECT_EQ(prescreen_columns(s, 1, {}), (std::vector<int>{1}));  // a tie: the lower index
  EXPECT_EQ(prescreen_columns(s, 2, {6, 3, 4}), (std::vector<int>{1, 3, 4, 6}));
  EXPECT_EQ(prescreen_columns(s, 0, {2}), (std::vector<int>{2}));
}

TEST(Prescreen, AClosedColumnStaysBelowTheActiveSetsThresholdAtEveryTau) {
  const train::ActivePolicy policy;
  const float closed = closed_logit(policy, 2.0F);
  for (float tau = 2.0F; tau > 0.01F; tau *= 0.9F) {
    EXPECT_LT(closed, policy.threshold(tau)) << "tau " << tau;
    EXPECT_LT(policy.open_probability(closed, tau), policy.delta);
  }
  train::ModelShape shape;
  shape.n_features = 6;
  shape.embedding_dim = 4;
  shape.hidden = {3};
  shape.n_outputs = 2;
  train::Params<float> p = train::initial_params(shape, 3);
  const std::vector<float> before(p.member(0).mask_bias.begin(), p.member(0).mask_bias.end());
  close_columns(p, 0, {1, 4}, closed);
  std::vector<float> w(6);
  train::member_logits(p, 0, w.data());
  for (int j = 0; j < 6; ++j)
    EXPECT_EQ(w[static_cast<std::size_t>(j)], j == 1 || j == 4 ? before[static_cast<std::size_t>(j)] : closed);
}

TEST(Prescreen, RanksTheTrainedColumnsByLogitThenTheOthersByStrength) {
  const std::vector<float> logits{-14.0F, 2.0F, -20.0F, -14.0F, 0.5F};
  const std::vector<float> strength{5.0F, 0.0F, 1.0F, 9.0F, 3.0F};
  // 0 and 3 were closed by the prescreen; 2 trained and closed below them.
  EXPECT_EQ(rank_prescreened(logits, strength, {1, 2, 4}), (std::vector<int>{1, 4, 2, 3, 0}));
}

/// D = 400 columns, the prescreen opens 60: informative columns with marginal effects enter and
/// are kept; the others keep their closed logit exactly, are never trained (no epoch trains more
/// than the open columns) and never selected, and rank after every trained column.
TEST(Prescreen, AFitTrainsOnlyTheOpenColumnsAndFindsTheInformativeOnes) {
  const test::Synthetic data = test::make_classification(400, 400, 4, 2, 23);
  Config c;
  c.device = Device::cpu();
  c.threads = 2;
  c.epochs = 60;
  c.prescreen = 60;
  const Result r = Selector(c).fit(data.x.data(), data.rows, data.cols, data.y.data());
  ASSERT_GE(r.prescreen_columns, 60);
  ASSERT_LE(r.prescreen_columns, 60 + 32);  // the pair screen's columns at most
  for (const EpochRecord& e : r.history) EXPECT_LE(e.n_trained, r.prescreen_columns) << "epoch " << e.epoch;
  const float closed = closed_logit(train::ActivePolicy{}, c.tau0);
  int closed_count = 0;
  for (float w : r.logits) closed_count += w == closed ? 1 : 0;
  EXPECT_EQ(closed_count, 400 - r.prescreen_columns);
  for (int j : r.selected) EXPECT_NE(r.logits[static_cast<std::size_t>(j)], closed) << "column " << j;
  for (int j : data.informative)
    EXPECT_TRUE(std::binary_search(r.selected.begin(), r.selected.end(), j)) << "informative column " << j;
  for (std::size_t k = 0; k < r.ranking.size(); ++k)
    EXPECT_EQ(r.logits[static_cast<std::size_t>(r.ranking[k])] == closed,
              k >= static_cast<std::size_t>(r.prescreen_columns))
        << "rank " << k;
  // Off: every column trains (the first epoch trains all 400).
  c.prescreen = 0;
  const Result all = Selector(c).fit(data.x.data(), data.rows, data.cols, data.y.data());
  EXPECT_EQ(all.prescreen_columns, 0);
  EXPECT_EQ(all.history.front().n_trained, 400);
  EXPECT_EQ(all.selected, r.selected);
}

/// A column outside the prescreen's width is never kept, however it acts: the prescreen decides
/// what the network may use. Here a weak marginal column ranked below the width is left out,
/// while the pair screen lets in the columns of a product (no marginal effect at all).
TEST(Prescreen, ThePairScreensColumnsAreLetIn) {
  const std::int64_t n = 600, d = 300;
  std::vector<float> x = test::gaussian(n, d, 4);
  std::vector<float> y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = x.data() + i * d;
    y[static_cast<std::size_t>(i)] = row[10] * row[200] + 0.8F * row[50] > 0 ? 1.0F : 0.0F;
  }
  Config c;
  c.device = Device::cpu();
  c.threads = 2;
  c.epochs = 60;
  c.prescreen = 20;
  const Result r = Selector(c).fit(x.data(), n, d, y.data());
  ASSERT_TRUE(r.pair_screen.ran) << r.pair_screen.note;
  const float closed = closed_logit(train::ActivePolicy{}, c.tau0);
  for (int j : {10, 200, 50}) EXPECT_NE(r.logits[static_cast<std::size_t>(j)], closed) << "column " << j;
  for (int j : {10, 200, 50})
    EXPECT_TRUE(std::binary_search(r.selected.begin(), r.selected.end(), j)) << "column " << j;
}

}  // namespace
}  // namespace gfs::detail
