/// @file cpu_backend_impl.hpp
/// @brief The OpenMP backend: one persistent parallel region per epoch, cpu_step() per batch.
///
/// Included once per instruction set by cpu_backend_<isa>.cpp, which defines GFS_CPU_ISA and
/// compiles this file under `#pragma GCC target`; cpu_backend.cpp picks the best variant the
/// processor supports at run time.
#include <omp.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <utility>

#include "backends/cpu/cpu_step.hpp"
#include "backends/cpu/evidence.hpp"
#include "backends/cpu/sinks.hpp"
#include "gfs/error.hpp"
#include "train/backend.hpp"

#ifndef GFS_CPU_ISA
#error "define GFS_CPU_ISA before including cpu_backend_impl.hpp"
#endif
#define GFS_CPU_CAT2(a, b) a##b
#define GFS_CPU_CAT(a, b) GFS_CPU_CAT2(a, b)

namespace gfs::detail {
namespace {

using train::ColumnEvidence;
using train::EpochStats;
using train::HeldOutRows;
using train::TrainSetup;
using train::TrainState;

class CpuBackend final : public train::Backend {
 public:
  explicit CpuBackend(int threads) : threads_(threads > 0 ? threads : omp_get_max_threads()) {}

  [[nodiscard]] std::string name() const override { return "cpu"; }

  [[nodiscard]] int max_members() const override { return 1 << 16; }

  void setup(const TrainSetup& s) override {
    const int members = s.members();
    if (s.x == nullptr || s.targets == nullptr || s.state == nullptr || s.n_rows < 1 ||
        s.shape.n_features != s.features.count() || s.features.x_stride < s.features.count() ||
        s.state->values.members != members)
      throw Error(ErrorCode::kInternal, "CPU backend: setup() with missing data or an inconsistent column block");
    if (!s.features.is_whole() && (s.reduce == nullptr || members != 1))
      throw Error(ErrorCode::kInternal, "CPU backend: a column block needs a reduce policy and one member");
    setup_ = s;
    state_ = *s.state;
    const int batch = static_cast<int>(std::min<std::int64_t>(s.plan.batch_size, s.n_rows));
    ws_.clear();
    for (int m = 0; m < members; ++m) ws_.push_back(std::make_unique<Workspace<float>>(s.shape, s.features, batch));
    gathered_.clear();
    gathered_.resize(static_cast<std::size_t>(members));
  }

