/// @file model.hpp
/// @brief Shapes and the flat parameter layout of GFSNetwork, shared by the trainer and every backend.
///
/// Parameters (d_e = embedding_dim, D = n_features, H_l = hidden[l], O = n_outputs), in this order
/// in one flat buffer (ParamLayout gives the offsets):
///   embedding  e        [d_e]
///   mask_weight phi     [D, d_e]  row j maps e to logit j        (initialised to zero)
///   mask_bias           [D]                                       (U(-1/sqrt d_e, 1/sqrt d_e))
///   weight[l], bias[l]  [fan_in(l), fan_out(l)] row-major, [fan_out(l)]; layer 0 is D -> H_0, the
///                       masked layer
/// One flat buffer per quantity means a model, its Adam moments, a checkpoint or a broadcast are
/// each one contiguous array; Params gives named views into it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "kernels/math.hpp"

namespace gfs::train {

struct ModelShape {
  std::int64_t n_features = 0;  ///< columns this model holds (a column block holds fewer than the fit's D)
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

/// Offsets of every parameter block in one flat buffer, in the order of the file comment.
struct ParamLayout {
  ModelShape shape;
  std::size_t embedding = 0, mask_weight = 0, mask_bias = 0;
  std::vector<std::size_t> weight, bias;  ///< per layer
  std::size_t size = 0;                   ///< total floats

  ParamLayout() = default;
  explicit ParamLayout(const ModelShape& s) : shape(s) {
    const auto D = static_cast<std::size_t>(s.n_features);
    const auto de = static_cast<std::size_t>(s.embedding_dim);
    embedding = size;
    size += de;
    mask_weight = size;
    size += D * de;
    mask_bias = size;
    size += D;
    for (int l = 0; l < s.n_layers(); ++l) {
      weight.push_back(size);
      size += static_cast<std::size_t>(s.fan_in(l)) * static_cast<std::size_t>(s.fan_out(l));
      bias.push_back(size);
      size += static_cast<std::size_t>(s.fan_out(l));
    }
  }
  /// Floats of layer l's weight / bias block.
  [[nodiscard]] std::size_t weight_size(int l) const {
    return static_cast<std::size_t>(shape.fan_in(l)) * static_cast<std::size_t>(shape.fan_out(l));
  }
  [[nodiscard]] std::size_t bias_size(int l) const { return static_cast<std::size_t>(shape.fan_out(l)); }
};

/// A contiguous view [data, data + size) (C++17 has no std::span).
template <typename T>
class Span {
 public:
  Span() = default;
  Span(T* data, std::size_t size) : data_(data), size_(size) {}
  /// A view of non-const values converts to a read-only view.
  template <typename U, typename = std::enable_if_t<std::is_same_v<const U, T>>>
  Span(const Span<U>& other) : data_(other.data()), size_(other.size()) {}  // NOLINT(google-explicit-constructor)
  [[nodiscard]] T* data() const { return data_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) const { return data_[i]; }
  [[nodiscard]] T* begin() const { return data_; }
  [[nodiscard]] T* end() const { return data_ + size_; }
  [[nodiscard]] std::vector<std::remove_const_t<T>> to_vector() const { return {begin(), end()}; }
  friend bool operator==(const Span& a, const Span& b) {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }
  friend bool operator!=(const Span& a, const Span& b) { return !(a == b); }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Named views of every parameter block of one model laid out by a ParamLayout at `base`.
template <typename T>
struct ParamView {
  Span<T> embedding, mask_weight, mask_bias;
  std::vector<Span<T>> weight, bias;

  ParamView() = default;
  ParamView(const ParamLayout& layout, T* base) { bind(layout, base); }

  /// Calls f(Span<T>) for each block in layout order (tests walk every parameter).
  template <typename F>
  void for_each_block(F&& f) const {
    f(embedding);
    f(mask_weight);
    f(mask_bias);
    for (std::size_t l = 0; l < weight.size(); ++l) {
      f(weight[l]);
      f(bias[l]);
    }
  }

