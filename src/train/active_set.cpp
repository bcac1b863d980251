/// @file active_set.cpp
/// @brief The active set: threshold test, gathering and scattering a model's columns.
#include "train/active_set.hpp"

#include <algorithm>
#include <array>
#include <type_traits>
#include <utility>

#include "train/plan.hpp"

namespace gfs::train {

ColumnIds active_columns(const ActivePolicy& policy, const float* logits, std::int64_t count, double tau) {
  const double t = policy.threshold(tau);
  ColumnIds ids;
  for (std::int64_t j = 0; j < count; ++j)
    if (!(static_cast<double>(logits[j]) < t)) ids.push_back(j);  // a NaN stays active (and is reported)
  return ids;
}

ActiveDecision decide_active_set(const ActivePolicy& policy, bool recheck, const ColumnIds* gathered,
                                 const float* logits, std::int64_t n_features, double tau) {
  using Action = ActiveDecision::Action;
  ActiveDecision d;
  if (!active_set_needs_whole_logits(recheck, gathered)) {  // shrink only, from the gathered columns
    const auto a = static_cast<std::int64_t>(gathered->size());
    const ColumnIds local = active_columns(policy, logits, a, tau);
    if (static_cast<double>(local.size()) * policy.compact_factor > static_cast<double>(a) || local.empty()) return d;
    d.action = Action::kGather;
    for (std::int64_t j : local) d.ids.push_back((*gathered)[static_cast<std::size_t>(j)]);
    return d;
  }
  ColumnIds ids = active_columns(policy, logits, n_features, tau);
  if (ids.empty())  // keep the most open column: a model needs one
    ids.push_back(std::max_element(logits, logits + n_features) - logits);
  if (static_cast<double>(ids.size()) * policy.compact_factor > static_cast<double>(n_features)) {
    d.action = gathered != nullptr ? Action::kDense : Action::kKeep;  // not worth gathering
    return d;
  }
  if (gathered != nullptr && *gathered == ids) return d;  // the gathered copy is current
  d.action = Action::kGather;
  d.ids = std::move(ids);
  return d;
}

void member_logits(const Params<float>& values, int member, float* out, int threads) {
  const auto D = static_cast<std::int64_t>(values.shape().n_features);
  const auto de = static_cast<std::size_t>(values.shape().embedding_dim);
  const ParamView<const float> p = values.member(member);
  constexpr std::int64_t kColumnsPerThread = std::int64_t{1} << 14;  // below this a team costs more than it saves
  const int team = static_cast<int>(std::clamp<std::int64_t>(D / kColumnsPerThread, 1, std::max(threads, 1)));
#pragma omp parallel for schedule(static) num_threads(team) if (team > 1)
  for (std::int64_t jj = 0; jj < D; ++jj) {
    const auto j = static_cast<std::size_t>(jj);
    float w = p.mask_bias[j];
    for (std::size_t k = 0; k < de; ++k) w += p.mask_weight[j * de + k] * p.embedding[k];
    out[j] = w;
  }
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

TrainState gather_state(const TrainState& whole, int member, const ColumnIds& ids) {
  TrainState part(Params<float>(gathered_shape(whole.values.shape(), static_cast<std::int64_t>(ids.size()))));
  gather_columns(whole.values, member, ids, part.values);
  gather_columns(whole.moment1, member, ids, part.moment1);
  gather_columns(whole.moment2, member, ids, part.moment2);
  part.step = whole.step;
  return part;
}

void scatter_state(const TrainState& part, const ColumnIds& ids, int member, TrainState& whole) {
  scatter_columns(part.values, ids, member, whole.values);
  scatter_columns(part.moment1, ids, member, whole.moment1);
  scatter_columns(part.moment2, ids, member, whole.moment2);
}

namespace {
/// The three Params of a state: values, then the two Adam moments.
template <typename State>
auto state_params(State& s) {
  return std::array<decltype(&s.values), 3>{&s.values, &s.moment1, &s.moment2};
}
}  // namespace

std::vector<float> pack_feature_rows(const TrainState& state, int member, const ColumnIds& ids) {
  const ModelShape& shape = state.values.shape();
  const auto de = static_cast<std::size_t>(shape.embedding_dim), h0 = static_cast<std::size_t>(shape.fan_out(0));
  std::vector<float> out;
  out.reserve(3 * ids.size() * (de + 1 + h0));
  const auto params = state_params(state);
  for (std::int64_t id : ids) {
    const auto j = static_cast<std::size_t>(id);
    for (const Params<float>* p : params) {
      const ParamView<const float> v = p->member(member);
      out.insert(out.end(), &v.mask_weight[j * de], &v.mask_weight[j * de] + de);
      out.push_back(v.mask_bias[j]);
      out.insert(out.end(), &v.weight[0][j * h0], &v.weight[0][j * h0] + h0);
    }
  }
  return out;
}

void unpack_feature_rows(const std::vector<float>& packed, const TrainState& shared, int member, TrainState& out) {
  const ModelShape& shape = out.values.shape();
  const auto n = static_cast<std::size_t>(shape.n_features);
  const auto de = static_cast<std::size_t>(shape.embedding_dim), h0 = static_cast<std::size_t>(shape.fan_out(0));
  const std::size_t row = de + 1 + h0;
  const auto from = state_params(shared);
  const auto to = state_params(out);
  const auto copy = [](const Span<const float>& a, const Span<float>& b) { std::copy(a.begin(), a.end(), b.begin()); };
  for (std::size_t k = 0; k < 3; ++k) {
    const ParamView<const float> s = from[k]->member(member);
    ParamView<float> v = to[k]->member(0);
    copy(s.embedding, v.embedding);
    copy(s.bias[0], v.bias[0]);
    for (std::size_t l = 1; l < s.weight.size(); ++l) {
      copy(s.weight[l], v.weight[l]);
      copy(s.bias[l], v.bias[l]);
    }
    for (std::size_t j = 0; j < n; ++j) {
      const float* r = packed.data() + (3 * j + k) * row;
      std::copy(r, r + de, &v.mask_weight[j * de]);
      v.mask_bias[j] = r[de];
      std::copy(r + de + 1, r + row, &v.weight[0][j * h0]);
    }
  }
  out.step = shared.step;
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
