/// @file cpu_backend_impl.hpp
/// @brief The OpenMP backend: one persistent parallel region per epoch, cpu_step() per batch.
///
/// Included once per instruction set by cpu_backend_<isa>.cpp, which defines GFS_CPU_ISA and
/// compiles this file under `#pragma GCC target`; cpu_backend.cpp picks the best variant the
/// processor supports at run time.
#include <omp.h>

#include <algorithm>
#include <memory>

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

  void setup(const TrainSetup& s) override {
    if (s.x == nullptr || s.targets == nullptr || s.state == nullptr || s.n_rows < 1 ||
        s.shape.n_features != s.features.count() || s.features.x_stride < s.features.count())
      throw Error(ErrorCode::kInternal, "CPU backend: setup() with missing data or an inconsistent column block");
    if (!s.features.is_whole() && s.reduce == nullptr)
      throw Error(ErrorCode::kInternal, "CPU backend: a column block needs a reduce policy");
    setup_ = s;
    state_ = *s.state;
    const int batch = static_cast<int>(std::min<std::int64_t>(s.plan.batch_size, s.n_rows));
    ws_ = std::make_unique<Workspace<float>>(s.shape, s.features, batch);
  }

  EpochStats train_epoch(const std::vector<std::int32_t>& order, float tau, float lambda,
                         std::int64_t first_step) override {
    const train::Plan& plan = setup_.plan;
    const auto n = static_cast<std::int64_t>(order.size());
    const int batch = ws_->max_batch;
    const std::int64_t steps = (n + batch - 1) / batch;
    const train::Targets& t = *setup_.targets;
    StepInput<float> base;
    base.x = setup_.x;
    base.labels = t.labels.data();
    base.class_weight = t.class_weight.data();
    base.values = t.values.data();
    base.classification = t.classification;
    base.tau = tau;
    base.lambda = lambda;
    base.penalty = plan.penalty;
    base.target_features = plan.target_features;
    base.seed = plan.seed;
    base.embedding_grad = plan.train_embedding;
    base.reduce = setup_.reduce;
    EpochStats stats;
    const int team = std::min(team_size(batch), team_cap_);
#pragma omp parallel num_threads(team)
    for (std::int64_t i = 0; i < steps; ++i) {
      StepInput<float> in = base;
      in.rows = order.data() + i * batch;
      in.batch = static_cast<int>(std::min<std::int64_t>(batch, n - i * batch));
      in.step = first_step + i;
      AdamSink<float> sink{state_.values,
                           state_.moment1,
                           state_.moment2,
                           kern::adam_step_coefficients<float>(plan.lr_task, plan.adam_beta1, plan.adam_beta2,
                                                               plan.adam_eps, in.step + 1),
                           kern::adam_step_coefficients<float>(plan.lr_mask, plan.adam_beta1, plan.adam_beta2,
                                                               plan.adam_eps, in.step + 1),
                           plan.train_embedding};
      cpu_step(in, state_.values, *ws_, sink);
      if (omp_get_thread_num() == 0) {  // ws_->terms is stable until the next step's first barrier
        stats.loss += ws_->terms.loss;
        stats.task_loss += ws_->terms.task_loss;
        stats.select_loss += ws_->terms.select_loss;
        stats.mean_mask += ws_->terms.mean_mask;
        ++stats.steps;
      }
    }
    state_.step = first_step + steps;
    adapt_team(team, steps);
    return stats;
  }

  /// When the team kept waiting on descheduled members (the cores are busy with other work), the
  /// next epochs run on one thread; every kRetry epochs the full team is tried again. Results do
  /// not depend on the team size, so this changes only the speed.
  void adapt_team(int team, std::int64_t steps) {
    constexpr int kRetry = 20;
    const int slow = ws_->barrier.take_slow_waits();
    ++epochs_;
    if (team > 1 && slow * 8 > steps) team_cap_ = 1;
    if (epochs_ % kRetry == 0) team_cap_ = threads_;
  }

  /// Threads for this problem: a step must carry enough work per thread to repay its four
  /// barriers (well under a microsecond each on an idle machine).
  [[nodiscard]] int team_size(int batch) const {
    constexpr std::int64_t kWorkPerThread = 1 << 15;  // ~ D * H0 * (B + 4) multiply-adds
    const std::int64_t work = setup_.shape.n_features * setup_.shape.fan_out(0) * (batch + 4);
    const auto useful = static_cast<int>(std::clamp<std::int64_t>(work / kWorkPerThread, 1, 1 << 20));
    const int chunks = setup_.features.last_chunk - setup_.features.first_chunk;
    return std::max(1, std::min({threads_, chunks, useful}));
  }

  void read_logits(std::vector<float>& logits) override {
    const Params<float>& p = state_.values;
    const auto D = static_cast<std::size_t>(setup_.shape.n_features);
    const auto de = static_cast<std::size_t>(setup_.shape.embedding_dim);
    logits.resize(D);
    for (std::size_t j = 0; j < D; ++j) {
      float w = p.mask_bias[j];
      for (std::size_t k = 0; k < de; ++k) w += p.mask_weight[j * de + k] * p.embedding[k];
      logits[j] = w;
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
  std::unique_ptr<Workspace<float>> ws_;
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
