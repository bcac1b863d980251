/// @file trainer.cpp
/// @brief fit(): check -> standardise -> initialise -> epochs on the backend -> outputs.
#include "core/trainer.hpp"

#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>

#include "backends/backend.hpp"
#include "core/data.hpp"
#include "core/outputs.hpp"
#include "core/shuffle.hpp"
#include "core/validation.hpp"
#include "gfs/error.hpp"
#include "kernels/philox.hpp"

namespace gfs::detail {
namespace {

/// The backend for the configured device; `note` says why "auto" chose what it chose.
std::unique_ptr<Backend> open_backend(const Config& cfg, std::string& note) {
  switch (cfg.device.kind) {
    case DeviceKind::kCpu:
      return make_cpu_backend(cfg.threads);
    case DeviceKind::kCuda:
      return make_cuda_backend(cfg.device.ordinal);
    case DeviceKind::kAuto:
      break;
  }
  if (!built_with_cuda()) {
    note = "auto: this build has no CUDA backend, running on the CPU";
  } else if (cuda_device_count() == 0) {
    note = "auto: no usable CUDA device found, running on the CPU";
  } else {
    try {
      return make_cuda_backend(0);
    } catch (const Error& e) {
      note = std::string("auto: CUDA device unusable (") + e.what() + "), running on the CPU";
    }
  }
  return make_cpu_backend(cfg.threads);
}

/// A backend for `cfg`'s device with the data and initial parameters of one fit on it (pointers
/// must outlive the backend).
std::unique_ptr<Backend> ready_backend(const Config& cfg, const float* x, std::int64_t n_rows, const ModelShape& shape,
                                       const Targets& targets, const Params<float>& init, std::string& note) {
  std::unique_ptr<Backend> backend = open_backend(cfg, note);
  TrainSetup setup;
  setup.x = x;
  setup.n_rows = n_rows;
  setup.shape = shape;
  setup.targets = &targets;
  setup.initial = &init;
  setup.config = cfg;
  backend->setup(setup);
  return backend;
}

/// lambda for epoch `epoch` (1-based): 0 during the warm-up, then the configured weight.
float epoch_lambda(const Config& cfg, int epoch) {
  const auto warmup = static_cast<int>(std::lround(static_cast<double>(cfg.penalty_warmup) * cfg.epochs));
  return epoch <= warmup ? 0.0F : cfg.penalty_weight();
}

/// The schedule of a fit on a prepared backend: shuffling, tau annealing, the penalty's warm-up,
/// global steps. `after_epoch(epoch, tau, stats)` returns false to stop early.
template <typename AfterEpoch>
void run_epochs(Backend& backend, const Config& cfg, std::int64_t n_rows, AfterEpoch&& after_epoch) {
  std::vector<std::int32_t> order(static_cast<std::size_t>(n_rows));
  std::iota(order.begin(), order.end(), 0);
  std::int64_t step = 0;
  float tau = cfg.tau0;
  for (int epoch = 1; epoch <= cfg.epochs; ++epoch) {
    // Each epoch shuffles with its own subsequence of the shuffle stream.
    if (cfg.shuffle) philox_shuffle(order, cfg.seed, kern::kShuffleStream + static_cast<std::uint64_t>(epoch));
    const EpochStats stats = backend.train_epoch(order, tau, epoch_lambda(cfg, epoch), step);
    step += stats.steps;
    if (!after_epoch(epoch, tau, stats)) break;
    tau *= cfg.tau_decay;
  }
}

EpochRecord make_record(int epoch, float tau, const EpochStats& s, const std::vector<float>& logits) {
  EpochRecord r;
  const double steps = s.steps > 0 ? static_cast<double>(s.steps) : 1.0;
  r.epoch = epoch;
  r.tau = tau;
  r.loss = static_cast<float>(s.loss / steps);
  r.task_loss = static_cast<float>(s.task_loss / steps);
  r.select_loss = static_cast<float>(s.select_loss / steps);
  r.mean_mask = static_cast<float>(s.mean_mask / steps);
  for (float w : logits) r.n_active += w > 0 ? 1 : 0;
  return r;
}

}  // namespace

Result train(const Config& config, const float* x, std::int64_t n_rows, std::int64_t n_features, const float* y,
             int n_targets, const ProgressCallback& progress) {
  const auto start = std::chrono::steady_clock::now();
  config.validate();
  check_inputs(config, x, n_rows, n_features, y, n_targets);

  Result result;
  result.config = config;
  result.config.lambda = config.penalty_weight();
  result.n_features = static_cast<int>(n_features);
  Standardized st;
  const float* train_x = x;
  if (config.standardize) {
    st = standardize(x, n_rows, n_features);
    train_x = st.x.data();
    result.feature_mean = st.mean;
    result.feature_std = st.std;
  }
  const Targets targets = make_targets(config, y, n_rows, n_targets);
  result.n_outputs = targets.n_outputs;

  ModelShape shape;
  shape.n_features = n_features;
  shape.embedding_dim = config.embedding_dim;
  shape.hidden = config.hidden;
  shape.n_outputs = targets.n_outputs;
  const Params<float> init = initial_params(shape, config.seed);

  std::unique_ptr<Backend> backend = ready_backend(config, train_x, n_rows, shape, targets, init, result.device_note);
  result.device = backend->name();

  std::vector<float> logits;
  run_epochs(*backend, config, n_rows, [&](int epoch, float tau, const EpochStats& stats) {
    backend->read_logits(logits);
    result.history.push_back(make_record(epoch, tau, stats, logits));
    if (config.record_probabilities) {
      const std::vector<float> p = selection_probabilities(logits);
      result.probability_history.insert(result.probability_history.end(), p.begin(), p.end());
    }
    return !progress || progress(result.history.back(), config.epochs);
  });
  backend.reset();

  result.logits = logits;
  result.probabilities = selection_probabilities(logits);
  const int n_draws =
      config.n_draws > 0 ? config.n_draws : static_cast<int>((n_rows + config.batch_size - 1) / config.batch_size);
  result.scores = hard_draw_scores(logits, config.seed, n_draws);
  result.selected = support_of(logits, result.scores, config.support, config.target_features);
  if (config.support == SupportRule::kValidated) {
    result.candidates = result.selected;
    // The validation networks run on the fit's device (one backend each, opened like the fit's).
    const NetworkTrainer train_network = [&](const Config& cfg, const float* xs, std::int64_t rows,
                                             const ModelShape& sub_shape, const Targets& t,
                                             const Params<float>& init_params) {
      std::string ignored;
      std::unique_ptr<Backend> b = ready_backend(cfg, xs, rows, sub_shape, t, init_params, ignored);
      run_epochs(*b, cfg, rows, [](int, float, const EpochStats&) { return true; });
      Params<float> trained;
      b->read_params(trained);
      return trained;
    };
    result.selected =
        validate_candidates(config, train_x, n_rows, n_features, targets, result.candidates, train_network).kept;
  }
  result.ranking = rank_by_logit(logits);
  result.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace gfs::detail
