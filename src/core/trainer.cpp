/// @file trainer.cpp
/// @brief fit(): check -> standardise -> plan -> epochs on the backend -> outputs -> support.
#include "core/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>

#include "backends/backends.hpp"
#include "core/checkpointing.hpp"
#include "core/column_screen.hpp"
#include "core/data.hpp"
#include "core/fit_ranks.hpp"
#include "core/known_columns.hpp"
#include "core/numeric_failure.hpp"
#include "core/outputs.hpp"
#include "core/pair_screen.hpp"
#include "core/plan.hpp"
#include "core/prescreen.hpp"
#include "core/stability.hpp"
#include "core/support.hpp"
#include "gfs/error.hpp"
#include "train/backend.hpp"
#include "train/convergence.hpp"
#include "train/ranks.hpp"
#include "train/schedule.hpp"

namespace gfs::detail {
namespace {

/// Hands `backend` one fit's data and starting state (make_setup).
void prepare(train::Backend& backend, const train::Plan& plan, const float* x, std::int64_t n_rows,
             const train::ModelShape& shape, const train::Targets& targets, const train::TrainState& state,
             const train::FeatureBlock* block = nullptr, train::Reduce* reduce = nullptr,
             const float* feature_cost = nullptr) {
  backend.setup(make_setup(plan, x, n_rows, shape, targets, state, block, reduce, feature_cost));
}

EpochRecord make_record(int epoch, float tau, const train::EpochStats& s, const std::vector<float>& logits) {
  EpochRecord r;
  const double steps = s.steps > 0 ? static_cast<double>(s.steps) : 1.0;
  r.epoch = epoch;
  r.tau = tau;
  r.loss = static_cast<float>(s.loss / steps);
  r.task_loss = static_cast<float>(s.task_loss / steps);
  r.select_loss = static_cast<float>(s.select_loss / steps);
  r.mean_mask = static_cast<float>(s.mean_mask / steps);
  for (float w : logits) r.n_active += w > 0 ? 1 : 0;
  // A backend step that reports no column count trained every column.
  r.n_trained = static_cast<int>(s.columns > 0 ? s.columns : static_cast<std::int64_t>(logits.size()));
  return r;
}

/// A non-finite loss or logit ends the fit with an error: no fit may end "successfully" with NaN.
void check_finite(const EpochRecord& r, const std::vector<float>& logits) {
  bool finite = std::isfinite(r.loss) && std::isfinite(r.task_loss);
  for (float w : logits) finite = finite && std::isfinite(w);
  if (!finite) fail_numerically("at epoch " + std::to_string(r.epoch) + " the loss or a logit is no longer finite");
}

/// The members' epoch as one record: the mean of their sums (each member has the same steps).
train::EpochStats mean_stats(const std::vector<train::EpochStats>& members) {
  train::EpochStats m;
  const double n = static_cast<double>(members.size());
  for (const train::EpochStats& s : members) {
    m.loss += s.loss / n;
    m.task_loss += s.task_loss / n;
    m.select_loss += s.select_loss / n;
    m.mean_mask += s.mean_mask / n;
    m.columns += s.columns;
    m.steps = s.steps;
  }
  m.columns /= static_cast<std::int64_t>(std::max<std::size_t>(members.size(), 1));
  return m;
}

/// The input checks, agreed by every rank: a problem one rank sees in its block (a NaN, the wrong
/// block) is thrown on every rank, so that none is left waiting in a collective.
void check_agreed(const Config& config, const float* x, std::int64_t n_rows, std::int64_t n_features, const float* y,
                  int n_targets, const Columns& held, bool local, const FitRanks& ranks) {
  std::string problem;
  ErrorCode code = ErrorCode::kInvalidData;
  try {
    check_inputs(config, x, n_rows, held.count, y, n_targets, held.first);
    const train::FeatureBlock expect = ranks.block(n_features, n_features);
    if (local && (held.first != expect.first() || held.count != expect.count()))
      throw Error(
          ErrorCode::kInvalidArgument,
          "x holds columns [" + std::to_string(held.first) + ", " + std::to_string(held.first + held.count) + ") of " +
              std::to_string(n_features) + ", but " +
              (ranks.split() ? "rank " + std::to_string(ranks.ranks()->rank()) + " of " +
                                   std::to_string(ranks.count()) + " trains [" + std::to_string(expect.first()) + ", " +
                                   std::to_string(expect.first() + expect.count()) +
                                   "): give it the block gfs::mpi::columns_of names"
                             : std::string("a fit in one process needs them all")));
  } catch (const Error& e) {
    problem = e.what();
    code = e.code();
  }
  ranks.agree(problem, code);
}

/// The columns `candidates` (ascending) of the rank-local blocks, on every rank: [n_rows, K]. Each
/// rank sends its candidates column by column; the blocks follow one another in rank order.
std::vector<float> gather_candidates(train::Ranks& ranks, const float* x, std::int64_t n_rows,
                                     const train::FeatureBlock& block, const std::vector<int>& candidates) {
  std::vector<float> mine, all;
  const auto rows = static_cast<std::size_t>(n_rows), stride = static_cast<std::size_t>(block.x_stride);
  // Every rank knows N and K: all refuse alike, before the one collective call that would overflow.
  if (rows * candidates.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw Error(ErrorCode::kInvalidArgument,
                "the validated rule's held-out test gathers the " + std::to_string(candidates.size()) +
                    " candidates' columns (" + std::to_string(rows * candidates.size()) +
                    " values), more than one MPI call carries (2^31 - 1): use --support majority or stability "
                    "under MPI, or fewer rows");
  for (int c : candidates) {
    if (c < block.first() || c >= block.first() + block.count()) continue;
    const auto col = static_cast<std::size_t>(c - block.first());
    for (std::size_t r = 0; r < rows; ++r) mine.push_back(x[r * stride + col]);
  }
  ranks.gather(mine, all);  // [K, n_rows]
  const std::size_t k = candidates.size();
  std::vector<float> out(rows * k);
  for (std::size_t j = 0; j < k; ++j)
    for (std::size_t r = 0; r < rows; ++r) out[r * k + j] = all[j * rows + r];
  return out;
}

/// What the column screen reads: every column of x (one process, or a rank that holds the whole
/// table), or this rank's block of a rank-local fit, whose strengths and pool the ranks exchange.
ScreenInput screen_input(const float* x, std::int64_t n_rows, std::int64_t n_features,
                         const train::FeatureBlock& block, train::Ranks* local_ranks) {
  ScreenInput in;
  in.x = x;
  in.n_rows = n_rows;
  in.n_features = in.count = in.stride = n_features;
  if (local_ranks == nullptr) return in;
  in.stride = block.x_stride;
  in.first = block.first();
  in.count = block.count();
  in.gather_strengths = [local_ranks](const std::vector<float>& mine) {
    std::vector<float> all;
    local_ranks->gather(mine, all);
    return all;
  };
  in.gather_pool = [=](const std::vector<int>& ids) { return gather_candidates(*local_ranks, x, n_rows, block, ids); };
  return in;
}

/// Stability's ranking: by selection frequency, then by the members' mean logit.
std::vector<int> rank_by_frequency(const std::vector<float>& frequency, const std::vector<float>& logits) {
  std::vector<int> order = rank_by_logit(logits);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return frequency[static_cast<std::size_t>(a)] > frequency[static_cast<std::size_t>(b)];
  });
  return order;
}

/// Every member's logits w = phi e + b from a state, in the CPU backend's summation order (a resumed
/// fit's starting point for convergence stopping).
std::vector<float> member_logits(const train::TrainState& state) {
  const train::ModelShape& s = state.values.shape();
  const auto D = static_cast<std::size_t>(s.n_features), de = static_cast<std::size_t>(s.embedding_dim);
  std::vector<float> out;
  for (int m = 0; m < state.values.members; ++m) {
    const train::ParamView<const float> p = state.values.member(m);
    for (std::size_t j = 0; j < D; ++j) {
      float w = p.mask_bias[j];
      for (std::size_t k = 0; k < de; ++k) w += p.mask_weight[j * de + k] * p.embedding[k];
      out.push_back(w);
    }
  }
  return out;
}

/// The fit's final logits and what follows from them alone: the selection probabilities and the
/// hard-draw scores (the support rules read both).
void set_final_logits(Result& result, std::vector<float> logits, const Config& config, const FitPlan& plan) {
  result.logits = std::move(logits);
  result.probabilities = selection_probabilities(result.logits);
  result.scores = hard_draw_scores(result.logits, config.seed, plan.n_draws, config.threads);
}

/// The mean loss of every epoch recorded so far.
std::vector<double> losses_of(const Result& r) {
  std::vector<double> out;
  for (const EpochRecord& e : r.history) out.push_back(e.loss);
  return out;
}

/// Progress for Config::verbose without a callback: a line per tenth of the epochs, on stderr.
void log_epoch(const EpochRecord& r, int epochs) {
  const int every = std::max(1, epochs / 10);
  if (r.epoch % every != 0 && r.epoch != epochs) return;
  std::fprintf(stderr, "gfs: epoch %d/%d  loss %.4f  task %.4f  tau %.3f  features on %d\n", r.epoch, epochs,
               static_cast<double>(r.loss), static_cast<double>(r.task_loss), static_cast<double>(r.tau), r.n_active);
}

}  // namespace

