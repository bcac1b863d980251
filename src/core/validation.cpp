/// @file validation.cpp
/// @brief The held-out test behind support rule "validated" (see validation.hpp).
#include "core/validation.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/shuffle.hpp"
#include "kernels/math.hpp"
#include "kernels/philox.hpp"

namespace gfs::detail {
namespace {

/// The split's own Philox stream, apart from training, scoring, init and shuffling.
constexpr std::uint64_t kSplitStream = kern::kShuffleStream | (1ULL << 61);
/// The validation networks' seeds: the fit's seed moved by a fixed odd constant per half.
constexpr std::uint64_t kSeedStride = 0x9E3779B97F4A7C15ULL;
/// The validation networks' mask logits: 0, where the Gumbel-Sigmoid mask is most random (the
/// initial state of a fit). Logits of 2, 4 and 10 kept the same features on the demo data.
constexpr double kFrozenLogit = 0.0;
/// Per round, remove the weakest 1/8 of the failing candidates (at least one); while more than
/// kManyFailing fail or more than kManyActive remain, the weakest half (a short fit leaves
/// thousands of candidates, and each round costs |candidates| x N forward passes of the network).
constexpr std::size_t kRemoveShare = 8;
constexpr std::size_t kManyFailing = 64;
constexpr std::size_t kManyActive = 256;

/// E[sigma((logit + g) / tau)] for standard Gumbel g: the mean of a mask whose logit is frozen, the
/// scale the networks saw each column at (dropout's rule: evaluate with the expected mask).
double expected_mask(double tau, double logit) {
  constexpr int kPoints = 4096;  // midpoint rule over u in (0, 1); error far below float's
  double sum = 0;
  for (int i = 0; i < kPoints; ++i)
    sum += kern::gumbel_sigmoid_mask(logit, kern::gumbel_noise((i + 0.5) / kPoints), tau);
  return sum / kPoints;
}

/// Rows 0..n-1 in an order drawn from the seed (on the split stream).
std::vector<std::int64_t> split_order(std::int64_t n, std::uint64_t seed) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  philox_shuffle(order, seed, kSplitStream);
  return order;
}

/// The hot loops of the test are cloned per instruction set (the CPU backend's kernels are compiled
/// per instruction set too).
#define GFS_VALIDATION_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

/// Loss of one row from its first-layer pre-activation z0 [H0] (ReLU MLP, as in training).
/// `a` and `b` are scratch rows of at least the widest layer (resized here once).
GFS_VALIDATION_CLONES double loss_from_z0(const Params<double>& net, const ModelShape& shape, const double* z0,
                                          std::int64_t row, const Targets& t, std::vector<double>& a,
                                          std::vector<double>& b) {
  const int n_layers = shape.n_layers();
  const auto width = static_cast<std::size_t>(std::max(shape.max_width(), shape.fan_out(0)));
  if (a.size() < width) a.resize(width), b.resize(width);
  std::copy(z0, z0 + shape.fan_out(0), a.begin());
  for (int l = 1; l < n_layers; ++l) {
    const auto li = static_cast<std::size_t>(l);
    const auto fi = static_cast<std::size_t>(shape.fan_in(l));
    const auto fo = static_cast<std::size_t>(shape.fan_out(l));
    const double* __restrict in = a.data();
    double* __restrict out = b.data();
    const double* __restrict bias = net.bias[li].data();
    for (std::size_t o = 0; o < fo; ++o) out[o] = bias[o];
    for (std::size_t k = 0; k < fi; ++k) {
      const double h = std::max(in[k], 0.0);  // ReLU of the previous layer
      const double* __restrict w = net.weight[li].data() + k * fo;
      for (std::size_t o = 0; o < fo; ++o) out[o] += h * w[o];
    }
    a.swap(b);
  }
  const auto n_out = static_cast<std::size_t>(shape.n_outputs);
  const auto r = static_cast<std::size_t>(row);
  if (t.classification) {
    const auto label = static_cast<std::size_t>(t.labels[r]);
    double top = a[0];
    for (std::size_t o = 1; o < n_out; ++o) top = std::max(top, a[o]);
    double sum = 0;
    for (std::size_t o = 0; o < n_out; ++o) sum += std::exp(a[o] - top);
    return t.class_weight[label] * (top + std::log(sum) - a[label]);
  }
  double se = 0;
  for (std::size_t o = 0; o < n_out; ++o) {
    const double d = a[o] - t.values[r * n_out + o];
    se += d * d;
  }
  return se / static_cast<double>(n_out);
}

/// z0 = b0 + sum over the active columns k of x_k * w0_scaled[k].
GFS_VALIDATION_CLONES void first_layer(const Params<double>& net, const std::vector<double>& w0_scaled,
                                       const float* x_row, const std::vector<char>& active, int h0, double* z0) {
  for (int o = 0; o < h0; ++o) z0[o] = net.bias[0][static_cast<std::size_t>(o)];
  for (std::size_t k = 0; k < active.size(); ++k) {
    if (!active[k] || x_row[k] == 0.0F) continue;
    const double v = x_row[k];
    const double* w = w0_scaled.data() + k * static_cast<std::size_t>(h0);
    for (int o = 0; o < h0; ++o) z0[o] += v * w[o];
  }
}

/// One half's network with its held-out rows (candidate columns only).
struct HeldOut {
  Params<double> net;              ///< the trained network, in double for the loss differences
  std::vector<double> w0_scaled;   ///< [C, H0] = mean mask * W0
  std::vector<float> x;            ///< [rows, C] held-out rows
  std::vector<std::int64_t> rows;  ///< their row numbers in the fit's data (for the targets)
  std::vector<double> z0;          ///< [rows, H0] with every active column
  std::vector<double> base_loss;   ///< [rows]
};

/// Copies rows `rows` of x [*, n_features], columns `cols`, into [rows, cols].
std::vector<float> gather(const float* x, std::int64_t n_features, const std::vector<std::int64_t>& rows,
                          const std::vector<int>& cols) {
  std::vector<float> out(rows.size() * cols.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t k = 0; k < cols.size(); ++k) out[i * cols.size() + k] = x[rows[i] * n_features + cols[k]];
  return out;
}

/// The targets of rows `rows` (classification keeps every class and its weight).
Targets subset(const Targets& t, const std::vector<std::int64_t>& rows) {
  Targets s;
  s.classification = t.classification;
  s.class_weight = t.class_weight;
  s.n_outputs = t.n_outputs;
  const auto n_out = static_cast<std::size_t>(t.n_outputs);
  for (std::int64_t r : rows) {
    const auto ri = static_cast<std::size_t>(r);
    if (t.classification) {
      s.labels.push_back(t.labels[ri]);
    } else {
      s.values.insert(s.values.end(), t.values.begin() + static_cast<std::ptrdiff_t>(ri * n_out),
                      t.values.begin() + static_cast<std::ptrdiff_t>((ri + 1) * n_out));
    }
  }
  return s;
}

/// Recomputes z0 and the base losses of every held-out row with the current active set.
GFS_VALIDATION_CLONES void refresh(HeldOut& h, const ModelShape& shape, const Targets& t,
                                   const std::vector<char>& active, int threads) {
  const int h0 = shape.fan_out(0);
  const auto n = static_cast<std::int64_t>(h.rows.size());
  const auto C = static_cast<std::size_t>(shape.n_features);
  h.z0.assign(static_cast<std::size_t>(n) * static_cast<std::size_t>(h0), 0.0);
  h.base_loss.assign(static_cast<std::size_t>(n), 0.0);
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> a, b;
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const auto ii = static_cast<std::size_t>(i);
      double* z0 = h.z0.data() + ii * static_cast<std::size_t>(h0);
      first_layer(h.net, h.w0_scaled, h.x.data() + ii * C, active, h0, z0);
      h.base_loss[ii] = loss_from_z0(h.net, shape, z0, h.rows[ii], t, a, b);
    }
  }
}

