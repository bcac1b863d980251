/// @file stability.cpp
/// @brief Stability members: halves, batched training, frequencies.
#include "core/stability.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

#include "backends/backends.hpp"
#include "core/known_columns.hpp"
#include "core/plan.hpp"
#include "kernels/philox.hpp"
#include "train/backend.hpp"
#include "train/shuffle.hpp"

namespace gfs::detail {
namespace {

/// The halves' own Philox stream (pair k: subsequence + k), apart from every other stream.
constexpr std::uint64_t kHalvesStream = kern::kShuffleStream | (1ULL << 60);
/// Member seeds: the fit's seed moved by a fixed odd constant per member (not the validation
/// networks' constant).
constexpr std::uint64_t kMemberStride = 0xD1B54A32D192ED03ULL;

/// One member's schedule (its seed, its half) and the order it maps to in the fit's rows.
struct Member {
  std::vector<std::int64_t> rows;
  std::unique_ptr<train::Schedule> schedule;
  std::vector<std::int32_t> order;  ///< this epoch's row indices into x
};

/// Member m of a state of every member (for a backend that trains one).
train::TrainState member_state(const train::TrainState& all, int m) {
  train::TrainState s;
  s.values = all.values.copy_member(m);
  s.moment1 = all.moment1.copy_member(m);
  s.moment2 = all.moment2.copy_member(m);
  s.step = all.step;
  return s;
}

/// Every member's state, [M, ...], from one batched backend or one backend per member.
train::TrainState all_states(std::vector<std::unique_ptr<train::Backend>>& backends, const train::ModelShape& shape,
                             int M) {
  train::TrainState all, one;
  if (backends.size() == 1) {
    backends[0]->export_state(all);
    return all;
  }
  all = train::TrainState(train::Params<float>(shape, M));
  for (int m = 0; m < M; ++m) {
    backends[static_cast<std::size_t>(m)]->export_state(one);
    const std::size_t at = all.values.layout.size * static_cast<std::size_t>(m);
    std::copy(one.values.flat.begin(), one.values.flat.end(),
              all.values.flat.begin() + static_cast<std::ptrdiff_t>(at));
    std::copy(one.moment1.flat.begin(), one.moment1.flat.end(),
              all.moment1.flat.begin() + static_cast<std::ptrdiff_t>(at));
    std::copy(one.moment2.flat.begin(), one.moment2.flat.end(),
              all.moment2.flat.begin() + static_cast<std::ptrdiff_t>(at));
    all.step = one.step;
  }
  return all;
}

}  // namespace

std::vector<std::vector<std::int64_t>> member_halves(std::int64_t n_rows, int members, std::uint64_t seed) {
  std::vector<std::vector<std::int64_t>> halves;
  const std::int64_t h = n_rows / 2;
  for (int k = 0; k < members / 2; ++k) {
    std::vector<std::int64_t> perm(static_cast<std::size_t>(n_rows));
    std::iota(perm.begin(), perm.end(), 0);
    train::philox_shuffle(perm, seed, kHalvesStream + static_cast<std::uint64_t>(k));
    for (int side = 0; side < 2; ++side) {
      std::vector<std::int64_t> half(perm.begin() + side * h, perm.begin() + (side + 1) * h);
      std::sort(half.begin(), half.end());
      halves.push_back(std::move(half));
    }
  }
  return halves;
}

std::uint64_t member_seed(std::uint64_t seed, int member) {
  return seed + kMemberStride * static_cast<std::uint64_t>(member + 1);
}

MemberFit fit_members(const Config& config, const float* x, std::int64_t n_rows, std::int64_t n_features,
                      const train::Targets& targets, Device device, const MemberEpoch& after_epoch,
                      const MemberResume& resume, const MemberRanks* split) {
  const int M = config.members;
  const std::int64_t h = n_rows / 2;
  // Each member is a fit on h rows: its plan (batch, penalty normaliser) is that of h rows.
  const train::Plan plan = make_plan(config, h, n_features);
  const train::ModelShape whole = make_shape(config, n_features, targets.n_outputs);
  const train::FeatureBlock block = split != nullptr ? split->block : train::FeatureBlock::whole(n_features);
  train::ModelShape shape = whole;  // the columns this process trains
  shape.n_features = block.count();
  std::vector<Member> members(static_cast<std::size_t>(M));
  std::vector<std::uint64_t> seeds;
  train::Params<float> init(shape, M);
  const KnownColumns known = KnownColumns::of(config, n_features);
  const auto halves = member_halves(n_rows, M, config.seed);
  for (int m = 0; m < M; ++m) {
    Member& mb = members[static_cast<std::size_t>(m)];
    mb.rows = halves[static_cast<std::size_t>(m)];
    train::Plan own = plan;
    own.seed = member_seed(config.seed, m);
    seeds.push_back(own.seed);
    mb.schedule = std::make_unique<train::Schedule>(own, h, targets.strata(&mb.rows));
    const train::Params<float> p = split != nullptr
                                       ? train::initial_params(whole, own.seed, block.first(), block.count())
                                       : train::initial_params(whole, own.seed);
    std::copy(p.flat.begin(), p.flat.end(), init.flat.begin() + static_cast<std::ptrdiff_t>(init.layout.size * m));
    pin_known_columns(known, pinned_logit(config), init, m, block.first());
  }

  // One backend for all members where it takes them (the CPU), else one per member.
  std::vector<std::unique_ptr<train::Backend>> backends;
  std::vector<train::TrainState> states;
  backends.push_back(make_backend(device, config.threads));
  const bool batched = split == nullptr && backends[0]->max_members() >= M;
  const int n_backends = batched ? 1 : M;
  for (int b = 1; b < n_backends; ++b) backends.push_back(make_backend(device, config.threads));
  states.reserve(static_cast<std::size_t>(n_backends));
  for (int b = 0; b < n_backends; ++b) {
    if (resume.state == nullptr) {
      states.emplace_back(batched ? init : init.copy_member(b));
    } else {
      states.push_back(batched ? *resume.state : member_state(*resume.state, b));
    }
    train::TrainSetup setup =
        make_setup(plan, x, n_rows, shape, targets, states.back(), &block,
                   split != nullptr ? &split->ranks->reduce() : nullptr, feature_cost_data(config));
    setup.plan.seed = seeds[static_cast<std::size_t>(b)];
    if (batched) setup.member_seeds = seeds;
    backends[static_cast<std::size_t>(b)]->setup(setup);
  }

  MemberFit out;
  out.members = M;
  out.device = backends[0]->name();
  const train::Schedule& common = *members[0].schedule;  // tau, lambda and steps are every member's
  std::vector<train::EpochStats> stats, one;
  std::vector<float> logits, part;
  std::vector<float> gathered;
  const auto read_all_logits = [&] {  // every member's, each gathered from the ranks in member order
    logits.clear();
    for (auto& b : backends) {
      b->read_logits(part);
      if (split != nullptr) split->ranks->gather(part, gathered);
      const std::vector<float>& member = split != nullptr ? gathered : part;
      logits.insert(logits.end(), member.begin(), member.end());
    }
  };
  const int last = resume.finished ? resume.from.epochs_done : common.epochs();
  for (int epoch = resume.from.epochs_done + 1; epoch <= last; ++epoch) {
    train::EpochWork work;
    work.tau = common.tau(epoch);
    work.lambda = common.lambda(epoch);
    work.first_step = common.first_step(epoch);
    work.epoch = epoch;
    for (Member& mb : members) {
      const std::vector<std::int32_t>& local = mb.schedule->order(epoch);
      mb.order.resize(local.size());
      for (std::size_t i = 0; i < local.size(); ++i)
        mb.order[i] = static_cast<std::int32_t>(mb.rows[static_cast<std::size_t>(local[i])]);
      work.orders.push_back(&mb.order);
    }
    if (batched) {
      backends[0]->train_members(work, stats);
      backends[0]->read_logits(logits);
    } else {
      stats.clear();
      for (int m = 0; m < M; ++m) {
        train::EpochWork own = work;
        own.orders = {work.orders[static_cast<std::size_t>(m)]};
        backends[static_cast<std::size_t>(m)]->train_members(own, one);
        stats.push_back(one.at(0));
      }
      read_all_logits();
    }
    const bool go_on = after_epoch(epoch, work.tau, stats, logits);
    if (resume.due && resume.due(epoch)) resume.save(epoch, all_states(backends, shape, M));
    if (!go_on) break;
  }
  if (logits.empty()) read_all_logits();  // resumed after the last (or the converged) epoch
  out.logits = std::move(logits);
  return out;
}

std::vector<float> mean_member_logits(const std::vector<float>& logits, int members, std::int64_t n_features) {
  const auto D = static_cast<std::size_t>(n_features);
  std::vector<double> sum(D, 0.0);
  for (int m = 0; m < members; ++m) {
    const float* w = logits.data() + D * static_cast<std::size_t>(m);
    for (std::size_t j = 0; j < D; ++j) sum[j] += w[j];
  }
  std::vector<float> mean(D);
  for (std::size_t j = 0; j < D; ++j) mean[j] = static_cast<float>(sum[j] / members);
  return mean;
}

Stability stability_of(const MemberFit& fit, std::int64_t n_features, float threshold) {
  Stability s;
  const auto D = static_cast<std::size_t>(n_features);
  const int M = fit.members;
  std::vector<int> count(D, 0);
  std::int64_t kept = 0;
  for (int m = 0; m < M; ++m) {
    const float* w = fit.logits.data() + D * static_cast<std::size_t>(m);
    for (std::size_t j = 0; j < D; ++j) {
      if (w[j] > 0) {
        ++count[j];
        ++kept;
      }
    }
  }
  s.mean_logits = mean_member_logits(fit.logits, M, n_features);
  // A feature is kept by at least ceil(threshold * M) members (the threshold as a share, exactly).
  const int need = std::max(1, static_cast<int>(std::ceil(static_cast<double>(threshold) * M - 1e-9)));
  s.frequencies.resize(D);
  for (std::size_t j = 0; j < D; ++j) {
    s.frequencies[j] = static_cast<float>(count[j]) / static_cast<float>(M);
    if (count[j] >= need) s.selected.push_back(static_cast<int>(j));
  }
  s.mean_member_selected = static_cast<double>(kept) / M;
  const double q = s.mean_member_selected, pi = static_cast<double>(threshold);
  s.expected_false_selections =
      pi > 0.5 ? q * q / ((2 * pi - 1) * static_cast<double>(n_features)) : std::numeric_limits<double>::infinity();
  return s;
}

}  // namespace gfs::detail
