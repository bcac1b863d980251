// Every parameter block's gradient from cpu_step() against central differences in double.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "step_fixture.hpp"

namespace gfs::test {
namespace {

constexpr double kStep = 1e-6;
constexpr double kAbsTol = 1e-7;
constexpr double kRelTol = 1e-5;

/// Survival cases: the Cox loss with ties among the batch's times, or a batch without events.
enum class Cox { kNone, kBreslow, kEfron, kAllCensored };

struct Case {
  std::string name;
  bool classification;
  kern::SelectPenalty penalty;
  bool weighted;
  int batch;
  Cox cox = Cox::kNone;
  bool costed = false;  ///< Config::feature_cost: every column its own cost, one of them free (0)
};

class GradientCheck : public ::testing::TestWithParam<Case> {};

/// dL/dp by central differences, p being one parameter of prob (restored afterwards).
double central_difference(StepProblem<double>& prob, double& p) {
  const double saved = p;
  p = saved + kStep;
  const double up = prob.loss_and_grad(nullptr);
  p = saved - kStep;
  const double down = prob.loss_and_grad(nullptr);
  p = saved;
  return (up - down) / (2 * kStep);
}

/// Smallest |pre-activation| of the ReLU layers: a finite difference across a kink is meaningless,
/// so a case whose pre-activations sit within a few steps of 0 is skipped on purpose.
double distance_to_kink(const std::vector<std::vector<double>>& pre) {
  double d = 1e30;
  for (std::size_t l = 0; l + 1 < pre.size(); ++l)
    for (double z : pre[l]) d = std::min(d, std::abs(z));
  return d;
}

TEST_P(GradientCheck, MatchesCentralDifferences) {
  const Case& c = GetParam();
  StepProblem<double> prob(c.classification, 7, c.batch, {5, 3}, c.cox == Cox::kNone ? 3 : 1);
  if (c.cox != Cox::kNone)
    prob.make_survival(c.cox == Cox::kEfron ? kern::CoxTies::kEfron : kern::CoxTies::kBreslow,
                       [&](int row) { return c.cox != Cox::kAllCensored && row % 3 != 2; });
  prob.input.penalty = c.penalty;
  prob.input.target_features = 2;
  if (c.weighted) prob.class_weight = {0.5, 2.0, 1.25};
  const std::vector<float> costs{1.0F, 3.0F, 0.0F, 0.5F, 7.0F, 1.0F, 2.5F};  // one per column (7)
  if (c.costed) {
    // The penalty's value charges sum_j c_j m_j: against the same step without costs it differs
    // by lambda sum_j (c_j - 1) m_j / norm (the masks are the same: the noise does not depend on it).
    const double plain = prob.loss_and_grad(nullptr);
    prob.input.cost = costs.data();
    const double costed = prob.loss_and_grad(nullptr);
    double extra = 0;
    for (std::size_t j = 0; j < costs.size(); ++j) extra += (costs[j] - 1.0) * prob.last_mask[j];
    const double norm = prob.input.penalty_norm > 0 ? prob.input.penalty_norm : 7.0;
    EXPECT_NEAR(costed - plain, prob.input.lambda * extra / norm, 1e-12);
  }
  train::Params<double> analytic;
  prob.loss_and_grad(&analytic);
  if (distance_to_kink(prob.last_pre) < 1e3 * kStep) GTEST_SKIP() << "a ReLU pre-activation sits on its kink";

  // Walk every block of params and analytic in the same order.
  std::vector<train::Span<double>> p_blocks, g_blocks;
  prob.params.for_each_block([&](train::Span<double> v) { p_blocks.push_back(v); });
  analytic.for_each_block([&](train::Span<double> v) { g_blocks.push_back(v); });
  const char* names[] = {"embedding", "mask_weight", "mask_bias", "W0", "b0", "W1", "b1", "W2", "b2"};
  int checked = 0;
  for (std::size_t blk = 0; blk < p_blocks.size(); ++blk) {
    double worst = 0;
    for (std::size_t i = 0; i < p_blocks[blk].size(); ++i) {
      const double numeric = central_difference(prob, p_blocks[blk][i]);
      const double exact = g_blocks[blk][i];
      EXPECT_NEAR(exact, numeric, kAbsTol + kRelTol * std::abs(numeric))
          << names[blk] << "[" << i << "] (" << c.name << ")";
      worst = std::max(worst, std::abs(exact - numeric));
      ++checked;
    }
    RecordProperty(std::string(names[blk]) + "_worst_abs_err", std::to_string(worst));
  }
  EXPECT_GT(checked, 100);
}

INSTANTIATE_TEST_SUITE_P(AllLossesAndPenalties, GradientCheck,
                         ::testing::Values(Case{"ce_raw", true, kern::SelectPenalty::kMean, false, 4},
                                           Case{"ce_target", true, kern::SelectPenalty::kTarget, false, 4},
                                           Case{"ce_weighted_raw", true, kern::SelectPenalty::kMean, true, 4},
                                           Case{"ce_weighted_target", true, kern::SelectPenalty::kTarget, true, 3},
                                           Case{"mse_raw", false, kern::SelectPenalty::kMean, false, 4},
                                           Case{"mse_target", false, kern::SelectPenalty::kTarget, false, 4},
                                           Case{"ce_batch1", true, kern::SelectPenalty::kMean, false, 1},
                                           Case{"mse_batch1", false, kern::SelectPenalty::kMean, false, 1},
                                           Case{"cox_breslow_ties", false, kern::SelectPenalty::kMean, false, 6, Cox::kBreslow},
                                           Case{"cox_efron_ties", false, kern::SelectPenalty::kMean, false, 6, Cox::kEfron},
                                           Case{"cox_efron_target", false, kern::SelectPenalty::kTarget, false, 5, Cox::kEfron},
                                           Case{"cox_all_censored", false, kern::SelectPenalty::kMean, false, 6,
                                                Cox::kAllCensored},
                                           Case{"cox_batch1", false, kern::SelectPenalty::kMean, false, 1, Cox::kBreslow},
                                           Case{"ce_raw_costs", true, kern::SelectPenalty::kMean, false, 4, Cox::kNone, true},
                                           Case{"mse_raw_costs", false, kern::SelectPenalty::kMean, false, 4, Cox::kNone,
                                                true}),
                         [](const ::testing::TestParamInfo<Case>& param_info) { return param_info.param.name; });

TEST(GradientCheck, ThreeHiddenLayersRegressionTwoOutputs) {
  StepProblem<double> prob(false, 9, 5, {6, 4, 3}, 2, 23);
  train::Params<double> analytic;
  prob.loss_and_grad(&analytic);
  ASSERT_GT(distance_to_kink(prob.last_pre), 1e3 * kStep);
  EXPECT_NEAR(analytic.weight[2][3], central_difference(prob, prob.params.weight[2][3]), 1e-6);
}

TEST(GradientCheck, FloatStepAgreesWithDoubleReference) {
  StepProblem<double> ref(true, 40, 8);
  StepProblem<float> f(true, 40, 8);
  train::Params<double> g_ref;
  train::Params<float> g_f;
  const double loss_ref = ref.loss_and_grad(&g_ref);
  const double loss_f = f.loss_and_grad(&g_f);
  EXPECT_NEAR(loss_f, loss_ref, 1e-5 * std::abs(loss_ref) + 1e-6);
  for (std::size_t i = 0; i < g_ref.mask_weight.size(); ++i)
    EXPECT_NEAR(g_f.mask_weight[i], g_ref.mask_weight[i], 1e-5 + 1e-3 * std::abs(g_ref.mask_weight[i])) << i;
  for (std::size_t i = 0; i < g_ref.weight[0].size(); ++i)
    EXPECT_NEAR(g_f.weight[0][i], g_ref.weight[0][i], 1e-5 + 1e-3 * std::abs(g_ref.weight[0][i])) << i;
}

TEST(GradientCheck, ThreadCountDoesNotChangeAnyBit) {
  StepProblem<float> one(true, 300, 6), two(true, 300, 6);
  train::Params<float> g1, g2;
  EXPECT_EQ(one.loss_and_grad(&g1, 1), two.loss_and_grad(&g2, 2));
  EXPECT_EQ(g1.embedding, g2.embedding);
  EXPECT_EQ(g1.mask_weight, g2.mask_weight);
  EXPECT_EQ(g1.weight[0], g2.weight[0]);
}

}  // namespace
}  // namespace gfs::test
