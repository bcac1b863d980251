/// @file active_set.cpp
/// @brief The active set: threshold test, gathering and scattering a model's columns.
#include "train/active_set.hpp"

#include <algorithm>
#include <type_traits>

namespace gfs::train {

ColumnIds active_columns(const ActivePolicy& policy, const float* logits, std::int64_t count, double tau) {
  const double t = policy.threshold(tau);
  ColumnIds ids;
  for (std::int64_t j = 0; j < count; ++j)
    if (!(static_cast<double>(logits[j]) < t)) ids.push_back(j);  // a NaN stays active (and is reported)
  return ids;
}

ModelShape gathered_shape(const ModelShape& whole, std::int64_t count) {
  ModelShape s = whole;
  s.n_features = count;
  return s;
}

namespace {

/// Copies the blocks of one member between a whole model and a gathered one; `to_part` says which way.
template <bool ToPart>
void move_columns(std::conditional_t<ToPart, const ParamView<const float>&, ParamView<float>&> full,
                  std::conditional_t<ToPart, ParamView<float>&, const ParamView<const float>&> part,
                  const ColumnIds& ids, int de, int h0) {
  const auto copy = [](const float* from, float* to, std::size_t n) { std::copy(from, from + n, to); };
  const auto n = ids.size();
  const auto sde = static_cast<std::size_t>(de), sh0 = static_cast<std::size_t>(h0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto g = static_cast<std::size_t>(ids[i]);
    if constexpr (ToPart) {
      copy(&full.mask_weight[g * sde], &part.mask_weight[i * sde], sde);
      part.mask_bias[i] = full.mask_bias[g];
      copy(&full.weight[0][g * sh0], &part.weight[0][i * sh0], sh0);
    } else {
      copy(&part.mask_weight[i * sde], &full.mask_weight[g * sde], sde);
      full.mask_bias[g] = part.mask_bias[i];
      copy(&part.weight[0][i * sh0], &full.weight[0][g * sh0], sh0);
    }
  }
  const auto whole = [&](const Span<const float>& from, const Span<float>& to) { copy(from.data(), to.data(), from.size()); };
  if constexpr (ToPart) {
    whole(full.embedding, part.embedding);
    whole(full.bias[0], part.bias[0]);
    for (std::size_t l = 1; l < full.weight.size(); ++l) {
      whole(full.weight[l], part.weight[l]);
      whole(full.bias[l], part.bias[l]);
    }
  } else {
    whole(part.embedding, full.embedding);
    whole(part.bias[0], full.bias[0]);
    for (std::size_t l = 1; l < part.weight.size(); ++l) {
      whole(part.weight[l], full.weight[l]);
      whole(part.bias[l], full.bias[l]);
    }
  }
}

}  // namespace

void gather_columns(const Params<float>& full, int member, const ColumnIds& ids, Params<float>& out) {
  const ParamView<const float> f = full.member(member);
  ParamView<float> p = out.member(0);
  move_columns<true>(f, p, ids, full.shape().embedding_dim, full.shape().fan_out(0));
}

void scatter_columns(const Params<float>& part, const ColumnIds& ids, int member, Params<float>& full) {
  const ParamView<const float> p = part.member(0);
  ParamView<float> f = full.member(member);
  move_columns<false>(f, p, ids, full.shape().embedding_dim, full.shape().fan_out(0));
}

void gather_x(const float* x, std::int64_t n_rows, std::int64_t stride, const ColumnIds& ids, std::vector<float>& out) {
  const auto a = static_cast<std::int64_t>(ids.size());
  out.resize(static_cast<std::size_t>(n_rows * a));
  for (std::int64_t r = 0; r < n_rows; ++r) {
    const float* row = x + r * stride;
    float* o = out.data() + r * a;
    for (std::int64_t i = 0; i < a; ++i) o[i] = row[ids[static_cast<std::size_t>(i)]];
  }
}

}  // namespace gfs::train