  void train_members(const train::EpochWork& work, std::vector<EpochStats>& stats) override {
    const train::Plan& plan = setup_.plan;
    const int members = setup_.members();
    if (ws_.empty() || static_cast<int>(work.orders.size()) != members)
      throw Error(ErrorCode::kInternal, "CPU backend: train_members() needs one row order per member, after setup()");
    const auto n = static_cast<std::int64_t>(work.orders[0]->size());
    for (const auto* o : work.orders)
      if (static_cast<std::int64_t>(o->size()) != n)
        throw Error(ErrorCode::kInternal, "CPU backend: members' epochs must have the same number of rows");
    const int batch = ws_[0]->max_batch;
    const std::int64_t steps = (n + batch - 1) / batch;
    update_active_set(work.tau, work.lambda, work.epoch);
    const train::Targets& t = *setup_.targets;
    std::vector<StepInput<float>> base(static_cast<std::size_t>(members));
    std::vector<train::ParamView<float>> values, m1, m2;
    std::vector<Workspace<float>*> ws;
    for (int m = 0; m < members; ++m) {
      StepInput<float>& b = base[static_cast<std::size_t>(m)];
      Gathered* g = gathered_[static_cast<std::size_t>(m)].get();
      b.x = g != nullptr ? g->x.data() : setup_.x;
      b.labels = t.labels.data();
      b.class_weight = t.class_weight.data();
      b.values = t.values.data();
      b.classification = t.classification;
      b.survival = t.survival;
      b.time = t.time.data();
      b.event = t.event.data();
      b.ties = t.ties;
      b.tau = work.tau;
      b.lambda = work.lambda;
      b.penalty = plan.penalty;
      b.target_features = plan.target_features;
      b.penalty_norm = plan.penalty_norm;
      b.cost = setup_.feature_cost;
      b.seed = setup_.member_seeds.empty() ? plan.seed : setup_.member_seeds[static_cast<std::size_t>(m)];
      b.embedding_grad = plan.train_embedding;
      b.reduce = g != nullptr && g->whole ? nullptr : setup_.reduce;  // a whole model joins no other block
      TrainState& st = g != nullptr ? g->state : state_;
      const int sm = g != nullptr ? 0 : m;
      values.push_back(st.values.member(sm));
      m1.push_back(st.moment1.member(sm));
      m2.push_back(st.moment2.member(sm));
      ws.push_back(g != nullptr ? g->ws.get() : ws_[static_cast<std::size_t>(m)].get());
    }
    stats.assign(static_cast<std::size_t>(members), EpochStats{});
    const int team = std::min(team_size(batch, ws), team_cap_);
#pragma omp parallel num_threads(team)
    {
      std::vector<StepInput<float>> in = base;
      std::vector<AdamSink<float>> sinks;
      for (std::int64_t i = 0; i < steps; ++i) {
        const std::int64_t step = work.first_step + i;
        const auto task = kern::adam_step_coefficients<float>(plan.lr_task, plan.adam_beta1, plan.adam_beta2,
                                                              plan.adam_eps, step + 1);
        const auto mask = kern::adam_step_coefficients<float>(plan.lr_mask, plan.adam_beta1, plan.adam_beta2,
                                                              plan.adam_eps, step + 1);
        sinks.clear();
        for (int m = 0; m < members; ++m) {
          StepInput<float>& s = in[static_cast<std::size_t>(m)];
          s.rows = work.orders[static_cast<std::size_t>(m)]->data() + i * batch;
          s.batch = static_cast<int>(std::min<std::int64_t>(batch, n - i * batch));
          s.step = step;
          const auto mi = static_cast<std::size_t>(m);
          sinks.push_back(AdamSink<float>{values[mi], m1[mi], m2[mi], task, mask, plan.train_embedding});
        }
        cpu_step_members(in.data(), values.data(), ws.data(), sinks.data(), members);
        if (omp_get_thread_num() == 0) {  // the terms are stable until the next step's first barrier
          for (int m = 0; m < members; ++m) {
            const StepTerms& terms = ws[static_cast<std::size_t>(m)]->terms;
            EpochStats& st = stats[static_cast<std::size_t>(m)];
            st.loss += terms.loss;
            st.task_loss += terms.task_loss;
            st.select_loss += terms.select_loss;
            st.mean_mask += terms.mean_mask;
            ++st.steps;
          }
        }
      }
    }
    state_.step = work.first_step + steps;
    for (int m = 0; m < members; ++m) {
      Gathered* g = gathered_[static_cast<std::size_t>(m)].get();
      if (g != nullptr) g->state.step = state_.step;
      // Every block's columns: what the fit trained this epoch, whatever the split.
      stats[static_cast<std::size_t>(m)].columns =
          g != nullptr ? static_cast<std::int64_t>(g->all.size()) : setup_.features.total;
    }
    adapt_team(team, steps, *ws[0]);
  }

  /// When the team kept waiting on descheduled members (the cores are busy with other work), the
  /// next epochs run on one thread; every kRetry epochs the full team is tried again. Results do
  /// not depend on the team size, so this changes only the speed.
  void adapt_team(int team, std::int64_t steps, Workspace<float>& lead) {
    constexpr int kRetry = 20;
    const int slow = lead.barrier.take_slow_waits();
    ++epochs_;
    if (team > 1 && slow * 8 > steps) team_cap_ = 1;
    if (epochs_ % kRetry == 0) team_cap_ = threads_;
  }

  /// Threads for this problem: a step must carry enough work per thread to repay its four
  /// barriers (well under a microsecond each on an idle machine).
  [[nodiscard]] int team_size(int batch, const std::vector<Workspace<float>*>& ws) const {
    constexpr std::int64_t kWorkPerThread = 1 << 15;  // ~ D * H0 * (B + 4) multiply-adds
    std::int64_t columns = 0;
    int chunks = 0;
    for (const Workspace<float>* w : ws) {
      columns += w->shape.n_features;
      chunks += w->block.last_chunk - w->block.first_chunk;
    }
    const std::int64_t work = columns * setup_.shape.fan_out(0) * (batch + 4);
    const auto useful = static_cast<int>(std::clamp<std::int64_t>(work / kWorkPerThread, 1, 1 << 20));
    return std::max(1, std::min({threads_, chunks, useful}));
  }

