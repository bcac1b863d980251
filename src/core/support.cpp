/// @file support.cpp
/// @brief The support rules.
#include "core/support.hpp"

#include <algorithm>
#include <iterator>
#include <limits>

#include "core/known_columns.hpp"
#include "core/outputs.hpp"
#include "core/pair_screen.hpp"
#include "gfs/error.hpp"

namespace gfs::detail {

std::vector<int> support_of(const std::vector<float>& logits, const std::vector<std::int32_t>& scores, SupportRule rule,
                            int top_k) {
  std::vector<int> out;
  switch (rule) {
    case SupportRule::kValidated:  // its candidates; select_support runs the held-out test on them
    case SupportRule::kStability:  // needs the members (core/stability.cpp): the logits' majority here
    case SupportRule::kMajority:
      for (std::size_t j = 0; j < logits.size(); ++j)
        if (logits[j] > 0) out.push_back(static_cast<int>(j));
      break;
    case SupportRule::kAny:
      for (std::size_t j = 0; j < scores.size(); ++j)
        if (scores[j] > 0) out.push_back(static_cast<int>(j));
      break;
    case SupportRule::kTopK: {
      const std::vector<int> rank = rank_by_logit(logits);
      const auto k = std::min<std::size_t>(static_cast<std::size_t>(std::max(top_k, 0)), rank.size());
      out.assign(rank.begin(), rank.begin() + static_cast<std::ptrdiff_t>(k));
      std::sort(out.begin(), out.end());
      break;
    }
  }
  return out;
}

std::vector<int> fitted_candidates(const Config& config, const std::vector<float>& logits, std::vector<int> majority) {
  // The must-keep columns are always open (pinned): the fit proposed nothing when they are all
  // the majority set holds.
  const KnownColumns known = KnownColumns::of(config);
  if (majority.size() > known.keep.size()) return majority;
  std::vector<int> fallback;
  for (int j : rank_by_logit(logits)) {
    if (fallback.size() >= static_cast<std::size_t>(config.fallback_candidates)) break;
    if (!known.kept(j) && !known.dropped(j)) fallback.push_back(j);
  }
  std::sort(fallback.begin(), fallback.end());
  return with_kept(known, fallback);
}

std::vector<double> candidate_thresholds(const Config& config, const std::vector<int>& majority,
                                         const std::vector<int>& paired, const std::vector<int>& screened,
                                         const std::vector<int>& confirmed, const std::vector<int>& candidates) {
  const auto in = [](const std::vector<int>& v, int j) { return std::binary_search(v.begin(), v.end(), j); };
  const auto proposed = [&](int j) { return in(majority, j) || in(paired, j) || in(screened, j); };
  std::size_t fallback = 0;
  for (int j : candidates) fallback += proposed(j) ? 0 : 1;
  const double base = config.validation_z;
  const double fallback_z =
      fallback == 0
          ? base
          : std::max(base, two_sided_normal_quantile(2 * kFallbackFamilyError / static_cast<double>(fallback)));
  // A column dearer than the others (Config::feature_cost > 1) must show that much more held-out
  // evidence, confirmed or not; a must-keep column stays whatever it costs.
  const KnownColumns known = KnownColumns::of(config);
  std::vector<double> z;
  for (int j : candidates) {
    double need = in(confirmed, j) ? -std::numeric_limits<double>::infinity() : proposed(j) ? base : fallback_z;
    const double cost = feature_cost_of(config, j);
    if (cost > 1 && !known.kept(j)) need = std::max(need, base * cost);
    z.push_back(need);
  }
  return z;
}

Support select_support(const Config& config, const std::vector<float>& logits, const std::vector<std::int32_t>& scores,
                       const SupportData& data) {
  Support s;
  s.selected = support_of(logits, scores, config.support, config.target_features);
  if (config.support == SupportRule::kValidated) {
    const std::vector<int> majority = fitted_candidates(config, logits, s.selected);
    std::vector<int> extra;
    std::set_union(data.paired_columns.begin(), data.paired_columns.end(), data.screened_columns.begin(),
                   data.screened_columns.end(), std::back_inserter(extra));
    s.candidates.clear();
    std::set_union(majority.begin(), majority.end(), extra.begin(), extra.end(), std::back_inserter(s.candidates));
    // The fallback candidates were closed by the penalty: each must reach the one-sided Bonferroni
    // bound over them at 5 %, so that they add a noise column to the answer in at most 1 fit of 20
    // (at z >= 1 each of ten noise columns would pass 16 % of the time).
    const std::vector<double> min_z = candidate_thresholds(config, s.selected, data.paired_columns,
                                                           data.screened_columns, data.confirmed_columns, s.candidates);
    if (data.fit == nullptr) throw Error(ErrorCode::kInternal, "support 'validated' needs the fit's plan");
    s.selected =
        validate_candidates(config, *data.fit, data.x, data.n_rows, data.n_features, *data.targets, s.candidates,
                            data.train_network, data.x_columns.empty() ? nullptr : &data.x_columns, &min_z)
            .kept;
  }
  return s;
}

}  // namespace gfs::detail
