/// @file validation.cpp
/// @brief The held-out test behind support rule "validated" (see validation.hpp).
#include "core/validation.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <future>
#include <limits>
#include <numeric>

#include "core/known_columns.hpp"
#include "core/plan.hpp"
#include "gfs/error.hpp"
#include "kernels/math.hpp"
#include "kernels/philox.hpp"
#include "train/schedule.hpp"
#include "train/shuffle.hpp"

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
/// When the networks saw at most 1/kRefitShare of the fit's columns (a wide table, whose
/// candidates are mostly the penalty's chance survivors), they are trained again on the
/// remaining candidates once these are 1/kRefitShrink of the columns they saw, and before the
/// answer; at most kMaxRefits times. At width the refits raised the precision (products,
/// D = 10^3: 0.93 without, 1.00 with); where the candidates are a large share of a narrow table
/// they are mostly real, and retraining on fewer dropped weak real ones (diabetes, D = 20: 4.8
/// of its 10 kept without, 2.6 with; MSE 3257 against 3304).
constexpr std::size_t kRefitShare = 8;
constexpr std::size_t kRefitShrink = 2;
constexpr int kMaxRefits = 12;

/// Rows 0..n-1 in an order drawn from the seed (on the split stream).
std::vector<std::int64_t> split_order(std::int64_t n, std::uint64_t seed) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  train::philox_shuffle(order, seed, kSplitStream);
  return order;
}

/// Copies rows `rows` of x [*, n_features], columns `cols`, into [rows, cols].
std::vector<float> gather(const float* x, std::int64_t n_features, const std::vector<std::int64_t>& rows,
                          const std::vector<int>& cols) {
  std::vector<float> out(rows.size() * cols.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t k = 0; k < cols.size(); ++k) out[i * cols.size() + k] = x[rows[i] * n_features + cols[k]];
  return out;
}

/// The targets of rows `rows` (classification keeps every class and its weight, survival its ties).
train::Targets subset(const train::Targets& t, const std::vector<std::int64_t>& rows) {
  train::Targets s;
  s.classification = t.classification;
  s.class_weight = t.class_weight;
  s.n_outputs = t.n_outputs;
  s.survival = t.survival;
  s.ties = t.ties;
  const auto n_out = static_cast<std::size_t>(t.n_outputs);
  for (std::int64_t r : rows) {
    const auto ri = static_cast<std::size_t>(r);
    if (t.survival) {
      s.time.push_back(t.time[ri]);
      s.event.push_back(t.event[ri]);
    } else if (t.classification) {
      s.labels.push_back(t.labels[ri]);
    } else {
      s.values.insert(s.values.end(), t.values.begin() + static_cast<std::ptrdiff_t>(ri * n_out),
                      t.values.begin() + static_cast<std::ptrdiff_t>((ri + 1) * n_out));
    }
  }
  return s;
}

/// One half: the network trained on it (held by its backend) and the other half's rows.
struct Half {
  std::vector<float> x_train;
  train::Targets t_train;
  std::unique_ptr<train::Backend> network;
  std::vector<float> x_test;       ///< [rows, C]
  std::vector<std::int64_t> rows;  ///< their row numbers in the fit's data (for the targets)
};

/// One-sided z of "dropping column j raises the held-out loss", over both halves' rows.
double drop_z(const train::ColumnEvidence (&ev)[2], std::size_t j) {
  const double n = static_cast<double>(ev[0].n_rows + ev[1].n_rows);
  const double sum = ev[0].sum[j] + ev[1].sum[j];
  const double sum_sq = ev[0].sum_sq[j] + ev[1].sum_sq[j];
  const double base_sum = ev[0].base_abs_sum + ev[1].base_abs_sum;
  const double mean = sum / n;
  // A change at the level of rounding (a column the network ignores) is no evidence either way.
  constexpr double kRoundingLevel = 1e-9;
  if (std::fabs(mean) <= kRoundingLevel * (base_sum / n) + 1e-300) return 0.0;
  const double var = std::max(sum_sq / n - mean * mean, 0.0);
  if (var == 0.0) return mean > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  return mean / std::sqrt(var / n);
}

}  // namespace

