/// @file prescreen.cpp
/// @brief The prescreen (see prescreen.hpp).
#include "core/prescreen.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

#include <omp.h>

#include "core/outputs.hpp"
#include "core/pair_screen.hpp"

namespace gfs::detail {

std::int64_t prescreen_width(const Config& config, std::int64_t n_rows, std::int64_t n_features) {
  if (config.prescreen == 0 || config.exact || config.support == SupportRule::kStability) return 0;
  const std::int64_t width = config.prescreen > 0 ? config.prescreen : std::max<std::int64_t>(1000, 2 * n_rows);
  return n_features > 2 * width ? width : 0;
}

std::vector<int> prescreen_columns(const std::vector<float>& strengths, std::int64_t width, const std::vector<int>& also) {
  std::vector<int> open = strongest_columns(strengths, static_cast<std::size_t>(std::max<std::int64_t>(width, 0)));
  open.insert(open.end(), also.begin(), also.end());
  std::sort(open.begin(), open.end());
  open.erase(std::unique(open.begin(), open.end()), open.end());
  return open;
}

std::vector<float> screen_strengths(const Config& config, const ScreenInput& in, const train::Targets& targets) {
  return column_strengths(in, target_residuals(targets, in.n_rows),
                          config.threads > 0 ? config.threads : omp_get_max_threads());
}

Prescreen run_prescreen(std::vector<float> strengths, std::int64_t width, const PairScreenReport& pairs) {
  Prescreen p;
  p.strengths = std::move(strengths);
  p.open = prescreen_columns(p.strengths, width, pair_columns(pairs));
  return p;
}

float closed_logit(const train::ActivePolicy& policy, float tau0) {
  return static_cast<float>(policy.threshold(tau0) - 1.0);
}

void close_columns(train::Params<float>& values, int member, const std::vector<int>& open, float logit,
                   std::int64_t first) {
  train::ParamView<float> p = values.member(member);
  std::size_t next = std::lower_bound(open.begin(), open.end(), first) - open.begin();
  for (std::size_t j = 0; j < p.mask_bias.size(); ++j) {
    if (next < open.size() && open[next] == first + static_cast<std::int64_t>(j)) {
      ++next;
      continue;
    }
    p.mask_bias[j] = logit;
  }
}

std::vector<int> rank_prescreened(const std::vector<float>& logits, const std::vector<float>& strengths,
                                  const std::vector<int>& open) {
  std::vector<char> in(logits.size(), 0);
  for (int j : open) in[static_cast<std::size_t>(j)] = 1;
  std::vector<int> order = rank_by_logit(logits);
  // rank_by_logit's order among the open columns, then the others by strength.
  const auto split = std::stable_partition(order.begin(), order.end(), [&](int j) { return in[static_cast<std::size_t>(j)] != 0; });
  std::sort(split, order.end(), [&](int a, int b) {
    const float sa = strengths[static_cast<std::size_t>(a)], sb = strengths[static_cast<std::size_t>(b)];
    return sa > sb || (sa == sb && a < b);
  });
  return order;
}

}  // namespace gfs::detail
