/// @file model.hpp
/// @brief Shapes and parameter blocks of GFSNetwork, shared by the trainer and every backend.
///
/// Parameters (d_e = embedding_dim, D = n_features, H_l = hidden[l], O = n_outputs):
///   embedding  e        [d_e]
///   mask_weight phi     [D, d_e]  row j maps e to logit j        (initialised to zero)
///   mask_bias           [D]                                       (U(-1/sqrt d_e, 1/sqrt d_e))
///   weight[l]           [fan_in(l), fan_out(l)] row-major; layer 0 is D -> H_0, the masked layer
///   bias[l]             [fan_out(l)]
#pragma once

#include <cstdint>
#include <vector>

namespace gfs::detail {

struct ModelShape {
  std::int64_t n_features = 0;
  int embedding_dim = 32;
  std::vector<int> hidden{32, 32};
  int n_outputs = 1;

  [[nodiscard]] int n_layers() const { return static_cast<int>(hidden.size()) + 1; }
  [[nodiscard]] std::int64_t fan_in(int layer) const {
    return layer == 0 ? n_features : hidden[static_cast<std::size_t>(layer - 1)];
  }
  [[nodiscard]] int fan_out(int layer) const {
    return layer + 1 == n_layers() ? n_outputs : hidden[static_cast<std::size_t>(layer)];
  }
  /// Widest layer of the task network after the first (sizes the per-row scratch).
  [[nodiscard]] int max_width() const {
    int w = n_outputs;
    for (int h : hidden) w = h > w ? h : w;
    return w;
  }
};

template <typename T>
struct Params {
  std::vector<T> embedding;
  std::vector<T> mask_weight;
  std::vector<T> mask_bias;
  std::vector<std::vector<T>> weight;
  std::vector<std::vector<T>> bias;

  static Params zeros(const ModelShape& s) {
    Params p;
    const auto D = static_cast<std::size_t>(s.n_features);
    const auto de = static_cast<std::size_t>(s.embedding_dim);
    p.embedding.assign(de, T(0));
    p.mask_weight.assign(D * de, T(0));
    p.mask_bias.assign(D, T(0));
    for (int l = 0; l < s.n_layers(); ++l) {
      p.weight.emplace_back(static_cast<std::size_t>(s.fan_in(l)) * s.fan_out(l), T(0));
      p.bias.emplace_back(static_cast<std::size_t>(s.fan_out(l)), T(0));
    }
    return p;
  }

  /// Calls f(std::vector<T>&) for each block in a fixed order (tests walk every parameter).
  template <typename F>
  void for_each_block(F&& f) {
    f(embedding);
    f(mask_weight);
    f(mask_bias);
    for (std::size_t l = 0; l < weight.size(); ++l) {
      f(weight[l]);
      f(bias[l]);
    }
  }

  template <typename U>
  [[nodiscard]] Params<U> cast() const {
    auto conv = [](const std::vector<T>& v) { return std::vector<U>(v.begin(), v.end()); };
    Params<U> p;
    p.embedding = conv(embedding);
    p.mask_weight = conv(mask_weight);
    p.mask_bias = conv(mask_bias);
    for (std::size_t l = 0; l < weight.size(); ++l) {
      p.weight.push_back(conv(weight[l]));
      p.bias.push_back(conv(bias[l]));
    }
    return p;
  }
};

/// The initialisation of SPEC section 1, drawn from the seed's init stream (host only).
Params<float> initial_params(const ModelShape& shape, std::uint64_t seed);

/// Targets of a fit. Classification: labels [N] in 0..C-1 and class_weight [C] (all ones when
/// unweighted). Regression: values [N, O] row-major.
struct Targets {
  bool classification = true;
  std::vector<std::int32_t> labels;
  std::vector<float> class_weight;
  std::vector<float> values;
  int n_outputs = 1;
};

}  // namespace gfs::detail