  void read_logits(std::vector<float>& logits) override {
    sync();
    const auto D = static_cast<std::size_t>(setup_.shape.n_features);
    logits.resize(D * static_cast<std::size_t>(setup_.members()));
    for (int m = 0; m < setup_.members(); ++m)
      train::member_logits(state_.values, m, logits.data() + D * static_cast<std::size_t>(m), threads_);
  }

  void export_state(TrainState& state) override {
    sync();
    state = state_;
  }

  void import_state(const TrainState& state) override {
    for (auto& g : gathered_) g.reset();
    if (state.values.flat.size() != state_.values.flat.size() ||
        state.moment1.flat.size() != state.values.flat.size() || state.moment2.flat.size() != state.values.flat.size())
      throw Error(ErrorCode::kInvalidArgument, "CPU backend: the imported training state has another shape");
    state_ = state;
  }

  void column_evidence(const HeldOutRows& held_out, const std::vector<char>& active, int threads,
                       ColumnEvidence& out) override {
    sync();
    detail::column_evidence(state_.values, held_out, active, threads > 0 ? threads : threads_, out);
  }

 private:
  /// A member's active set, gathered: its columns' x, values and Adam moments, contiguous. The
  /// whole state_ keeps the inactive columns as they were; sync() writes the gathered part back.
  /// Laid out by train::gathered_model_is_whole(): a small set is one model of every block's
  /// active columns, trained whole on every block (no reduce: each block trains what one process
  /// trains); a larger one holds this block's share, each column in its fit chunk (compacted).
  struct Gathered {
    train::ColumnIds all;    ///< every block's active columns (global, ascending): the decision
    train::ColumnIds local;  ///< this block's of them, as columns of the block (into state_ and x)
    std::int64_t own = 0;    ///< where this block's columns start among the model's
    bool whole = false;      ///< the model holds `all` (else `local` only)
    std::vector<float> x;    ///< [N, model columns]
    TrainState state;        ///< one member of the gathered shape
    std::unique_ptr<Workspace<float>> ws;
  };

  /// Writes every gathered member's own columns back into state_ (the gathered copies stay valid).
  void sync() {
    for (std::size_t m = 0; m < gathered_.size(); ++m) {
      const Gathered* g = gathered_[m].get();
      if (g == nullptr) continue;
      if (g->whole && g->local.size() != g->all.size()) {  // the other blocks' columns are theirs to keep
        train::ColumnIds at(g->local.size());
        std::iota(at.begin(), at.end(), g->own);
        train::scatter_state(train::gather_state(g->state, 0, at), g->local, static_cast<int>(m), state_);
      } else {
        train::scatter_state(g->state, g->local, static_cast<int>(m), state_);
      }
    }
  }

  /// Member m trains the active columns `all` (global) from now on, this block its share of them
  /// or, for a small set, all of them (the whole state_ must be current).
  void gather(int m, train::ColumnIds all) {
    const train::FeatureBlock& f = setup_.features;
    const std::int64_t n = setup_.n_rows;
    auto g = std::make_unique<Gathered>();
    g->all = std::move(all);
    const std::int64_t first = f.first();
    const auto lo = std::lower_bound(g->all.begin(), g->all.end(), first);
    const auto hi = std::lower_bound(lo, g->all.end(), first + f.count());
    for (auto it = lo; it != hi; ++it) g->local.push_back(*it - first);
    const auto width = static_cast<std::int64_t>(g->all.size());
    g->whole = train::gathered_model_is_whole(width, n);
    g->own = g->whole ? lo - g->all.begin() : 0;
    const int batch = ws_[0]->max_batch;
    if (!g->whole || f.is_whole()) {  // this block's columns are the model's
      const auto a = static_cast<std::int64_t>(g->local.size());
      train::gather_x(setup_.x, n, f.x_stride, g->local, g->x);
      g->state = train::gather_state(state_, m, g->local);
      if (g->whole) {
        g->ws = std::make_unique<Workspace<float>>(g->state.values.shape(), train::FeatureBlock::whole(a), batch);
        g->ws->global_ids = g->all.data();
        g->ws->fit_features = f.total;
      } else {
        g->ws = std::make_unique<Workspace<float>>(
            g->state.values.shape(), train::FeatureBlock::chunks(f.total, f.first_chunk, f.last_chunk, a), batch);
        g->ws->compact(g->all.data() + (lo - g->all.begin()), a);
      }
    } else {
      // Every block's share of x (column by column: the blocks' columns follow one another as in
      // `all`) and of the feature rows, joined in block order.
      std::vector<float> mine, every;
      mine.reserve(g->local.size() * static_cast<std::size_t>(n));
      for (std::int64_t j : g->local)
        for (std::int64_t r = 0; r < n; ++r) mine.push_back(setup_.x[r * f.x_stride + j]);
      setup_.reduce->gather(mine, every);  // [width, N]
      g->x.resize(static_cast<std::size_t>(n * width));
      for (std::int64_t j = 0; j < width; ++j)
        for (std::int64_t r = 0; r < n; ++r)
          g->x[static_cast<std::size_t>(r * width + j)] = every[static_cast<std::size_t>(j * n + r)];
      setup_.reduce->gather(train::pack_feature_rows(state_, m, g->local), every);
      g->state = TrainState(train::Params<float>(train::gathered_shape(setup_.shape, width)));
      train::unpack_feature_rows(every, state_, m, g->state);
      g->ws = std::make_unique<Workspace<float>>(g->state.values.shape(), train::FeatureBlock::whole(width), batch);
      g->ws->global_ids = g->all.data();
      g->ws->fit_features = f.total;
    }
    gathered_[static_cast<std::size_t>(m)] = std::move(g);
  }

