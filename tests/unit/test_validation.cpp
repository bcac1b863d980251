// The held-out test behind support rule "validated" (src/core/validation.cpp) and the evidence
// it reads from a backend (train::Backend::column_evidence).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <random>

#include "backends/backends.hpp"
#include "core/validation.hpp"
#include "synthetic.hpp"

namespace gfs::detail {
namespace {

using test::gaussian;

using train::ModelShape;
using train::Params;
using train::Targets;

/// A network whose parameters the test writes by hand (mask blocks unused by the test).
Params<float> hand_network(const ModelShape& shape) { return Params<float>(shape); }

void set(train::Span<float> block, std::initializer_list<float> values) {
  ASSERT_EQ(block.size(), values.size());
  std::copy(values.begin(), values.end(), block.begin());
}

/// A CPU backend that holds `net` without training it (its data are x [n, shape.n_features]).
std::unique_ptr<train::Backend> holding(const Params<float>& net, const float* x, std::int64_t n, const Targets& t) {
  auto backend = make_cpu_backend(1);
  const train::TrainState state(net);
  train::TrainSetup setup;
  setup.x = x;
  setup.n_rows = n;
  setup.shape = net.shape();
  setup.features = train::FeatureBlock::whole(net.shape().n_features);
  setup.targets = &t;
  setup.state = &state;
  setup.plan.batch_size = 1;
  backend->setup(setup);
  return backend;
}

/// `net` (a network of the candidates' columns) restricted to `columns`, a subset of them: the first
/// layer's rows of the other columns are left out, every later layer is copied.
Params<float> restricted(const Params<float>& net, const std::vector<int>& candidates,
                         const std::vector<int>& columns) {
  ModelShape shape = net.shape();
  shape.n_features = static_cast<std::int64_t>(columns.size());
  Params<float> out(shape);
  const auto fan = static_cast<std::size_t>(shape.fan_out(0));
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const auto at =
        static_cast<std::size_t>(std::find(candidates.begin(), candidates.end(), columns[k]) - candidates.begin());
    EXPECT_LT(at, candidates.size()) << "column " << columns[k] << " is not a candidate";
    for (std::size_t a = 0; a < fan; ++a) out.weight[0][k * fan + a] = net.weight[0][at * fan + a];
  }
  for (std::size_t l = 0; l < net.bias.size(); ++l) {
    std::copy(net.bias[l].begin(), net.bias[l].end(), out.bias[l].begin());
    if (l > 0) std::copy(net.weight[l].begin(), net.weight[l].end(), out.weight[l].begin());
  }
  return out;
}

/// A trainer that ignores the data and returns a backend holding a fixed network of the
/// candidates (the test's hypothesis), restricted to the columns it is asked to train on.
NetworkTrainer fixed(const Params<float>& net, const std::vector<int>& candidates, int* calls,
                     std::vector<std::int64_t>* rows_seen) {
  auto lock = std::make_shared<std::mutex>();  // the two halves' networks train side by side
  return [net, candidates, calls, rows_seen, lock](const train::Plan& plan, const float* x, std::int64_t n,
                                                   const std::vector<int>& columns, const ModelShape& shape,
                                                   const Targets& t, const Params<float>& init, int threads) {
    const std::lock_guard<std::mutex> hold(*lock);
    EXPECT_GE(threads, 1);
    EXPECT_FLOAT_EQ(plan.lambda, 0.0F);
    EXPECT_FLOAT_EQ(plan.lr_mask, 0.0F);
    EXPECT_EQ(plan.warmup_epochs, 0);
    EXPECT_FALSE(plan.train_embedding);
    for (float b : init.mask_bias) EXPECT_EQ(b, 0.0F);  // masks frozen at logit 0
    EXPECT_EQ(static_cast<std::size_t>(shape.n_features), columns.size());
    ++*calls;
    rows_seen->push_back(n);
    return holding(restricted(net, candidates, columns), x, n, t);
  };
}

/// The loss of one row of x [*, 3] under a hand-written forward pass in double (first layer scaled
/// by `scale`, column `drop` replaced by 0 unless -1).
double direct_loss(const Params<float>& net, const float* row, double scale, int drop, const Targets& t,
                   std::int64_t target_row) {
  double h1[4], h2[2], o[3];
  for (int a = 0; a < 4; ++a) {
    double z = net.bias[0][a];
    for (int k = 0; k < 3; ++k)
      if (k != drop) z += row[k] * scale * double(net.weight[0][k * 4 + a]);
    h1[a] = z > 0 ? z : 0;
  }
  for (int b = 0; b < 2; ++b) {
    double z = net.bias[1][b];
    for (int a = 0; a < 4; ++a) z += h1[a] * net.weight[1][a * 2 + b];
    h2[b] = z > 0 ? z : 0;
  }
  const int n_out = t.n_outputs;
  for (int c = 0; c < n_out; ++c) {
    o[c] = net.bias[2][c];
    for (int b = 0; b < 2; ++b) o[c] += h2[b] * net.weight[2][b * n_out + c];
  }
  const auto r = static_cast<std::size_t>(target_row);
  if (t.survival) return o[0];  // the risk score; the Cox terms couple the rows
  if (t.classification) {
    const int label = t.labels[r];
    const double lse = std::log(std::exp(o[0]) + std::exp(o[1]) + std::exp(o[2]));
    return t.class_weight[static_cast<std::size_t>(label)] * (lse - o[label]);
  }
  double se = 0;
  for (int c = 0; c < n_out; ++c) se += (o[c] - t.values[r * n_out + c]) * (o[c] - t.values[r * n_out + c]);
  return se / n_out;
}

/// The evidence a backend reports equals the loss differences of a direct forward pass, for
/// class-weighted cross-entropy and for a two-output mean squared error; inactive columns are
/// left out of the base loss.
TEST(Validation, ColumnEvidenceMatchesADirectForwardPass) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> uni(-1, 1);
  const std::vector<float> x = gaussian(6, 3, 2);
  const std::vector<std::int64_t> rows = {7, 1, 2, 3, 4, 5};  // row numbers select the targets
  Targets ce;
  ce.classification = true;
  ce.labels = {0, 2, 1, 1, 0, 2, 1, 0};
  ce.class_weight = {1.0F, 2.0F, 0.5F};
  ce.n_outputs = 3;
  Targets mse;
  mse.classification = false;
  mse.n_outputs = 2;
  for (int i = 0; i < 16; ++i) mse.values.push_back(uni(rng));
  for (const Targets* t : {&ce, &mse}) {
    ModelShape shape;
    shape.n_features = 3;
    shape.hidden = {4, 2};
    shape.n_outputs = t->n_outputs;
    Params<float> net = hand_network(shape);
    net.for_each_block([&](train::Span<float> v) {
      for (float& w : v) w = uni(rng);
    });
    auto backend = holding(net, x.data(), 6, *t);
    const train::HeldOutRows held{x.data(), rows.data(), 6, t, 0.7};
    for (const std::vector<char>& active : {std::vector<char>{1, 1, 1}, std::vector<char>{1, 0, 1}}) {
      train::ColumnEvidence ev;
      backend->column_evidence(held, active, 2, ev);
      ASSERT_EQ(ev.sum.size(), 3U);
      EXPECT_EQ(ev.n_rows, 6);
      const int off = active[1] ? -1 : 1;  // an inactive column is already dropped
      double base_abs = 0;
      for (int j = 0; j < 3; ++j) {
        double sum = 0, sum_sq = 0;
        for (std::size_t i = 0; i < 6; ++i) {
          const double base = direct_loss(net, &x[i * 3], 0.7, off, *t, rows[i]);
          if (j == 0) base_abs += std::abs(base);
          // Dropping column j on top of the inactive one (a 3-column network: drop both by hand).
          double dropped = 0;
          if (off < 0) {
            dropped = direct_loss(net, &x[i * 3], 0.7, j, *t, rows[i]);
          } else {
            float row[3] = {x[i * 3], x[i * 3 + 1], x[i * 3 + 2]};
            row[off] = 0;
            dropped = direct_loss(net, row, 0.7, j, *t, rows[i]);
          }
          sum += dropped - base;
          sum_sq += (dropped - base) * (dropped - base);
        }
        if (!active[static_cast<std::size_t>(j)]) {
          EXPECT_EQ(ev.sum[static_cast<std::size_t>(j)], 0.0);
          continue;
        }
        EXPECT_NEAR(ev.sum[static_cast<std::size_t>(j)], sum, 1e-12) << "column " << j;
        EXPECT_NEAR(ev.sum_sq[static_cast<std::size_t>(j)], sum_sq, 1e-12) << "column " << j;
      }
      EXPECT_NEAR(ev.base_abs_sum, base_abs, 1e-12);
    }
  }
}

