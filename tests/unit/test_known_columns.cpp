// What the user knows (Config::must_keep, Config::must_drop): pinned masks, the support rules'
// view of them, and the errors (src/core/known_columns.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/known_columns.hpp"
#include "core/support.hpp"
#include "gfs/error.hpp"
#include "gfs/selector.hpp"
#include "synthetic.hpp"

namespace gfs::detail {
namespace {

bool holds(const std::vector<int>& v, int j) { return std::find(v.begin(), v.end(), j) != v.end(); }

std::string error_of(const Config& c, std::int64_t n_features) {
  try {
    c.validate();
    (void)KnownColumns::of(c, n_features);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

TEST(KnownColumns, ListsAreSettingsAndBadOnesAreRefusedByName) {
  Config c;
  c.set("must_keep", "7,2,7");
  c.set("must_drop", "0");
  const auto items = c.items();
  EXPECT_NE(std::find(items.begin(), items.end(), std::pair<std::string, std::string>{"must_keep", "7,2,7"}),
            items.end());
  const KnownColumns k = KnownColumns::of(c, 10);
  EXPECT_EQ(k.keep, (std::vector<int>{2, 7}));  // ascending, without repeats
  EXPECT_EQ(k.drop, (std::vector<int>{0}));
  c.set("must_keep", "");
  EXPECT_TRUE(c.must_keep.empty());
  EXPECT_THROW(c.set("must_keep", "3,x"), Error);

  Config both;
  both.must_keep = {1, 4};
  both.must_drop = {4};
  EXPECT_NE(error_of(both, 10).find("both hold column 4"), std::string::npos) << error_of(both, 10);
  Config negative;
  negative.must_drop = {-2};
  EXPECT_NE(error_of(negative, 10).find("'must_drop' holds column -2"), std::string::npos);
  Config beyond;
  beyond.must_keep = {3, 10};
  EXPECT_NE(error_of(beyond, 10).find("holds column 10, but the table has 10 feature columns (0..9)"),
            std::string::npos)
      << error_of(beyond, 10);
  // A fit refuses it before it trains.
  const test::Synthetic data = test::make_classification(64, 10, 2, 2, 3);
  EXPECT_THROW((void)Selector(beyond).fit(data.x.data(), data.rows, data.cols, data.y.data()), Error);
}

/// Pinned: phi row zero, bias +-logit, only the known columns of the block a Params holds.
TEST(KnownColumns, PinningSetsTheLogitOfTheBlocksKnownColumnsOnly) {
  train::ModelShape shape;
  shape.n_features = 4;  // global columns 3..6 of a feature-parallel block
  shape.embedding_dim = 3;
  shape.hidden = {4};
  shape.n_outputs = 2;
  train::Params<float> p = train::initial_params(shape, 9);
  const train::Params<float> before = p;
  Config c;
  c.must_keep = {4, 9};
  c.must_drop = {1, 6};
  const KnownColumns k = KnownColumns::of(c, 10);
  pin_known_columns(k, 5.0F, p, 0, 3);
  for (int local = 0; local < 4; ++local) {
    const int global = local + 3;
    const auto l = static_cast<std::size_t>(local);
    const bool pinned = global == 4 || global == 6;
    EXPECT_EQ(p.mask_bias[l], global == 4 ? 5.0F : global == 6 ? -5.0F : before.mask_bias[l]) << global;
    for (std::size_t e = 0; e < 3; ++e)
      EXPECT_EQ(p.mask_weight[l * 3 + e], pinned ? 0.0F : before.mask_weight[l * 3 + e]) << global;
  }
  EXPECT_EQ(pinned_logit(c), 2e4F);  // 1e4 x tau0 (2)
}

/// With only the must-keep columns open (the penalty closed the rest: few rows), the fallback
/// still proposes the largest other logits, never a dropped column; a majority set beyond the
/// kept columns is the fit's proposal as before.
TEST(KnownColumns, TheFallbackLooksBeyondTheKeptColumns) {
  Config c;
  c.fallback_candidates = 2;
  c.must_keep = {0};
  c.must_drop = {3};
  const std::vector<float> logits{2e4F, -1.0F, -0.2F, -2e4F, -0.5F, -3.0F};
  EXPECT_EQ(fitted_candidates(c, logits, {0}), (std::vector<int>{0, 2, 4}));
  EXPECT_EQ(fitted_candidates(c, logits, {0, 5}), (std::vector<int>{0, 5}));
  c.must_keep.clear();
  EXPECT_EQ(fitted_candidates(c, logits, {}), (std::vector<int>{0, 2}));  // 0 is an ordinary column now
}

struct RuleCase {
  const char* name;
  SupportRule rule;
};
void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.name; }

class KnownColumnsFit : public ::testing::TestWithParam<RuleCase> {};

/// A noise column that must stay and an informative one that must go: the noise column is in
/// `selected` and its mask was exactly 1 all along (logit +pinned, every hard draw, p = 1), the
/// informative one never (logit -pinned, no draw, p = 0, ranked last), and the other informative
/// columns are found as without the constraints.
TEST_P(KnownColumnsFit, KeptStayDroppedGoAndTheRestIsFound) {
  const test::Synthetic data = test::make_classification(600, 40, 4, 2, 17);
  Config c;
  c.device = Device::cpu();
  c.threads = 2;
  c.epochs = 60;
  c.support = GetParam().rule;
  const int noise = 0, dropped = data.informative[0];
  ASSERT_FALSE(holds(data.informative, noise));
  c.must_keep = {noise};
  c.must_drop = {dropped};
  const Result r = Selector(c).fit(data.x.data(), data.rows, data.cols, data.y.data());
  const float pinned = pinned_logit(c);
  EXPECT_TRUE(holds(r.selected, noise));
  EXPECT_FALSE(holds(r.selected, dropped));
  EXPECT_EQ(r.logits[noise], pinned);
  EXPECT_EQ(r.logits[static_cast<std::size_t>(dropped)], -pinned);
  EXPECT_EQ(r.probabilities[noise], 1.0F);
  EXPECT_EQ(r.probabilities[static_cast<std::size_t>(dropped)], 0.0F);
  EXPECT_EQ(r.scores[noise], c.n_draws);
  EXPECT_EQ(r.scores[static_cast<std::size_t>(dropped)], 0);
  EXPECT_EQ(r.ranking.front(), noise);
  EXPECT_EQ(r.ranking.back(), dropped);
  EXPECT_FALSE(holds(r.candidates, dropped));
  for (std::size_t k = 1; k < data.informative.size(); ++k)
    EXPECT_TRUE(holds(r.selected, data.informative[k])) << "informative column " << data.informative[k];
  if (c.support == SupportRule::kStability) {
    EXPECT_EQ(r.frequencies[noise], 1.0F);
    EXPECT_EQ(r.frequencies[static_cast<std::size_t>(dropped)], 0.0F);
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, KnownColumnsFit,
                         ::testing::Values(RuleCase{"validated", SupportRule::kValidated},
                                           RuleCase{"majority", SupportRule::kMajority},
                                           RuleCase{"stability", SupportRule::kStability}),
                         [](const ::testing::TestParamInfo<RuleCase>& i) { return std::string(i.param.name); });

/// A prescreened fit (D beyond twice the width): a must-keep column the prescreen would leave
/// closed (pure noise, weak) is open and kept; a dropped column the prescreen would open never
/// trains.
TEST(KnownColumnsFit, PinsOverrideThePrescreen) {
  const test::Synthetic data = test::make_classification(400, 400, 4, 2, 23);
  Config c;
  c.device = Device::cpu();
  c.threads = 2;
  c.epochs = 40;
  c.prescreen = 60;
  c.must_keep = {399};
  c.must_drop = {data.informative[1]};
  const Result r = Selector(c).fit(data.x.data(), data.rows, data.cols, data.y.data());
  ASSERT_GT(r.prescreen_columns, 0);
  EXPECT_TRUE(holds(r.selected, 399));
  EXPECT_FALSE(holds(r.selected, data.informative[1]));
  EXPECT_EQ(r.logits[399], pinned_logit(c));
  EXPECT_EQ(r.ranking.back(), data.informative[1]);
}

/// Config::feature_cost: a setting with one cost per column, refused by name when negative, not
/// finite, of another length than the table's, or with the target penalty.
TEST(FeatureCost, IsASettingAndBadCostsAreRefused) {
  Config c;
  c.set("feature_cost", "1,0,2.5");
  EXPECT_EQ(c.feature_cost, (std::vector<float>{1.0F, 0.0F, 2.5F}));
  EXPECT_NO_THROW((void)KnownColumns::of(c, 3));
  EXPECT_NE(error_of(c, 4).find("'feature_cost' holds 3 costs, but the table has 4 feature columns"),
            std::string::npos)
      << error_of(c, 4);
  c.feature_cost[1] = -1.0F;
  EXPECT_NE(error_of(c, 3).find("of column 1 is -1: costs must be finite and >= 0"), std::string::npos)
      << error_of(c, 3);
  c.feature_cost[1] = 1.0F;
  c.penalty = Penalty::kTarget;
  c.target_features = 1;
  EXPECT_NE(error_of(c, 3).find("raw penalty only"), std::string::npos) << error_of(c, 3);
  EXPECT_THROW(c.set("feature_cost", "1,nan"), Error);
  c.set("feature_cost", "");
  EXPECT_TRUE(c.feature_cost.empty());
}

/// A dearer column must show that much more held-out evidence (validation_z x cost), confirmed
/// by the column screen or not; a must-keep column stays whatever it costs.
TEST(FeatureCost, ADearColumnNeedsMoreEvidence) {
  Config c;
  c.feature_cost = {1.0F, 4.0F, 0.5F, 4.0F};
  c.must_keep = {3};
  const std::vector<double> z = candidate_thresholds(c, {0, 1, 2, 3}, {}, {1}, {1}, {0, 1, 2, 3});
  EXPECT_EQ(z, (std::vector<double>{1.0, 4.0, 1.0, 1.0}));
}

/// In a fit: an informative column at a prohibitive cost is not kept (its logit pushed down by the
/// penalty), at cost 0 (free) it is.
TEST(FeatureCost, AProhibitiveCostDropsAnInformativeColumn) {
  const test::Synthetic data = test::make_classification(600, 30, 3, 2, 5);
  Config c;
  c.device = Device::cpu();
  c.threads = 2;
  c.epochs = 60;
  const int j = data.informative[0];
  const Result plain = Selector(c).fit(data.x.data(), data.rows, data.cols, data.y.data());
  ASSERT_TRUE(holds(plain.selected, j));
  c.feature_cost.assign(30, 1.0F);
  c.feature_cost[static_cast<std::size_t>(j)] = 0.0F;
  EXPECT_TRUE(holds(Selector(c).fit(data.x.data(), data.rows, data.cols, data.y.data()).selected, j));
  c.feature_cost[static_cast<std::size_t>(j)] = 1000.0F;
  const Result costly = Selector(c).fit(data.x.data(), data.rows, data.cols, data.y.data());
  EXPECT_FALSE(holds(costly.selected, j));
  EXPECT_LT(costly.logits[static_cast<std::size_t>(j)], plain.logits[static_cast<std::size_t>(j)]);  // the penalty's push
}

}  // namespace
}  // namespace gfs::detail
