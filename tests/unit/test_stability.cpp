// Support rule "stability": complementary halves, members trained together, frequencies.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/stability.hpp"
#include "gfs/gfs.hpp"
#include "synthetic.hpp"

namespace gfs::test {
namespace {

TEST(Stability, HalvesAreComplementaryPairsOfEqualSize) {
  const auto halves = detail::member_halves(101, 6, 5);
  ASSERT_EQ(halves.size(), 6U);
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& a = halves[2 * k];
    const auto& b = halves[2 * k + 1];
    EXPECT_EQ(a.size(), 50U);
    EXPECT_EQ(b.size(), 50U);
    EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
    std::set<std::int64_t> both(a.begin(), a.end());
    both.insert(b.begin(), b.end());
    EXPECT_EQ(both.size(), 100U) << "pair " << k << " overlaps";
  }
  EXPECT_NE(halves[0], halves[2]) << "each pair draws its own split";
  EXPECT_EQ(detail::member_halves(101, 6, 5), halves);
}

TEST(Stability, FrequenciesThresholdAndBound) {
  detail::MemberFit fit;
  fit.members = 4;
  // Feature 0 kept by 4 members, 1 by 3, 2 by 2, 3 by none.
  fit.logits = {1, 1, 1, -1, /**/ 2, 1, 1, -2, /**/ 1, 1, -1, -1, /**/ 1, -1, -1, -1};
  const detail::Stability s = detail::stability_of(fit, 4, 0.75F);
  EXPECT_EQ(s.frequencies, (std::vector<float>{1.0F, 0.75F, 0.5F, 0.0F}));
  EXPECT_EQ(s.selected, (std::vector<int>{0, 1}));
  EXPECT_DOUBLE_EQ(s.mean_member_selected, 9.0 / 4);
  EXPECT_DOUBLE_EQ(s.expected_false_selections, (9.0 / 4) * (9.0 / 4) / (0.5 * 4));
  EXPECT_FLOAT_EQ(s.mean_logits[0], 1.25F);
  EXPECT_TRUE(std::isinf(detail::stability_of(fit, 4, 0.5F).expected_false_selections));
  EXPECT_EQ(detail::stability_of(fit, 4, 0.5F).selected, (std::vector<int>{0, 1, 2}));
}

TEST(Stability, FindsTheInformativeFeaturesAndReportsFrequencies) {
  const Synthetic s = make_classification(600, 300, 5, 2, 4);
  Config c;
  c.seed = 2;
  c.device = Device::cpu();
  c.support = SupportRule::kStability;
  c.members = 4;
  c.epochs = 60;
  const Result r = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data());
  ASSERT_EQ(r.frequencies.size(), 300U);
  std::size_t hits = 0;
  for (int j : r.selected) {
    EXPECT_GE(r.frequencies[static_cast<std::size_t>(j)], c.stability_threshold);
    hits += std::binary_search(s.informative.begin(), s.informative.end(), j) ? 1 : 0;
  }
  EXPECT_GE(hits, 4U) << "selected " << r.selected.size();
  EXPECT_LE(r.selected.size(), hits + 1);
  EXPECT_EQ(r.history.size(), 60U);
  EXPECT_GT(r.mean_member_selected, 0.0);
  // Ranked by frequency first.
  for (std::size_t i = 1; i < r.ranking.size(); ++i)
    EXPECT_GE(r.frequencies[static_cast<std::size_t>(r.ranking[i - 1])],
              r.frequencies[static_cast<std::size_t>(r.ranking[i])]);
  EXPECT_EQ(support(r, SupportRule::kStability, 0), r.selected);
  // Same seed, same result.
  const Result again = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_EQ(again.frequencies, r.frequencies);
  EXPECT_EQ(again.logits, r.logits);
}

}  // namespace
}  // namespace gfs::test