/// Survival: the evidence is every held-out row's Cox term over all held-out rows, from the
/// risk scores of a direct forward pass, against the per-batch math of the training step
/// (kern::cox_denominator / cox_row over the same rows), with ties, under Breslow and Efron.
TEST(Validation, SurvivalEvidenceIsTheCoxTermsOfTheHeldOutRows) {
  std::mt19937 rng(8);
  std::uniform_real_distribution<float> uni(-1, 1);
  const int n = 7;
  const std::vector<float> x = gaussian(n, 3, 4);
  const std::vector<std::int64_t> rows = {8, 1, 2, 3, 4, 5, 6};
  for (const kern::CoxTies ties : {kern::CoxTies::kBreslow, kern::CoxTies::kEfron}) {
    Targets t;
    t.classification = false;
    t.survival = true;
    t.ties = ties;
    t.time = {9, 2, 1, 2, 3, 2, 5, 7, 2};  // rows 1, 3, 5 and 8 tie at 2
    t.event = {0, 1, 1, 1, 0, 0, 1, 1, 1};
    ModelShape shape;
    shape.n_features = 3;
    shape.hidden = {4, 2};
    shape.n_outputs = 1;
    Params<float> net = hand_network(shape);
    net.for_each_block([&](train::Span<float> v) {
      for (float& w : v) w = uni(rng);
    });
    auto backend = holding(net, x.data(), n, t);
    const train::HeldOutRows held{x.data(), rows.data(), n, &t, 0.7};
    train::ColumnEvidence ev;
    backend->column_evidence(held, {1, 1, 1}, 2, ev);
    std::vector<double> time(n), event(n);
    for (int i = 0; i < n; ++i) {
      time[static_cast<std::size_t>(i)] = t.time[static_cast<std::size_t>(rows[static_cast<std::size_t>(i)])];
      event[static_cast<std::size_t>(i)] = t.event[static_cast<std::size_t>(rows[static_cast<std::size_t>(i)])];
    }
    const auto terms = [&](int drop) {
      std::vector<double> eta(n), denom(n), share(n), out(n);
      for (int i = 0; i < n; ++i) eta[static_cast<std::size_t>(i)] = direct_loss(net, &x[static_cast<std::size_t>(i) * 3], 0.7, drop, t, 0);
      const double shift = kern::cox_shift(eta.data(), n);
      for (int i = 0; i < n; ++i)
        denom[static_cast<std::size_t>(i)] =
            kern::cox_denominator(eta.data(), time.data(), event.data(), n, i, shift, ties, &share[static_cast<std::size_t>(i)]);
      for (int i = 0; i < n; ++i)
        out[static_cast<std::size_t>(i)] =
            kern::cox_row(eta.data(), time.data(), event.data(), denom.data(), share.data(), n, i, shift, 1.0, static_cast<double*>(nullptr));
      return out;
    };
    const std::vector<double> base = terms(-1);
    double base_abs = 0;
    for (double b : base) base_abs += std::abs(b);
    EXPECT_NEAR(ev.base_abs_sum, base_abs, 1e-12);
    for (int j = 0; j < 3; ++j) {
      const std::vector<double> dropped = terms(j);
      double sum = 0, sum_sq = 0;
      for (int i = 0; i < n; ++i) {
        const double d = dropped[static_cast<std::size_t>(i)] - base[static_cast<std::size_t>(i)];
        sum += d;
        sum_sq += d * d;
      }
      EXPECT_NEAR(ev.sum[static_cast<std::size_t>(j)], sum, 1e-12) << "column " << j;
      EXPECT_NEAR(ev.sum_sq[static_cast<std::size_t>(j)], sum_sq, 1e-12) << "column " << j;
    }
  }
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
  set(net.weight[0], {1, -1, 0, 0, 0, 0});  // candidate 0 -> (x, -x); candidates 1, 2 -> nothing
  set(net.weight[1], {1, 0, 0, 1});
  set(net.weight[2], {1, -1});
  Config cfg;
  cfg.hidden = shape.hidden;
  int calls = 0;
  std::vector<std::int64_t> rows_seen;
  const std::vector<int> candidates{1, 3, 4};
  const ValidationOutcome v = validate_candidates(cfg, make_fit_plan(cfg, n, d, t.n_outputs), x.data(), n, d, t,
                                                  candidates, fixed(net, candidates, &calls, &rows_seen));
  EXPECT_TRUE(v.tested);
  EXPECT_EQ(v.kept, (std::vector<int>{1}));
  // Two networks on the three candidates, not trained again: they saw 3 of 5 columns (a narrow
  // table, whose candidates are mostly real).
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(rows_seen, (std::vector<std::int64_t>{150, 150}));
}

