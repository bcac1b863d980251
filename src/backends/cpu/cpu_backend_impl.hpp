/// @file cpu_backend_impl.hpp
/// @brief The OpenMP backend: one persistent parallel region per epoch, cpu_step() per batch.
///
/// Included once per instruction set by cpu_backend_<isa>.cpp, which defines GFS_CPU_ISA and
/// compiles this file under `#pragma GCC target`; cpu_backend.cpp picks the best variant the
/// processor supports at run time.
#include <omp.h>

#include <algorithm>
#include <memory>
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
    const train::Targets& t = *setup_.targets;
    std::vector<StepInput<float>> base(static_cast<std::size_t>(members));
    std::vector<train::ParamView<float>> values, m1, m2;
    std::vector<Workspace<float>*> ws;
    for (int m = 0; m < members; ++m) {
      StepInput<float>& b = base[static_cast<std::size_t>(m)];
      b.x = setup_.x;
      b.labels = t.labels.data();
      b.class_weight = t.class_weight.data();
      b.values = t.values.data();
      b.classification = t.classification;
      b.tau = work.tau;
      b.lambda = work.lambda;
      b.penalty = plan.penalty;
      b.target_features = plan.target_features;
      b.penalty_norm = plan.penalty_norm;
      b.seed = setup_.member_seeds.empty() ? plan.seed : setup_.member_seeds[static_cast<std::size_t>(m)];
      b.embedding_grad = plan.train_embedding;
      b.reduce = setup_.reduce;
      values.push_back(state_.values.member(m));
      m1.push_back(state_.moment1.member(m));
      m2.push_back(state_.moment2.member(m));
      ws.push_back(ws_[static_cast<std::size_t>(m)].get());
    }
    stats.assign(static_cast<std::size_t>(members), EpochStats{});
    const int team = std::min(team_size(batch), team_cap_);
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
    adapt_team(team, steps);
  }

  /// When the team kept waiting on descheduled members (the cores are busy with other work), the
  /// next epochs run on one thread; every kRetry epochs the full team is tried again. Results do
  /// not depend on the team size, so this changes only the speed.
  void adapt_team(int team, std::int64_t steps) {
    constexpr int kRetry = 20;
    const int slow = ws_[0]->barrier.take_slow_waits();
    ++epochs_;
    if (team > 1 && slow * 8 > steps) team_cap_ = 1;
    if (epochs_ % kRetry == 0) team_cap_ = threads_;
  }

  /// Threads for this problem: a step must carry enough work per thread to repay its four
  /// barriers (well under a microsecond each on an idle machine).
  [[nodiscard]] int team_size(int batch) const {
    constexpr std::int64_t kWorkPerThread = 1 << 15;  // ~ D * H0 * (B + 4) multiply-adds
    const std::int64_t work = setup_.shape.n_features * setup_.shape.fan_out(0) * (batch + 4) * setup_.members();
    const auto useful = static_cast<int>(std::clamp<std::int64_t>(work / kWorkPerThread, 1, 1 << 20));
    const int chunks = (setup_.features.last_chunk - setup_.features.first_chunk) * setup_.members();
    return std::max(1, std::min({threads_, chunks, useful}));
  }

  void read_logits(std::vector<float>& logits) override {
    const auto D = static_cast<std::size_t>(setup_.shape.n_features);
    const auto de = static_cast<std::size_t>(setup_.shape.embedding_dim);
    logits.resize(D * static_cast<std::size_t>(setup_.members()));
    for (int m = 0; m < setup_.members(); ++m) {
      const train::ParamView<const float> p = std::as_const(state_.values).member(m);
      float* out = logits.data() + D * static_cast<std::size_t>(m);
      for (std::size_t j = 0; j < D; ++j) {
        float w = p.mask_bias[j];
        for (std::size_t k = 0; k < de; ++k) w += p.mask_weight[j * de + k] * p.embedding[k];
        out[j] = w;
      }
    }
  }

  void export_state(TrainState& state) override { state = state_; }

  void import_state(const TrainState& state) override {
    if (state.values.flat.size() != state_.values.flat.size() ||
        state.moment1.flat.size() != state.values.flat.size() || state.moment2.flat.size() != state.values.flat.size())
      throw Error(ErrorCode::kInvalidArgument, "CPU backend: the imported training state has another shape");
    state_ = state;
  }

  void column_evidence(const HeldOutRows& held_out, const std::vector<char>& active, int threads,
                       ColumnEvidence& out) override {
    detail::column_evidence(state_.values, held_out, active, threads > 0 ? threads : threads_, out);
  }

 private:
  int threads_;
  int team_cap_ = threads_;
  int epochs_ = 0;
  TrainSetup setup_;
  TrainState state_;
  std::vector<std::unique_ptr<Workspace<float>>> ws_;  // one per member
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