double expected_mask(double tau, double logit) {
  constexpr int kPoints = 4096;  // midpoint rule over u in (0, 1); error far below float's
  double sum = 0;
  for (int i = 0; i < kPoints; ++i)
    sum += kern::gumbel_sigmoid_mask(logit, kern::gumbel_noise((i + 0.5) / kPoints), tau);
  return sum / kPoints;
}

ValidationOutcome validate_candidates(const Config& config, const FitPlan& fit, const float* x, std::int64_t n_rows,
                                      std::int64_t n_features, const train::Targets& targets,
                                      const std::vector<int>& candidates, const NetworkTrainer& train_network,
                                      const std::vector<int>* x_columns, const std::vector<double>* min_z) {
  ValidationOutcome out;
  out.kept = candidates;
  const std::int64_t half = n_rows / 2;
  if (half < kMinValidationRows) return out;
  out.tested = true;
  if (candidates.empty()) return out;

  // Where each candidate sits in x, and x's row stride.
  std::vector<int> in_x = candidates;
  std::int64_t stride = n_features;
  if (x_columns != nullptr) {
    stride = static_cast<std::int64_t>(x_columns->size());
    for (int& c : in_x) {
      const auto it = std::lower_bound(x_columns->begin(), x_columns->end(), c);
      if (it == x_columns->end() || *it != c)
        throw Error(ErrorCode::kInternal, "validation: candidate " + std::to_string(c) + " is not among x's columns");
      c = static_cast<int>(it - x_columns->begin());
    }
  }
  const std::vector<std::int64_t> order = split_order(n_rows, config.seed);
  std::vector<std::int64_t> part[2] = {{order.begin(), order.begin() + half}, {order.begin() + half, order.end()}};
  for (auto& p : part) std::sort(p.begin(), p.end());

  const train::Plan& fit_plan = fit.plan;
  // The networks: the fit's task network and schedule, masks frozen at logit 0, no penalty.
  train::Plan sub = fit_plan;
  sub.lambda = 0.0F;
  sub.penalty = kern::SelectPenalty::kMean;
  sub.warmup_epochs = 0;
  sub.lr_mask = 0.0F;
  sub.train_embedding = false;
  // They were trained at the fit's temperatures; they are scored at its last one.
  const double tau_last = fit.final_tau;
  const double mask_mean = expected_mask(tau_last, kFrozenLogit);

  const int threads = config.threads > 0 ? config.threads : omp_get_max_threads();
  // Trains both halves' networks on candidates `cols` (indices into `candidates`).
  Half halves[2];
  std::vector<std::size_t> trained_on;  // the candidates the networks were trained on
  auto train_networks = [&](const std::vector<std::size_t>& cols) {
    trained_on = cols;
    std::vector<int> columns, at;  // the fit's columns, and where they sit in x
    for (std::size_t c : cols) {
      columns.push_back(candidates[c]);
      at.push_back(in_x[c]);
    }
    train::ModelShape shape = fit.shape;  // the fit's task network on the candidates
    shape.n_features = static_cast<std::int64_t>(columns.size());
    const auto train_half = [&](int a, int half_threads) {
      const std::vector<std::int64_t>& train_rows = part[a];
      Half& h = halves[a];
      h.network.reset();
      train::Plan plan = sub;
      plan.seed = config.seed + kSeedStride * static_cast<std::uint64_t>(a + 1);
      plan.batch_size =
          static_cast<int>(std::min<std::int64_t>(fit_plan.batch_size, static_cast<std::int64_t>(train_rows.size())));
      train::Params<float> init = train::initial_params(shape, plan.seed);
      std::fill(init.mask_weight.begin(), init.mask_weight.end(), 0.0F);
      std::fill(init.mask_bias.begin(), init.mask_bias.end(), static_cast<float>(kFrozenLogit));
      h.x_train = gather(x, stride, train_rows, at);
      h.t_train = subset(targets, train_rows);
      h.network = train_network(plan, h.x_train.data(), static_cast<std::int64_t>(train_rows.size()), columns, shape,
                                h.t_train, init, half_threads);
      h.rows = part[1 - a];
      h.x_test = gather(x, stride, h.rows, at);
    };
    // The two networks are small (the candidates only): one thread each, side by side, keeps the
    // cores busier than two threads meeting at every step's barriers. A network's result does not
    // depend on its thread count (sums in fixed chunk order), so this changes no number.
    if (threads >= 2) {
      std::future<void> other = std::async(std::launch::async, train_half, 1, threads / 2);
      train_half(0, threads - threads / 2);
      other.get();
    } else {
      train_half(0, threads);
      train_half(1, threads);
    }
  };
  std::vector<std::size_t> all(candidates.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  train_networks(all);

  // active[j]: candidate j is still in; the networks see the columns trained_on (a superset).
  std::vector<char> active(candidates.size(), 1);
  for (int refits = 0;;) {
    std::vector<char> in_network(trained_on.size());
    for (std::size_t k = 0; k < trained_on.size(); ++k) in_network[k] = active[trained_on[k]];
    train::ColumnEvidence ev[2];
    for (int a = 0; a < 2; ++a) {
      const Half& h = halves[a];
      const train::HeldOutRows held{h.x_test.data(), h.rows.data(), static_cast<std::int64_t>(h.rows.size()), &targets,
                                    mask_mean};
      h.network->column_evidence(held, in_network, threads, ev[a]);
    }
    std::vector<double> z(candidates.size(), std::numeric_limits<double>::infinity());
    for (std::size_t k = 0; k < trained_on.size(); ++k)
      if (in_network[k]) z[trained_on[k]] = drop_z(ev, k);
    std::vector<std::size_t> failing;
    for (std::size_t j = 0; j < candidates.size(); ++j)
      if (active[j] && z[j] < (min_z != nullptr ? (*min_z)[j] : static_cast<double>(config.validation_z)))
        failing.push_back(j);
    const auto n_active = static_cast<std::size_t>(std::count(active.begin(), active.end(), 1));
    if (!failing.empty()) {
      // The weakest first; with feature costs, the least evidence per cost (of two failing
      // columns with the same evidence, the dearer goes first).
      const auto weakness = [&](std::size_t j) {
        if (config.feature_cost.empty()) return z[j];
        const double c = feature_cost_of(config, candidates[j]);
        return z[j] > 0 ? (c > 0 ? z[j] / c : std::numeric_limits<double>::infinity()) : z[j] * c;
      };
      std::stable_sort(failing.begin(), failing.end(),
                       [&](std::size_t p, std::size_t q) { return weakness(p) < weakness(q); });
      const std::size_t share = failing.size() > kManyFailing || n_active > kManyActive ? 2 : kRemoveShare;
      const std::size_t remove = std::max<std::size_t>(1, failing.size() / share);
      for (std::size_t r = 0; r < remove; ++r) active[failing[r]] = 0;
    }
    // Networks trained on many more columns than remain spread their weight over the removed
    // ones: retrain on the remaining candidates when half are gone, and once more before the
    // answer, so that the kept set is the one networks trained on it confirm.
    std::vector<std::size_t> now;
    for (std::size_t j = 0; j < candidates.size(); ++j)
      if (active[j]) now.push_back(j);
    const bool settled = failing.empty();
    if (now.empty()) break;
    const bool shrunk = now.size() * kRefitShrink <= trained_on.size();
    const bool few = static_cast<std::size_t>(n_features) >= kRefitShare * trained_on.size();
    if (few && (shrunk || (settled && now.size() < trained_on.size())) && refits < kMaxRefits) {
      ++refits;
      train_networks(now);
      continue;
    }
    if (settled) break;
  }
  out.kept.clear();
  for (std::size_t j = 0; j < candidates.size(); ++j)
    if (active[j]) out.kept.push_back(candidates[j]);
  return out;
}

}  // namespace gfs::detail