/// One-sided z of "dropping column j raises the held-out loss", over both halves' rows.
GFS_VALIDATION_CLONES double drop_z(const std::vector<HeldOut>& halves, const ModelShape& shape, const Targets& t,
                                    std::size_t j, std::vector<double>& z, std::vector<double>& a,
                                    std::vector<double>& b) {
  const int h0 = shape.fan_out(0);
  const auto C = static_cast<std::size_t>(shape.n_features);
  double sum = 0, sum_sq = 0, base_sum = 0;
  std::int64_t n = 0;
  for (const HeldOut& h : halves) {
    const double* w = h.w0_scaled.data() + j * static_cast<std::size_t>(h0);
    for (std::size_t i = 0; i < h.rows.size(); ++i) {
      const double v = h.x[i * C + j];
      const double* base = h.z0.data() + i * static_cast<std::size_t>(h0);
      double d = 0;
      if (v != 0.0) {
        z.assign(base, base + h0);
        for (int o = 0; o < h0; ++o) z[static_cast<std::size_t>(o)] -= v * w[o];
        d = loss_from_z0(h.net, shape, z.data(), h.rows[i], t, a, b) - h.base_loss[i];
      }
      sum += d;
      sum_sq += d * d;
      base_sum += std::fabs(h.base_loss[i]);
      ++n;
    }
  }
  const double mean = sum / static_cast<double>(n);
  // A change at the level of rounding (a column the network ignores) is no evidence either way.
  constexpr double kRoundingLevel = 1e-9;
  if (std::fabs(mean) <= kRoundingLevel * (base_sum / static_cast<double>(n)) + 1e-300) return 0.0;
  const double var = std::max(sum_sq / static_cast<double>(n) - mean * mean, 0.0);
  if (var == 0.0) return mean > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  return mean / std::sqrt(var / static_cast<double>(n));
}

}  // namespace

