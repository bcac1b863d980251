/// @file known_columns.cpp
/// @brief Config::must_keep and must_drop inside a fit (see known_columns.hpp).
#include "core/known_columns.hpp"

#include <algorithm>
#include <iterator>
#include <string>

#include "gfs/error.hpp"

namespace gfs::detail {
namespace {

std::vector<int> sorted_unique(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

bool holds(const std::vector<int>& sorted, int j) { return std::binary_search(sorted.begin(), sorted.end(), j); }

}  // namespace

KnownColumns KnownColumns::of(const Config& config) {
  return KnownColumns{sorted_unique(config.must_keep), sorted_unique(config.must_drop)};
}

KnownColumns KnownColumns::of(const Config& config, std::int64_t n_features) {
  KnownColumns k = of(config);
  for (const auto& [list, name] : {std::pair{&k.keep, "must_keep"}, std::pair{&k.drop, "must_drop"}})
    if (!list->empty() && list->back() >= n_features)
      throw Error(ErrorCode::kInvalidArgument, std::string("setting '") + name + "' holds column " +
                                                   std::to_string(list->back()) + ", but the table has " +
                                                   std::to_string(n_features) + " feature columns (0.." +
                                                   std::to_string(n_features - 1) + ")");
  if (!config.feature_cost.empty() && static_cast<std::int64_t>(config.feature_cost.size()) != n_features)
    throw Error(ErrorCode::kInvalidArgument, "setting 'feature_cost' holds " +
                                                 std::to_string(config.feature_cost.size()) +
                                                 " costs, but the table has " + std::to_string(n_features) +
                                                 " feature columns: give one per column (or none)");
  return k;
}

bool KnownColumns::kept(int j) const { return holds(keep, j); }
bool KnownColumns::dropped(int j) const { return holds(drop, j); }

float pinned_logit(const Config& config) {
  constexpr float kPinned = 1e4F;
  return kPinned * std::max(1.0F, config.tau0);
}

void pin_known_columns(const KnownColumns& known, float logit, train::Params<float>& values, int member,
                       std::int64_t first) {
  train::ParamView<float> p = values.member(member);
  const auto count = static_cast<std::int64_t>(p.mask_bias.size());
  const std::size_t de = p.mask_weight.size() / p.mask_bias.size();
  const auto pin = [&](const std::vector<int>& columns, float value) {
    for (int j : columns) {
      if (j < first || j >= first + count) continue;
      const auto local = static_cast<std::size_t>(j - first);
      std::fill_n(p.mask_weight.begin() + static_cast<std::ptrdiff_t>(local * de), de, 0.0F);
      p.mask_bias[local] = value;
    }
  };
  pin(known.keep, logit);
  pin(known.drop, -logit);
}

std::vector<int> without_dropped(const KnownColumns& known, const std::vector<int>& columns) {
  std::vector<int> out;
  std::set_difference(columns.begin(), columns.end(), known.drop.begin(), known.drop.end(), std::back_inserter(out));
  return out;
}

std::vector<int> with_kept(const KnownColumns& known, const std::vector<int>& columns) {
  std::vector<int> out;
  std::set_union(columns.begin(), columns.end(), known.keep.begin(), known.keep.end(), std::back_inserter(out));
  return out;
}

void rank_dropped_last(const KnownColumns& known, std::vector<int>& ranking) {
  if (known.drop.empty()) return;
  std::stable_partition(ranking.begin(), ranking.end(), [&](int j) { return !known.dropped(j); });
}

}  // namespace gfs::detail
