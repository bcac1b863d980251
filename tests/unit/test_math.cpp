// The shared per-element math: polynomial log/exp, Gumbel-Sigmoid statistics, Adam, losses.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/math.hpp"
#include "kernels/philox.hpp"

namespace gfs::kern {
namespace {

TEST(Math, LogPolyWithinTwoUlpOfDoubleLog) {
  double worst = 0;
  for (float x = 1e-30F; x < 1e30F; x *= 1.0137F) {
    const double exact = std::log(static_cast<double>(x));
    const double err = std::abs(log_poly(x) - exact) / std::max(std::abs(exact), 1e-30);
    if (std::abs(exact) > 1e-3) worst = std::max(worst, err);
  }
  EXPECT_LT(worst, 2.5e-7);
}

TEST(Math, LogPolyIsAccurateNearOneWhereGumbelNeedsIt) {
  for (float u : {0.999F, 0.9999F, 0.99999F, 1.0F - 5.96e-8F}) {
    const double exact = std::log(static_cast<double>(u));
    EXPECT_NEAR(log_poly(u), exact, 3e-7 * std::abs(exact)) << u;
  }
}

TEST(Math, ExpPolyWithinTwoUlpOfDoubleExp) {
  double worst = 0;
  for (float x = -87.0F; x < 88.0F; x += 0.0123F) {
    const double exact = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(exp_poly(x) - exact) / exact);
  }
  EXPECT_LT(worst, 2.5e-7);
}

TEST(Math, ExpPolySaturatesInsteadOfOverflowingOrNaN) {
  EXPECT_TRUE(std::isfinite(exp_poly(1000.0F)));
  EXPECT_GE(exp_poly(-1000.0F), 0.0F);
  EXPECT_LT(exp_poly(-1000.0F), 1e-37F);
  EXPECT_TRUE(std::isfinite(exp_poly(std::numeric_limits<float>::infinity())));
}

TEST(Math, GumbelNoiseIsFiniteAtTheEndsOfTheUnitInterval) {
  for (float u : {0.0F, 1e-45F, 1e-20F, 0.5F, 1.0F - 1e-8F, 1.0F}) {
    EXPECT_TRUE(std::isfinite(gumbel_noise(u))) << u;
    EXPECT_TRUE(std::isfinite(gumbel_noise(static_cast<double>(u)))) << u;
  }
}

TEST(Math, MaskIsFiniteAndBoundedForTinyTemperature) {
  for (float w : {-50.0F, -1.0F, 0.0F, 1.0F, 50.0F})
    for (float u : {0.0F, 0.3F, 1.0F}) {
      const float m = gumbel_sigmoid_mask(w, gumbel_noise(u), 1e-30F);
      EXPECT_TRUE(m >= 0.0F && m <= 1.0F) << w << " " << u;
      EXPECT_TRUE(std::isfinite(mask_grad_wrt_logit(m, 1e-30F)));
    }
}

// The Gumbel-Sigmoid sample m = sigma((w+g)/tau) has CDF
//   P(m <= t) = P(g <= tau * logit(t) - w) = exp(-exp(w - tau * logit(t))).
// One-sample Kolmogorov-Smirnov test with a fixed seed against that CDF.
double ks_statistic(float w, float tau, int n) {
  std::vector<double> m(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    m[static_cast<std::size_t>(i)] =
        gumbel_sigmoid_mask(w, gumbel_noise(philox_uniform(17, 0, static_cast<std::uint64_t>(i))), tau);
  std::sort(m.begin(), m.end());
  double d = 0;
  for (int i = 0; i < n; ++i) {
    const double t = std::clamp(m[static_cast<std::size_t>(i)], 1e-12, 1 - 1e-12);
    const double cdf = std::exp(-std::exp(w - tau * std::log(t / (1 - t))));
    d = std::max({d, std::abs(cdf - double(i) / n), std::abs(cdf - double(i + 1) / n)});
  }
  return d;
}

TEST(GumbelSigmoid, KolmogorovSmirnovAgainstAnalyticCdf) {
  const int n = 20000;
  const double critical = 1.63 / std::sqrt(double(n));  // alpha = 0.01
  for (float w : {-2.0F, 0.0F, 1.5F})
    for (float tau : {0.5F, 1.0F, 2.0F}) EXPECT_LT(ks_statistic(w, tau, n), critical) << "w=" << w << " tau=" << tau;
}

TEST(GumbelSigmoid, KolmogorovSmirnovDetectsAWrongLogit) {
  // The same samples against the CDF of a different logit must fail: the test has power.
  const int n = 20000;
  std::vector<double> m(static_cast<std::size_t>(n));
  double d = 0;
  for (int i = 0; i < n; ++i)
    m[static_cast<std::size_t>(i)] =
        gumbel_sigmoid_mask(0.3F, gumbel_noise(philox_uniform(17, 0, static_cast<std::uint64_t>(i))), 1.0F);
  std::sort(m.begin(), m.end());
  for (int i = 0; i < n; ++i) {
    const double t = std::clamp(m[static_cast<std::size_t>(i)], 1e-12, 1 - 1e-12);
    const double cdf = std::exp(-std::exp(0.0 - std::log(t / (1 - t))));
    d = std::max(d, std::abs(cdf - double(i + 1) / n));
  }
  EXPECT_GT(d, 1.63 / std::sqrt(double(n)));
}

TEST(GumbelSigmoid, HardMaskFrequencyIsSelectionProbability) {
  const int n = 100000;
  for (double w : {-1.5, 0.0, 0.8}) {
    int hits = 0;
    for (int i = 0; i < n; ++i)
      hits += hard_mask(w, gumbel_noise(double(philox_uniform(3, 1, static_cast<std::uint64_t>(i))))) ? 1 : 0;
    const double p = selection_probability(w);
    EXPECT_NEAR(double(hits) / n, p, 4 * std::sqrt(p * (1 - p) / n)) << w;
  }
}

TEST(GumbelSigmoid, SelectionProbabilityAtZeroLogitIsOneMinusOneOverE) {
  EXPECT_NEAR(selection_probability(0.0), 1.0 - std::exp(-1.0), 1e-15);
  EXPECT_GT(selection_probability(-40.0), 0.0);  // no cancellation to 0
}

TEST(Adam, FirstTwoStepsMatchHandComputation) {
  // lr 0.1, betas (0.9, 0.999), eps 1e-8; gradients 0.5 then -0.2 on p = 1.
  double p = 1, m = 0, v = 0;
  adam_update(p, m, v, 0.5, adam_step_coefficients<double>(0.1, 0.9, 0.999, 1e-8, 1));
  // m = 0.05, v = 0.00025; mhat = 0.5, vhat = 0.25: p -= 0.1 * 0.5 / (0.5 + 1e-8)
  EXPECT_NEAR(m, 0.05, 1e-15);
  EXPECT_NEAR(v, 0.00025, 1e-15);
  EXPECT_NEAR(p, 1 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-12);
  const double p1 = p;
  adam_update(p, m, v, -0.2, adam_step_coefficients<double>(0.1, 0.9, 0.999, 1e-8, 2));
  const double m2 = 0.9 * 0.05 + 0.1 * -0.2, v2 = 0.999 * 0.00025 + 0.001 * 0.04;
  const double mhat = m2 / (1 - 0.81), vhat = v2 / (1 - 0.999 * 0.999);
  EXPECT_NEAR(p, p1 - 0.1 * mhat / (std::sqrt(vhat) + 1e-8), 1e-12);
}

TEST(Adam, FloatAndDoubleAgree) {
  float pf = 0.3F, mf = 0, vf = 0;
  double pd = 0.3, md = 0, vd = 0;
  for (int t = 1; t <= 50; ++t) {
    const double g = std::sin(t * 0.7);
    adam_update(pf, mf, vf, float(g), adam_step_coefficients<float>(4e-3, 0.9, 0.999, 1e-8, t));
    adam_update(pd, md, vd, g, adam_step_coefficients<double>(4e-3, 0.9, 0.999, 1e-8, t));
  }
  EXPECT_NEAR(pf, pd, 1e-6);
}

TEST(Loss, SoftmaxCrossEntropyIsStableForHugeLogits) {
  const double z[3] = {1000.0, -1000.0, 999.0};
  double g[3];
  const double loss = softmax_xent_row(z, 3, 2, 1.0, g);
  EXPECT_NEAR(loss, std::log(1 + std::exp(1.0)), 1e-12);
  EXPECT_NEAR(g[0] + g[1] + g[2], 0.0, 1e-12);
}

TEST(Loss, SquaredErrorRowAndGradient) {
  const float z[2] = {1.0F, -2.0F}, y[2] = {0.5F, 0.0F};
  float g[2];
  EXPECT_FLOAT_EQ(squared_error_row(z, y, 2, 0.5F, g), 0.25F + 4.0F);
  EXPECT_FLOAT_EQ(g[0], 0.5F);
  EXPECT_FLOAT_EQ(g[1], -2.0F);
}

TEST(Relu, KinkTakesTheZeroBranch) {
  EXPECT_EQ(relu(-0.0F), 0.0F);
  EXPECT_EQ(relu_backward(0.0F, 3.0F), 0.0F);
  EXPECT_EQ(relu_backward(1e-30F, 3.0F), 3.0F);
}

}  // namespace
}  // namespace gfs::kern