std::vector<double> row_losses(const Params<float>& net, const ModelShape& shape, const std::vector<double>& w0_scaled,
                               const float* x, const std::vector<std::int64_t>& rows, const Targets& targets) {
  const int h0 = shape.fan_out(0);
  const auto C = static_cast<std::size_t>(shape.n_features);
  const std::vector<char> active(C, 1);
  const Params<double> netd = net.cast<double>();
  std::vector<double> z0(static_cast<std::size_t>(h0)), a, b, out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    first_layer(netd, w0_scaled, x + i * C, active, h0, z0.data());
    out.push_back(loss_from_z0(netd, shape, z0.data(), rows[i], targets, a, b));
  }
  return out;
}

ValidationOutcome validate_candidates(const Config& config, const float* x, std::int64_t n_rows,
                                      std::int64_t n_features, const Targets& targets,
                                      const std::vector<int>& candidates, const NetworkTrainer& train_network) {
  ValidationOutcome out;
  out.kept = candidates;
  const std::int64_t half = n_rows / 2;
  if (half < kMinValidationRows) return out;
  out.tested = true;
  if (candidates.empty()) return out;

  const std::vector<std::int64_t> order = split_order(n_rows, config.seed);
  std::vector<std::int64_t> part[2] = {{order.begin(), order.begin() + half}, {order.begin() + half, order.end()}};
  for (auto& p : part) std::sort(p.begin(), p.end());

  ModelShape shape;
  shape.n_features = static_cast<std::int64_t>(candidates.size());
  shape.embedding_dim = config.embedding_dim;
  shape.hidden = config.hidden;
  shape.n_outputs = targets.n_outputs;

  // The networks: the fit's task network and schedule, masks frozen at logit 0, no penalty.
  Config sub = config;
  sub.lambda = 0.0F;
  sub.penalty = Penalty::kRaw;
  sub.penalty_warmup = 0.0F;
  sub.lr_mask = 0.0F;
  sub.train_embedding = false;
  sub.record_probabilities = false;
  sub.support = SupportRule::kMajority;
  const double tau_last = config.tau0 * std::pow(static_cast<double>(config.tau_decay), config.epochs - 1);
  const double mask_mean = expected_mask(tau_last, kFrozenLogit);

  std::vector<HeldOut> halves(2);
  for (int a = 0; a < 2; ++a) {
    const std::vector<std::int64_t>& train_rows = part[a];
    const std::vector<std::int64_t>& test_rows = part[1 - a];
    sub.seed = config.seed + kSeedStride * static_cast<std::uint64_t>(a + 1);
    sub.batch_size =
        static_cast<int>(std::min<std::int64_t>(config.batch_size, static_cast<std::int64_t>(train_rows.size())));
    Params<float> init = initial_params(shape, sub.seed);
    std::fill(init.mask_weight.begin(), init.mask_weight.end(), 0.0F);
    std::fill(init.mask_bias.begin(), init.mask_bias.end(), static_cast<float>(kFrozenLogit));
    const std::vector<float> x_train = gather(x, n_features, train_rows, candidates);
    const Targets t_train = subset(targets, train_rows);
    HeldOut& h = halves[static_cast<std::size_t>(a)];
    h.net = train_network(sub, x_train.data(), static_cast<std::int64_t>(train_rows.size()), shape, t_train, init)
                .cast<double>();
    h.w0_scaled.assign(h.net.weight[0].begin(), h.net.weight[0].end());
    for (double& w : h.w0_scaled) w *= mask_mean;
    h.x = gather(x, n_features, test_rows, candidates);
    h.rows = test_rows;
  }

  std::vector<char> active(candidates.size(), 1);
  const int threads = config.threads > 0 ? config.threads : omp_get_max_threads();
  for (;;) {
    for (HeldOut& h : halves) refresh(h, shape, targets, active, threads);
    std::vector<double> z(candidates.size(), std::numeric_limits<double>::infinity());
#pragma omp parallel num_threads(threads)
    {
      std::vector<double> buf, a, b;
#pragma omp for schedule(dynamic)
      for (std::size_t j = 0; j < candidates.size(); ++j)
        if (active[j]) z[j] = drop_z(halves, shape, targets, j, buf, a, b);
    }
    std::vector<std::size_t> failing;
    for (std::size_t j = 0; j < candidates.size(); ++j)
      if (active[j] && z[j] < config.validation_z) failing.push_back(j);
    if (failing.empty()) break;
    std::stable_sort(failing.begin(), failing.end(), [&](std::size_t p, std::size_t q) { return z[p] < z[q]; });
    const auto n_active = static_cast<std::size_t>(std::count(active.begin(), active.end(), 1));
    const std::size_t share = failing.size() > kManyFailing || n_active > kManyActive ? 2 : kRemoveShare;
    const std::size_t remove = std::max<std::size_t>(1, failing.size() / share);
    for (std::size_t r = 0; r < remove; ++r) active[failing[r]] = 0;
  }
  out.kept.clear();
  for (std::size_t j = 0; j < candidates.size(); ++j)
    if (active[j]) out.kept.push_back(candidates[j]);
  return out;
}

#undef GFS_VALIDATION_CLONES

}  // namespace gfs::detail
