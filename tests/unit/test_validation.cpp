// The held-out test behind support rule "validated" (src/core/validation.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/validation.hpp"

namespace gfs::detail {
namespace {

/// A network whose parameters the test writes by hand (mask blocks unused by the test).
Params<float> hand_network(const ModelShape& shape) { return Params<float>::zeros(shape); }

/// Standard-normal columns [rows, cols].
std::vector<float> gaussian(std::int64_t rows, std::int64_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> x(static_cast<std::size_t>(rows * cols));
  for (float& v : x) v = normal(rng);
  return x;
}

/// A trainer that ignores the data and returns a fixed network (the test's hypothesis).
NetworkTrainer fixed(const Params<float>& net, int* calls, std::vector<std::int64_t>* rows_seen) {
  return [net, calls, rows_seen](const Config& cfg, const float*, std::int64_t n, const ModelShape& shape,
                                 const Targets&, const Params<float>& init) {
    EXPECT_FLOAT_EQ(cfg.lambda, 0.0F);
    EXPECT_FLOAT_EQ(cfg.lr_mask, 0.0F);
    for (float b : init.mask_bias) EXPECT_EQ(b, 0.0F);  // masks frozen at logit 0
    EXPECT_EQ(net.weight[0].size(), static_cast<std::size_t>(shape.n_features * shape.fan_out(0)));
    ++*calls;
    rows_seen->push_back(n);
    return net;
  };
}

TEST(Validation, RowLossesMatchADirectForwardPass) {
  ModelShape shape;
  shape.n_features = 3;
  shape.hidden = {4, 2};
  shape.n_outputs = 3;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> uni(-1, 1);
  Params<float> net = hand_network(shape);
  net.for_each_block([&](std::vector<float>& v) {
    for (float& w : v) w = uni(rng);
  });
  const std::vector<float> x = gaussian(6, 3, 2);
  std::vector<double> w0(net.weight[0].begin(), net.weight[0].end());
  for (double& w : w0) w *= 0.7;
  Targets t;
  t.classification = true;
  t.labels = {0, 2, 1, 1, 0, 2, 1, 0};
  t.class_weight = {1.0F, 2.0F, 0.5F};
  t.n_outputs = 3;
  const std::vector<std::int64_t> rows = {7, 1, 2, 3, 4, 5};  // row numbers select the labels
  const std::vector<double> got = row_losses(net, shape, w0, x.data(), rows, t);
  ASSERT_EQ(got.size(), 6U);
  for (std::size_t i = 0; i < 6; ++i) {
    double h1[4], h2[2], o[3];
    for (int a = 0; a < 4; ++a) {
      double z = net.bias[0][a];
      for (int k = 0; k < 3; ++k) z += x[i * 3 + k] * 0.7 * double(net.weight[0][k * 4 + a]);
      h1[a] = z > 0 ? z : 0;
    }
    for (int b = 0; b < 2; ++b) {
      double z = net.bias[1][b];
      for (int a = 0; a < 4; ++a) z += h1[a] * net.weight[1][a * 2 + b];
      h2[b] = z > 0 ? z : 0;
    }
    for (int c = 0; c < 3; ++c) {
      o[c] = net.bias[2][c];
      for (int b = 0; b < 2; ++b) o[c] += h2[b] * net.weight[2][b * 3 + c];
    }
    const int label = t.labels[static_cast<std::size_t>(rows[i])];
    const double lse = std::log(std::exp(o[0]) + std::exp(o[1]) + std::exp(o[2]));
    EXPECT_NEAR(got[i], t.class_weight[label] * (lse - o[label]), 1e-12) << "row " << i;
  }

  // Regression with two outputs: the mean squared error over the outputs.
  shape.n_outputs = 2;
  Params<float> reg = hand_network(shape);
  reg.for_each_block([&](std::vector<float>& v) {
    for (float& w : v) w = uni(rng);
  });
  Targets tr;
  tr.classification = false;
  tr.n_outputs = 2;
  tr.values = {0.5F, -1.0F, 2.0F, 0.25F};
  const std::vector<double> w0r(reg.weight[0].begin(), reg.weight[0].end());
  const std::vector<double> l = row_losses(reg, shape, w0r, x.data(), {1}, tr);
  double h1[4], h2[2];
  for (int a = 0; a < 4; ++a) {
    double z = reg.bias[0][a];
    for (int k = 0; k < 3; ++k) z += x[k] * double(reg.weight[0][k * 4 + a]);
    h1[a] = z > 0 ? z : 0;
  }
  for (int b = 0; b < 2; ++b) {
    double z = reg.bias[1][b];
    for (int a = 0; a < 4; ++a) z += h1[a] * reg.weight[1][a * 2 + b];
    h2[b] = z > 0 ? z : 0;
  }
  double se = 0;
  for (int c = 0; c < 2; ++c) {
    double o = reg.bias[2][c];
    for (int b = 0; b < 2; ++b) o += h2[b] * reg.weight[2][b * 2 + c];
    se += (o - tr.values[2 + c]) * (o - tr.values[2 + c]);
  }
  EXPECT_NEAR(l[0], se / 2, 1e-12);
}

/// y = x_1 (column 1 of 5); candidates {1, 3, 4}: a network that passes candidate 0 through
/// (relu(x) - relu(-x)) and ignores the others.
TEST(Validation, KeepsTheColumnTheNetworkNeedsAndDropsTheIgnoredOnes) {
  const std::int64_t n = 300, d = 5;
  const std::vector<float> x = gaussian(n, d, 11);
  Targets t;
  t.classification = false;
  t.n_outputs = 1;
  for (std::int64_t i = 0; i < n; ++i) t.values.push_back(x[static_cast<std::size_t>(i * d + 1)]);
  ModelShape shape;
  shape.n_features = 3;
  shape.hidden = {2, 2};
  Params<float> net = hand_network(shape);
  net.weight[0] = {1, -1, 0, 0, 0, 0};  // candidate 0 -> (x, -x); candidates 1, 2 -> nothing
  net.weight[1] = {1, 0, 0, 1};
  net.weight[2] = {1, -1};
  Config cfg;
  cfg.hidden = shape.hidden;
  int calls = 0;
  std::vector<std::int64_t> rows_seen;
  const ValidationOutcome v = validate_candidates(cfg, x.data(), n, d, t, {1, 3, 4}, fixed(net, &calls, &rows_seen));
  EXPECT_TRUE(v.tested);
  EXPECT_EQ(v.kept, (std::vector<int>{1}));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(rows_seen, (std::vector<std::int64_t>{150, 150}));
}

/// Two copies of one column and y = relu(x): the network max(x_a, x_b, 0) needs either copy but
/// not both. Testing both at once would drop both; removing the weaker first keeps one.
TEST(Validation, KeepsOneOfTwoRedundantCopies) {
  const std::int64_t n = 400, d = 4;
  std::vector<float> x = gaussian(n, d, 3);
  Targets t;
  t.classification = false;
  t.n_outputs = 1;
  for (std::int64_t i = 0; i < n; ++i) {
    float& a = x[static_cast<std::size_t>(i * d)];
    x[static_cast<std::size_t>(i * d + 2)] = a;  // column 2 copies column 0
    t.values.push_back(std::max(a, 0.0F));
  }
  ModelShape shape;
  shape.n_features = 2;  // candidates {0, 2}
  shape.hidden = {3, 1};
  Params<float> net = hand_network(shape);
  // h = (relu(x_a), relu(-x_a), relu(x_b - x_a)); out = relu(h0 - h1 + h2) = max(x_a, x_b, 0)
  net.weight[0] = {1, -1, -1, 0, 0, 1};
  net.weight[1] = {1, -1, 1};
  net.weight[2] = {1};
  Config cfg;
  cfg.hidden = shape.hidden;
  int calls = 0;
  std::vector<std::int64_t> rows_seen;
  const ValidationOutcome v = validate_candidates(cfg, x.data(), n, d, t, {0, 2}, fixed(net, &calls, &rows_seen));
  ASSERT_EQ(v.kept.size(), 1U);
  EXPECT_EQ(v.kept[0], 2);  // equal evidence: the lower index goes first, the copy stays
}

TEST(Validation, TooFewRowsKeepTheCandidates) {
  const std::vector<float> x = gaussian(10, 3, 1);
  Targets t;
  t.classification = true;
  t.labels = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
  t.class_weight = {1, 1};
  t.n_outputs = 2;
  int calls = 0;
  std::vector<std::int64_t> rows_seen;
  ModelShape shape;
  shape.n_features = 2;
  const ValidationOutcome v =
      validate_candidates(Config{}, x.data(), 10, 3, t, {0, 2}, fixed(hand_network(shape), &calls, &rows_seen));
  EXPECT_FALSE(v.tested);
  EXPECT_EQ(v.kept, (std::vector<int>{0, 2}));
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace gfs::detail
