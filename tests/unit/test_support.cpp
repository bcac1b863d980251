// The candidates the held-out test of support "validated" starts from (src/core/support.cpp).
#include <gtest/gtest.h>

#include <cmath>

#include <vector>

#include "core/pair_screen.hpp"
#include "core/support.hpp"
#include "gfs/error.hpp"

namespace gfs::detail {
namespace {

/// Any column open after the penalty: the majority set as it is, however small.
TEST(Support, TheMajoritySetIsTheCandidates) {
  Config c;
  const std::vector<float> logits{0.5F, -1.0F, 2.0F, -0.1F, 0.2F};
  EXPECT_EQ(fitted_candidates(c, logits, {0, 2, 4}), (std::vector<int>{0, 2, 4}));
  EXPECT_EQ(fitted_candidates(c, logits, {2}), (std::vector<int>{2}));
}

/// Every mask closed (few rows): the largest logits instead, ascending.
TEST(Support, NoOpenColumnFallsBackToTheLargestLogits) {
  Config c;
  c.fallback_candidates = 3;
  const std::vector<float> logits{-3.0F, -1.0F, -0.2F, -0.1F, -5.0F, -0.5F};
  EXPECT_EQ(fitted_candidates(c, logits, {}), (std::vector<int>{2, 3, 5}));
  c.fallback_candidates = 10;  // more than there are columns: every column
  EXPECT_EQ(fitted_candidates(c, logits, {}), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  c.fallback_candidates = 0;  // off
  EXPECT_TRUE(fitted_candidates(c, logits, {}).empty());
}

/// The majority set and the pair screen's columns need validation_z; the fallback columns need the
/// one-sided Bonferroni bound over them at 5 % (z with P(N(0,1) > z) = 0.05 / their count).
TEST(Support, FallbackCandidatesFaceABonferroniBound) {
  Config c;
  const std::vector<double> z = candidate_thresholds(c, {}, {7, 9}, {}, {}, {1, 4, 5, 7, 9});
  const double fill = two_sided_normal_quantile(2 * 0.05 / 3);  // columns 1, 4 and 5 fall back
  EXPECT_NEAR(fill, 2.128, 1e-3);
  EXPECT_EQ(z, (std::vector<double>{fill, fill, fill, 1.0, 1.0}));
  EXPECT_EQ(candidate_thresholds(c, {2}, {}, {}, {}, {2}), (std::vector<double>{1.0}));
  c.validation_z = 3;  // never below validation_z
  EXPECT_EQ(candidate_thresholds(c, {}, {}, {}, {}, {1, 2}), (std::vector<double>{3.0, 3.0}));
}

/// The column screen's entries face validation_z as the majority set does, except those that
/// entered at a family-wise 5 %: nothing can remove them.
TEST(Support, ConfirmedScreenColumnsStay) {
  Config c;
  const std::vector<double> z = candidate_thresholds(c, {2}, {}, {3, 8}, {8}, {1, 2, 3, 8});
  ASSERT_EQ(z.size(), 4U);
  EXPECT_EQ(z[0], two_sided_normal_quantile(2 * 0.05 / 1));  // 1 falls back
  EXPECT_EQ(z[1], 1.0);
  EXPECT_EQ(z[2], 1.0);
  EXPECT_TRUE(std::isinf(z[3]) && z[3] < 0);
}

TEST(Support, FallbackCandidatesIsASetting) {
  Config c;
  EXPECT_EQ(c.fallback_candidates, 10);
  c.set("fallback_candidates", "4");
  EXPECT_EQ(c.fallback_candidates, 4);
  c.fallback_candidates = -1;
  EXPECT_THROW(c.validate(), Error);
}

}  // namespace
}  // namespace gfs::detail
