// The candidates the held-out test of support "validated" starts from (src/core/support.cpp).
#include <gtest/gtest.h>

#include <vector>

#include "core/support.hpp"
#include "gfs/error.hpp"

namespace gfs::detail {
namespace {

/// Enough columns past the penalty: the majority set as it is.
TEST(Support, TheMajoritySetIsTheCandidatesWhenLargeEnough) {
  Config c;
  c.min_candidates = 2;
  const std::vector<float> logits{0.5F, -1.0F, 2.0F, -0.1F, 0.2F};
  EXPECT_EQ(fitted_candidates(c, logits, {0, 2, 4}), (std::vector<int>{0, 2, 4}));
}

/// Too few (every mask closed at few rows): the largest logits fill the set up, ascending.
TEST(Support, FewOpenColumnsAreFilledUpByLogit) {
  Config c;
  c.min_candidates = 3;
  const std::vector<float> logits{-3.0F, -1.0F, 2.0F, -0.1F, -5.0F, -0.5F};
  EXPECT_EQ(fitted_candidates(c, logits, {2}), (std::vector<int>{2, 3, 5}));
  EXPECT_EQ(fitted_candidates(c, logits, {}), (std::vector<int>{2, 3, 5}));
  c.min_candidates = 10;  // more than there are columns: every column
  EXPECT_EQ(fitted_candidates(c, logits, {}), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  c.min_candidates = 0;  // off
  EXPECT_TRUE(fitted_candidates(c, logits, {}).empty());
}

TEST(Support, MinCandidatesIsASetting) {
  Config c;
  EXPECT_EQ(c.min_candidates, 10);
  c.set("min_candidates", "4");
  EXPECT_EQ(c.min_candidates, 4);
  c.min_candidates = -1;
  EXPECT_THROW(c.validate(), Error);
}

}  // namespace
}  // namespace gfs::detail