/// y = x_3; candidates {0, 1, 2, 3} of a wide table (40 columns). The networks trained on all
/// four candidates ignore every column (as a network spreading its weight over many columns may
/// lean on none): each fails the test. Trained again on the half left, they use column 3, which
/// then passes; without the retraining every candidate is dropped, as happens when the
/// candidates are more than 1/8 of the table's columns (then they are not retrained).
TEST(Validation, RetrainsOnTheRemainingCandidatesOfAWideTable) {
  for (const std::int64_t d : {40, 4}) {
    const std::int64_t n = 300;
    const std::vector<float> x = gaussian(n, d, 17);
    Targets t;
    t.classification = false;
    t.n_outputs = 1;
    for (std::int64_t i = 0; i < n; ++i) t.values.push_back(x[static_cast<std::size_t>(i * d + 3)]);
    std::vector<std::size_t> widths;
    std::mutex lock;  // the two halves' networks train side by side
    const NetworkTrainer trainer = [&widths, &lock](const train::Plan&, const float* xs, std::int64_t rows,
                                                    const std::vector<int>& columns, const ModelShape& shape,
                                                    const Targets& tt, const Params<float>&, int) {
      const std::lock_guard<std::mutex> hold(lock);
      widths.push_back(columns.size());
      Params<float> net = hand_network(shape);
      const auto at = static_cast<std::size_t>(std::find(columns.begin(), columns.end(), 3) - columns.begin());
      if (columns.size() < 4 && at < columns.size()) {  // pass column 3 through: (x, -x) -> x
        net.weight[0][at * 2] = 1;
        net.weight[0][at * 2 + 1] = -1;
        set(net.weight[1], {1, 0, 0, 1});
        set(net.weight[2], {1, -1});
      }
      return holding(net, xs, rows, tt);
    };
    Config cfg;
    cfg.hidden = {2, 2};
    const ValidationOutcome v =
        validate_candidates(cfg, make_fit_plan(cfg, n, d, t.n_outputs), x.data(), n, d, t, {0, 1, 2, 3}, trainer);
    if (d == 40) {
      EXPECT_EQ(v.kept, (std::vector<int>{3}));
      // Both halves on 4 columns, on the 2 left once half were gone, on the last one.
      EXPECT_EQ(widths, (std::vector<std::size_t>{4, 4, 2, 2, 1, 1}));
    } else {
      EXPECT_TRUE(v.kept.empty());
      EXPECT_EQ(widths, (std::vector<std::size_t>{4, 4}));
    }
  }
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
  set(net.weight[0], {1, -1, -1, 0, 0, 1});
  set(net.weight[1], {1, -1, 1});
  set(net.weight[2], {1});
  Config cfg;
  cfg.hidden = shape.hidden;
  int calls = 0;
  std::vector<std::int64_t> rows_seen;
  const std::vector<int> candidates{0, 2};
  const ValidationOutcome v = validate_candidates(cfg, make_fit_plan(cfg, n, d, t.n_outputs), x.data(), n, d, t,
                                                  candidates, fixed(net, candidates, &calls, &rows_seen));
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
  const ValidationOutcome v = validate_candidates(Config{}, make_fit_plan(Config{}, 10, 3, t.n_outputs), x.data(), 10,
                                                  3, t, {0, 2}, fixed(hand_network(shape), {0, 2}, &calls, &rows_seen));
  EXPECT_FALSE(v.tested);
  EXPECT_EQ(v.kept, (std::vector<int>{0, 2}));
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace gfs::detail