  /// Member m's logits of every column of the fit [D] (state_ must be current): this block's, and
  /// under a column block the others' through the reduce.
  void fit_logits(int m, std::vector<float>& out) {
    const train::FeatureBlock& f = setup_.features;
    if (f.is_whole()) {  // into `out` itself, as the epochs before reuse it
      out.resize(static_cast<std::size_t>(f.count()));
      train::member_logits(state_.values, m, out.data(), threads_);
      return;
    }
    std::vector<float> mine(static_cast<std::size_t>(f.count()));
    train::member_logits(state_.values, m, mine.data(), threads_);
    setup_.reduce->gather(mine, out);
  }

  /// Before epoch `epoch` at (tau, lambda): each member trains the columns that can still matter
  /// (train::decide_active_set, the decision every backend makes). Not in the warm-up unless the
  /// prescreen closed columns. A column block decides from every block's logits, so every block
  /// takes its share of the same set.
  void update_active_set(float tau, float lambda, int epoch) {
    const train::ActivePolicy& policy = setup_.plan.active;
    if (!train::active_set_applies(policy, lambda)) return;
    const bool block = !setup_.features.is_whole();
    const std::int64_t D = setup_.features.total;
    const bool recheck = train::is_recheck_epoch(policy, epoch);
    std::vector<float> w;
    for (int m = 0; m < setup_.members(); ++m) {
      Gathered* g = gathered_[static_cast<std::size_t>(m)].get();
      const train::ColumnIds* ids = g != nullptr ? &g->all : nullptr;
      const bool whole = train::active_set_needs_whole_logits(recheck, ids);
      if (whole || block) {
        sync();
        fit_logits(m, w);
        if (!whole) {  // the gathered columns' logits, as the decision reads them
          std::vector<float> part;
          for (std::int64_t j : *ids) part.push_back(w[static_cast<std::size_t>(j)]);
          w.swap(part);
        }
      } else {
        w.resize(g->all.size());
        train::member_logits(g->state.values, 0, w.data());
      }
      train::ActiveDecision d = train::decide_active_set(policy, recheck, ids, w.data(), D, tau);
      if (d.action == train::ActiveDecision::Action::kDense) {  // only on a whole-logit read: sync'd above
        gathered_[static_cast<std::size_t>(m)].reset();
      } else if (d.action == train::ActiveDecision::Action::kGather) {
        sync();
        gather(m, std::move(d.ids));
      }
    }
  }

 private:
  int threads_;
  int team_cap_ = threads_;
  int epochs_ = 0;
  TrainSetup setup_;
  TrainState state_;
  std::vector<std::unique_ptr<Workspace<float>>> ws_;  // one per member
  std::vector<std::unique_ptr<Gathered>> gathered_;    // one per member; null: every column trains
};

}  // namespace

std::unique_ptr<train::Backend> GFS_CPU_CAT(make_cpu_backend_, GFS_CPU_ISA)(int threads) {
  return std::make_unique<CpuBackend>(threads);
}

void GFS_CPU_CAT(cpu_column_evidence_, GFS_CPU_ISA)(const train::Params<float>& params, const HeldOutRows& held_out,
                                                    const std::vector<char>& active, int threads, ColumnEvidence& out) {
  detail::column_evidence(params, held_out, active, threads, out);
}

}  // namespace gfs::detail
