/// @file plan.cpp
/// @brief Config -> train::Plan.
#include "core/plan.hpp"

#include <cmath>

#include "train/schedule.hpp"

namespace gfs::detail {

train::Plan make_plan(const Config& c, std::int64_t n_rows, std::int64_t n_features) {
  train::Plan p;
  p.seed = c.seed;
  p.epochs = c.epochs;
  p.batch_size = c.batch_size;
  p.shuffle = c.shuffle;
  p.tau0 = c.tau0;
  p.tau_decay = c.tau_decay;
  p.lambda = c.penalty_weight();
  p.warmup_epochs = static_cast<int>(std::lround(static_cast<double>(c.penalty_warmup) * c.epochs));
  p.ramp_epochs = static_cast<int>(std::lround(static_cast<double>(c.penalty_ramp) * c.epochs));
  const auto D = static_cast<double>(n_features), N = static_cast<double>(n_rows);
  switch (c.penalty_scale) {
    case PenaltyScale::kMean:
      p.penalty_norm = static_cast<float>(D);
      break;
    case PenaltyScale::kRows: {  // lambda * (ln D)^2 / N per open feature
      const double l = std::max(std::log(D), 1.0);
      p.penalty_norm = static_cast<float>(N / (l * l));
      break;
    }
    case PenaltyScale::kColumn:
      p.penalty_norm = 1.0F;
      break;
  }
  p.penalty = c.penalty == Penalty::kTarget ? kern::SelectPenalty::kTarget : kern::SelectPenalty::kMean;
  p.target_features = static_cast<float>(c.target_features);
  p.lr_mask = c.lr_mask;
  p.lr_task = c.lr_task;
  p.adam_beta1 = c.adam_beta1;
  p.adam_beta2 = c.adam_beta2;
  p.adam_eps = c.adam_eps;
  p.train_embedding = c.train_embedding;
  p.active.enabled = !c.exact;
  p.active.eps = c.active_eps;
  p.active.delta = c.active_delta;
  p.active.recheck_epochs = c.active_recheck;
  return p;
}

train::ModelShape make_shape(const Config& c, std::int64_t n_features, int n_outputs) {
  train::ModelShape s;
  s.n_features = n_features;
  s.embedding_dim = c.embedding_dim;
  s.hidden = c.hidden;
  s.n_outputs = n_outputs;
  return s;
}

FitPlan make_fit_plan(const Config& config, std::int64_t n_rows, std::int64_t n_features, int n_outputs) {
  FitPlan f;
  f.plan = make_plan(config, n_rows, n_features);
  f.shape = make_shape(config, n_features, n_outputs);
  f.n_draws =
      config.n_draws > 0 ? config.n_draws : static_cast<int>((n_rows + config.batch_size - 1) / config.batch_size);
  f.final_tau = train::final_tau(f.plan);
  return f;
}

train::TrainSetup make_setup(const train::Plan& plan, const float* x, std::int64_t n_rows, const train::ModelShape& shape,
                             const train::Targets& targets, const train::TrainState& state,
                             const train::FeatureBlock* block, train::Reduce* reduce, const float* feature_cost) {
  train::TrainSetup setup;
  setup.x = x;
  setup.n_rows = n_rows;
  setup.features = block != nullptr ? *block : train::FeatureBlock::whole(shape.n_features);
  setup.shape = shape;
  setup.shape.n_features = setup.features.count();
  setup.targets = &targets;
  setup.state = &state;
  setup.plan = plan;
  setup.reduce = reduce;
  setup.feature_cost = feature_cost;
  return setup;
}

}  // namespace gfs::detail