 protected:
  void bind(const ParamLayout& layout, T* base) {
    const ModelShape& s = layout.shape;
    embedding = {base + layout.embedding, static_cast<std::size_t>(s.embedding_dim)};
    mask_weight = {base + layout.mask_weight, static_cast<std::size_t>(s.n_features) * s.embedding_dim};
    mask_bias = {base + layout.mask_bias, static_cast<std::size_t>(s.n_features)};
    weight.clear();
    bias.clear();
    for (std::size_t l = 0; l < layout.weight.size(); ++l) {
      weight.emplace_back(base + layout.weight[l], layout.weight_size(static_cast<int>(l)));
      bias.emplace_back(base + layout.bias[l], layout.bias_size(static_cast<int>(l)));
    }
  }
};

/// The parameters of `members` models of one shape in one flat buffer [members, layout.size]
/// (`flat`); the named views (inherited) are member 0's, member(m) gives member m's. Most fits hold
/// one member; stability selection trains several together.
template <typename T>
struct Params : ParamView<T> {
  ParamLayout layout;
  int members = 1;
  std::vector<T> flat;

  Params() = default;
  /// All zeros.
  explicit Params(const ModelShape& s, int n_members = 1)
      : layout(s), members(n_members), flat(layout.size * static_cast<std::size_t>(n_members), T(0)) {
    rebind();
  }
  Params(const ParamLayout& l, std::vector<T> values)
      : layout(l), members(l.size > 0 ? static_cast<int>(values.size() / l.size) : 1), flat(std::move(values)) {
    rebind();
  }
  Params(const Params& o) : ParamView<T>(), layout(o.layout), members(o.members), flat(o.flat) { rebind(); }
  Params(Params&& o) noexcept
      : ParamView<T>(), layout(std::move(o.layout)), members(o.members), flat(std::move(o.flat)) {
    rebind();
  }
  Params& operator=(const Params& o) {
    if (this != &o) {
      layout = o.layout;
      members = o.members;
      flat = o.flat;
      rebind();
    }
    return *this;
  }
  Params& operator=(Params&& o) noexcept {
    layout = std::move(o.layout);
    members = o.members;
    flat = std::move(o.flat);
    rebind();
    return *this;
  }

  static Params zeros(const ModelShape& s) { return Params(s); }
  [[nodiscard]] const ModelShape& shape() const { return layout.shape; }
  /// Member m's parameters.
  [[nodiscard]] ParamView<T> member(int m) { return ParamView<T>(layout, flat.data() + layout.size * m); }
  [[nodiscard]] ParamView<const T> member(int m) const {
    return ParamView<const T>(layout, flat.data() + layout.size * m);
  }
  /// Member m alone, as a one-member Params.
  [[nodiscard]] Params copy_member(int m) const {
    const auto first = flat.begin() + static_cast<std::ptrdiff_t>(layout.size * static_cast<std::size_t>(m));
    return Params(layout, std::vector<T>(first, first + static_cast<std::ptrdiff_t>(layout.size)));
  }

  template <typename U>
  [[nodiscard]] Params<U> cast() const {
    return Params<U>(layout, std::vector<U>(flat.begin(), flat.end()));
  }

 private:
  void rebind() { this->bind(layout, flat.data()); }
};

/// The initialisation of SPEC section 1, drawn from the seed's init stream (host only).
Params<float> initial_params(const ModelShape& shape, std::uint64_t seed);
/// The rows of features [first, first + count) of initial_params(whole, seed), drawn directly: every
/// feature-side value is keyed by its global feature index, so a column block starts exactly where
/// the whole-matrix model starts.
Params<float> initial_params(const ModelShape& whole, std::uint64_t seed, std::int64_t first, std::int64_t count);

/// Targets of a fit. Classification: labels [N] in 0..C-1 and class_weight [C] (all ones when
/// unweighted). Regression: values [N, O] row-major. Survival (classification false, survival
/// true, one output: the risk score): time [N] >= 0 and event [N] (1 event, 0 censored).
struct Targets {
  bool classification = true;
  std::vector<std::int32_t> labels;
  std::vector<float> class_weight;
  std::vector<float> values;
  int n_outputs = 1;
  bool survival = false;
  std::vector<float> time, event;
  kern::CoxTies ties = kern::CoxTies::kBreslow;

  /// The strata batches are drawn within (survival: the event flags of rows `rows`, every row when
  /// null); empty when the task has none.
  [[nodiscard]] std::vector<char> strata(const std::vector<std::int64_t>* rows = nullptr) const {
    std::vector<char> s;
    if (!survival) return s;
    const std::size_t n = rows != nullptr ? rows->size() : event.size();
    s.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      s[i] = event[rows != nullptr ? static_cast<std::size_t>((*rows)[i]) : i] != 0.0F ? 1 : 0;
    return s;
  }
};

}  // namespace gfs::train