Result train(const Config& config, const float* x, std::int64_t n_rows, std::int64_t n_features, const float* y,
             int n_targets, const ProgressCallback& progress, const CheckpointOptions& checkpoint,
             const Parallel& parallel, float* in_place) {
  const auto start = std::chrono::steady_clock::now();
  const KnownColumns known = KnownColumns::of(config, n_features);
  // Rank-local input: x holds this rank's block of the columns, [n_rows, held.count].
  const bool local = parallel.columns.count > 0;
  const Columns held = local ? parallel.columns : Columns{0, n_features};
  const FitRanks ranks(parallel, config, n_features);
  check_agreed(config, x, n_rows, n_features, y, n_targets, held, local, ranks);
  FitCheckpoints checkpoints(checkpoint, config, x, n_rows, n_features, y, n_targets, held.count);

  Result result;
  result.config = config;
  result.config.lambda = config.penalty_weight();
  result.n_features = static_cast<int>(n_features);
  // Per column (a block standardises alone); a missing cell (NaN) takes the column's mean.
  // The checks and the checkpoints' fingerprint above read x as the caller gave it.
  const Standardized st = config.standardize ? standardize(x, n_rows, held.count, config.threads, in_place)
                                             : impute(x, n_rows, held.count, config.threads, in_place);
  const float* train_x = st.x.empty() ? x : st.x.data();
  result.missing_fraction = st.missing;
  if (local) ranks.gather(st.missing, result.missing_fraction);
  if (config.standardize) {
    result.feature_mean = st.mean;
    result.feature_std = st.std;
    if (local) {
      ranks.gather(st.mean, result.feature_mean);
      ranks.gather(st.std, result.feature_std);
    }
  }
  const train::Targets targets = make_targets(config, y, n_rows, n_targets);
  result.n_outputs = targets.n_outputs;

  const FitPlan fit_plan = make_fit_plan(config, n_rows, n_features, targets.n_outputs);  // the Config, resolved once
  const auto record = [&](int epoch, float tau, const train::EpochStats& stats, const std::vector<float>& logits) {
    result.history.push_back(make_record(epoch, tau, stats, logits));
    check_finite(result.history.back(), logits);
    if (config.record_probabilities) {
      const std::vector<float> p = selection_probabilities(logits);
      result.probability_history.insert(result.probability_history.end(), p.begin(), p.end());
    }
    if (config.verbose && !progress) log_epoch(result.history.back(), config.epochs);
    return !progress || progress(result.history.back(), config.epochs);
  };
  // Convergence stopping (Config::tol, n_iter_no_change): never in exact mode, never before the
  // penalty has reached its full weight.
  train::Convergence convergence(config.tol, config.exact ? 0 : config.n_iter_no_change,
                                 fit_plan.plan.warmup_epochs + fit_plan.plan.ramp_epochs + 1,
                                 config.support == SupportRule::kStability ? config.members : 1, n_features);
  result.stop_reason = "epochs";
  const auto keep_going = [&](int epoch, bool recorded, const std::vector<float>& logits) {
    result.stopped_epoch = epoch;
    if (!recorded)
      result.stop_reason = "callback";
    else if (convergence.update(epoch, logits, result.history.back().loss))
      result.stop_reason = "converged";
    else
      return true;
    return false;
  };

  // Feature-parallel: this rank trains its block of the columns (the whole model's rows for them).
  const train::FeatureBlock block = ranks.block(n_features, held.count);
  const float* block_x = local ? train_x : train_x + block.first();  // the block's first column
  train::ModelShape block_shape = fit_plan.shape;
  block_shape.n_features = block.count();
  if (ranks.split()) checkpoints.set_block(block.first(), block.count(), *ranks.ranks());
  result.ranks = ranks.count();
  result.rank_columns = ranks.rank_columns(n_features);

  if (config.support == SupportRule::kStability) {
    // "auto" resolved once, as for one model: every member runs on the device it chose.
    OpenedBackend probe = open_backend(ranks.device(config.device), config.threads);
    result.device_note = probe.note;
    probe.backend.reset();
    std::vector<float> mean;
    MemberResume resume;
    train::TrainState resumed;
    if (checkpoints.resuming()) {
      resumed = checkpoints.resume(block_shape, config.members, result, resume.from);
      resume.state = &resumed;
    }
    resume.due = [&](int epoch) { return checkpoints.due(epoch); };
    resume.save = [&](int epoch, const train::TrainState& state) {
      checkpoints.save(epoch, state, result, convergence.epochs_unchanged());
    };
    if (checkpoints.resuming()) {
      result.stopped_epoch = resume.from.epochs_done;  // a file written after the last epoch trains none
      resume.finished =
          convergence.restore(resume.from.epochs_done, ranks.gather_members(member_logits(resumed), config.members),
                              losses_of(result), resume.from.unchanged_epochs);
      if (resume.finished) result.stop_reason = "converged";
    }
    MemberRanks split{ranks.ranks(), block};
    const MemberFit fit = fit_members(
        config, block_x, n_rows, n_features, targets, probe.device,
        [&](int epoch, float tau, std::vector<train::EpochStats> stats, const std::vector<float>& logits) {
          mean = mean_member_logits(logits, config.members, n_features);
          return keep_going(epoch, record(epoch, tau, mean_stats(stats), mean), logits);
        },
        resume, ranks.split() ? &split : nullptr);
    result.device = fit.device;
    Stability stab = stability_of(fit, n_features, config.stability_threshold);
    set_final_logits(result, std::move(stab.mean_logits), config, fit_plan);
    result.selected = std::move(stab.selected);
    result.frequencies = std::move(stab.frequencies);
    result.mean_member_selected = stab.mean_member_selected;
    result.expected_false_selections = stab.expected_false_selections;
    result.ranking = rank_by_frequency(result.frequencies, result.logits);
    rank_dropped_last(known, result.ranking);
  } else {
    train::Plan plan = fit_plan.plan;
    const train::ModelShape& shape = fit_plan.shape;
    // The screens read the data alone: they run first, where the prescreen needs them. The column
    // strengths (one pass) are computed once for the prescreen and the pair screen's pool.
    ScreenInput screen_in = screen_input(train_x, n_rows, n_features, block, local ? ranks.ranks() : nullptr);
    const std::int64_t width = prescreen_width(config, n_rows, n_features);
    std::vector<float> strengths;
    if (width > 0) strengths = screen_strengths(config, screen_in, targets);
    result.pair_screen = screen_pairs(config, screen_in, targets, width > 0 ? &strengths : nullptr);
    const Prescreen pre = width > 0 ? run_prescreen(std::move(strengths), width, result.pair_screen) : Prescreen{};
    if (width > 0) {
      screen_in.strengths = &pre.strengths;  // the column screen's first pass, done once
      plan.active.in_warmup = true;
      result.prescreen_columns = static_cast<int>(pre.open.size());
    }
    result.column_screen = screen_columns(config, screen_in, targets);
    train::Position from;
    train::TrainState initial =
        checkpoints.resuming()
            ? checkpoints.resume(block_shape, 1, result, from)
            : train::TrainState(train::initial_params(shape, plan.seed, block.first(), block.count()));
    // A resumed state holds the closed and the pinned columns already.
    if (!checkpoints.resuming()) {
      if (width > 0) close_columns(initial.values, 0, pre.open, closed_logit(plan.active, plan.tau0), block.first());
      pin_known_columns(known, pinned_logit(config), initial.values, 0, block.first());
    }

    // "auto" is resolved once: the validation networks run on the device the fit ran on.
    OpenedBackend opened = open_backend(ranks.device(config.device), config.threads);
    result.device_note = opened.note;
    std::unique_ptr<train::Backend> backend = std::move(opened.backend);
    result.device = backend->name();
    prepare(*backend, plan, block_x, n_rows, shape, targets, initial, &block, ranks.reduce(),
            feature_cost_data(config));

    train::Schedule schedule(plan, n_rows, targets.strata());
    std::vector<float> logits, own;
    const auto read_logits = [&] {  // every column's, gathered from the ranks
      backend->read_logits(own);
      ranks.gather_buffer(own, logits);
    };
    train::TrainState saved;
    bool finished = false;  // the checkpoint was written after the epoch that stopped the fit
    if (checkpoints.resuming() && from.epochs_done > 0) {
      // A file written after the last epoch (or the converged one) trains none: the fit stopped there.
      result.stopped_epoch = from.epochs_done;
      read_logits();  // where the interrupted fit's convergence count stood
      finished = convergence.restore(from.epochs_done, logits, losses_of(result), from.unchanged_epochs);
      if (finished) result.stop_reason = "converged";
      logits.clear();
    }
    const auto after_epoch = [&](int epoch, float tau, const train::EpochStats& stats) {
      read_logits();
      const bool go_on = keep_going(epoch, record(epoch, tau, stats, logits), logits);
      if (checkpoints.due(epoch)) {
        backend->export_state(saved);
        checkpoints.save(epoch, saved, result, convergence.epochs_unchanged());
      }
      return go_on;
    };
    if (!finished) train::run_epochs(*backend, schedule, from, after_epoch);
    if (logits.empty()) read_logits();  // resumed after the last (or the converged) epoch
    backend.reset();

    set_final_logits(result, logits, config, fit_plan);

    SupportData data;
    data.x = train_x;
    data.n_rows = n_rows;
    data.n_features = n_features;
    data.targets = &targets;
    data.fit = &fit_plan;
    // No screen proposes a dropped column; the kept ones stay whatever the held-out test finds.
    data.paired_columns = without_dropped(known, pair_columns(result.pair_screen));
    data.screened_columns = without_dropped(known, screened_columns(result.column_screen));
    data.confirmed_columns =
        with_kept(known, without_dropped(known, screened_columns(result.column_screen, kColumnScreenFamilyError)));
    std::vector<float> candidate_x;
    if (local && ranks.split() && config.support == SupportRule::kValidated) {
      // The held-out test trains on the candidates only: every rank gathers their columns.
      const std::vector<int> fitted = fitted_candidates(
          config, logits, support_of(logits, result.scores, SupportRule::kValidated, config.target_features));
      std::set_union(fitted.begin(), fitted.end(), data.screened_columns.begin(), data.screened_columns.end(),
                     std::back_inserter(data.x_columns));
      candidate_x = gather_candidates(*ranks.ranks(), train_x, n_rows, block, data.x_columns);
      data.x = candidate_x.data();
    }
    std::mutex one_device;  // the two validation networks share a GPU one after the other
    data.train_network = [&](const train::Plan& sub, const float* xs, std::int64_t rows, const std::vector<int>&,
                             const train::ModelShape& sub_shape, const train::Targets& t,
                             const train::Params<float>& init, int threads) {
      std::unique_lock<std::mutex> lock(one_device, std::defer_lock);
      if (opened.device.kind != DeviceKind::kCpu) lock.lock();
      std::unique_ptr<train::Backend> b = make_backend(opened.device, threads);
      const train::TrainState state(init);
      prepare(*b, sub, xs, rows, sub_shape, t, state);
      train::Schedule sub_schedule(sub, rows, t.strata());
      train::run_epochs(*b, sub_schedule, train::Position{}, [](int, float, const train::EpochStats&) { return true; });
      return b;
    };
    Support support = select_support(config, logits, result.scores, data);
    result.selected = std::move(support.selected);
    result.candidates = std::move(support.candidates);
    result.ranking = width > 0 ? rank_prescreened(logits, pre.strengths, pre.open) : rank_by_logit(logits);
    rank_dropped_last(known, result.ranking);
  }
  result.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace gfs::detail
