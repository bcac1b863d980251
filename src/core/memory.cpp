/// @file memory.cpp
/// @brief The fit's memory estimate and the machine's available memory.
#include "core/memory.hpp"

#include <algorithm>
#include <limits>

#include "common/host_memory.hpp"
#include "core/pair_screen.hpp"
#include "core/prescreen.hpp"
#include "gfs/device.hpp"
#include "gfs/error.hpp"
#include "gfs/selector.hpp"

namespace gfs::detail {
namespace {

std::uint64_t mul(std::uint64_t a, std::uint64_t b) { return sys::saturating_mul(a, b); }
std::uint64_t add(std::uint64_t a, std::uint64_t b) { return sys::saturating_add(a, b); }

}  // namespace

std::string FitMemory::describe() const {
  std::string s = human_bytes(total()) + " (data " + human_bytes(data);
  if (standardized != 0) s += ", standardised copy " + human_bytes(standardized);
  s += ", model with gradients and Adam state " + human_bytes(model);
  if (validation != 0) s += ", held-out test and pair screen " + human_bytes(validation);
  s += ", outputs " + human_bytes(outputs) + ", margin " + human_bytes(margin);
  if (process != 0) s += ", process " + human_bytes(process);
  s += ")";
  return s;
}

FitMemory estimate_fit_memory(const Config& cfg, std::int64_t n_rows, std::int64_t n_features, bool in_place) {
  const auto N = static_cast<std::uint64_t>(std::max<std::int64_t>(n_rows, 0));
  const auto D = static_cast<std::uint64_t>(std::max<std::int64_t>(n_features, 0));
  const std::uint64_t f = sizeof(float);
  const std::uint64_t h0 = cfg.hidden.empty() ? 0 : static_cast<std::uint64_t>(std::max(cfg.hidden[0], 0));
  const auto de = static_cast<std::uint64_t>(std::max(cfg.embedding_dim, 0));
  // Regression may have several targets; classification one; survival a time and an event (read,
  // then kept as two columns). Count a few to be safe.
  const std::uint64_t n_targets = cfg.task == Task::kRegression ? 4 : cfg.task == Task::kSurvival ? 4 : 1;
  FitMemory m;
  m.data = mul(mul(N, add(D, n_targets)), f);
  if (cfg.standardize && !in_place) m.standardized = mul(mul(N, D), f);
  if (cfg.task == Task::kRegression && cfg.standardize_targets) m.standardized = add(m.standardized, mul(N, 4 * f));
  // Per feature: the mask layer's weights (d_e) and bias, and the first task layer's row (H1), each
  // as parameter, gradient, Adam m and v and the initial copy (5 floats). Deeper layers are small.
  std::uint64_t deep = 0;
  for (std::size_t l = 1; l < cfg.hidden.size(); ++l)
    deep = add(deep, mul(static_cast<std::uint64_t>(std::max(cfg.hidden[l - 1], 0)) + 1,
                         static_cast<std::uint64_t>(std::max(cfg.hidden[l], 0))));
  m.model = add(mul(mul(D, de + 1 + h0), 5 * f), mul(add(deep, mul(de, 1)), 5 * f));
  // The CPU step's per-feature vectors (logits, uniforms, mask, ...) and batch scratch.
  m.model =
      add(m.model, add(mul(D, 8 * f), mul(mul(static_cast<std::uint64_t>(std::max(cfg.batch_size, 0)), h0), 64 * f)));
  // Stability members are trained together: every member has its own model and step scratch.
  if (cfg.support == SupportRule::kStability)
    m.model = mul(m.model, static_cast<std::uint64_t>(std::max(cfg.members, 1)));
  if (cfg.support == SupportRule::kValidated) {
    // At worst every open feature is a candidate: both halves' rows gathered (N floats each), the
    // first-layer pre-activations in double, and each half's first layer in double (the networks
    // are trained after the main fit's state is no longer needed, so that is not counted twice).
    // A prescreened fit opens `width` columns (and the pair screen's): with the column screen's
    // entries and the fallback, fewer than twice the width can be candidates.
    const auto width = static_cast<std::uint64_t>(prescreen_width(cfg, n_rows, n_features));
    const std::uint64_t candidates = width > 0 ? std::min(D, 2 * width) : D;
    m.validation = add(mul(mul(N, candidates), f),
                       add(mul(mul(N, h0), 2 * sizeof(double)), mul(mul(candidates, h0), 2 * sizeof(double))));
    // The pair screen runs before it (the model is gone by then, and its buffers are freed before
    // the held-out networks start): pair_screen_bytes.
    const double work = static_cast<double>(D) * static_cast<double>(D) * static_cast<double>(N) / 2;
    if (cfg.pair_screen == PairScreen::kOn || (cfg.pair_screen == PairScreen::kAuto && work <= kAutoScreenBudget)) {
      m.validation = std::max(m.validation, pair_screen_bytes(n_rows, n_features, cfg.threads));
    } else if (cfg.pair_screen == PairScreen::kAuto) {
      // Beyond the budget: the pool's columns gathered (N x K floats), screened as a table of K
      // columns, and four double sums per column for the pool's statistic.
      const std::int64_t k = pair_pool_size(n_rows, n_features, 1);
      const std::uint64_t pool = add(add(mul(mul(N, static_cast<std::uint64_t>(k)), f),
                                         pair_screen_bytes(n_rows, k, cfg.threads)),
                                     mul(D, 4 * sizeof(double)));
      m.validation = std::max(m.validation, pool);
    }
  }
  // Scores, logits, probabilities, ranking, means and stds, double thresholds, and the result
  // document's arrays (about 160 bytes a feature as JSON values and text).
  m.outputs = add(mul(D, 12 * f + 160), mul(static_cast<std::uint64_t>(std::max(cfg.epochs, 0)), 64));
  if (cfg.record_probabilities)
    m.outputs = add(m.outputs, mul(mul(static_cast<std::uint64_t>(std::max(cfg.epochs, 0)), D), f + 24));
  const std::uint64_t parts = add(add(add(m.data, m.standardized), add(m.model, m.validation)), m.outputs);
  m.margin = add(parts / 10, std::uint64_t{64} << 20);
  m.process = kProcessBytes;
  if (built_with_cuda() && cfg.device.kind != DeviceKind::kCpu) m.process += kCudaRuntimeBytes;
  return m;
}

std::uint64_t estimate_fit_bytes(const Config& cfg, std::int64_t n_rows, std::int64_t n_features, bool in_place) {
  return estimate_fit_memory(cfg, n_rows, n_features, in_place).total();
}

std::uint64_t available_memory() { return sys::available_memory(); }

std::uint64_t memory_limit(const Config& cfg) { return cfg.max_memory != 0 ? cfg.max_memory : available_memory(); }

std::string human_bytes(std::uint64_t bytes) { return sys::human_bytes(bytes); }

void check_fit_memory(const Config& cfg, std::int64_t n_rows, std::int64_t n_features, bool data_allocated,
                      bool in_place) {
  const FitMemory m = estimate_fit_memory(cfg, n_rows, n_features, in_place);
  // Beside the running process (its fixed cost is already spent, not in what is available).
  const std::uint64_t need = (data_allocated ? m.total() - m.data : m.total()) - m.process;
  const bool explicit_limit = cfg.max_memory != 0;
  // The caller's data counts against an explicit limit even when it is already allocated.
  const std::uint64_t limit = memory_limit(cfg);
  const std::uint64_t counted = explicit_limit ? m.total() : need;
  if (counted <= limit) return;
  throw Error(ErrorCode::kInvalidData,
              "a fit on " + std::to_string(n_rows) + " rows x " + std::to_string(n_features) +
                  " features does not fit in memory: it needs an estimated " + m.describe() + ", but " +
                  (explicit_limit ? "max_memory allows " + human_bytes(limit)
                                  : "only " + human_bytes(limit) + " of memory is available") +
                  "; use fewer features or rows, a larger machine" +
                  (explicit_limit ? std::string(", or a larger max_memory") : std::string()) +
                  (cfg.support == SupportRule::kValidated ? ", or support 'majority' (no held-out test)" : ""));
}

}  // namespace gfs::detail

namespace gfs {

std::uint64_t fit_memory_bytes(const Config& config, std::int64_t n_rows, std::int64_t n_features, bool in_place) {
  return detail::estimate_fit_bytes(config, n_rows, n_features, in_place);
}

std::uint64_t fit_memory_limit(const Config& config) { return detail::memory_limit(config); }

}  // namespace gfs
