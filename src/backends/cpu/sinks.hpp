/// @file sinks.hpp
/// @brief Where cpu_step() sends gradients: Adam (training) or plain storage (gradient checks).
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/model.hpp"
#include "kernels/math.hpp"

namespace gfs::detail {

/// Applies Adam to each block as soon as its gradient is known (fused into the step's passes).
/// moment1/moment2 mirror the parameters; `task` drives theta, `mask` drives phi, bias and e.
template <typename T>
struct AdamSink {
  Params<T>& params;
  Params<T>& moment1;
  Params<T>& moment2;
  kern::AdamStep<T> task;
  kern::AdamStep<T> mask;
  bool train_embedding = true;

  static void update(T* p, T* m, T* v, const T* g, std::int64_t n, const kern::AdamStep<T>& s) {
#pragma omp simd
    for (std::int64_t i = 0; i < n; ++i) kern::adam_update(p[i], m[i], v[i], g[i], s);
  }

  void layer(int l, const T* grad_w, const T* grad_b) {
    const auto li = static_cast<std::size_t>(l);
    if (grad_w != nullptr)
      update(params.weight[li].data(), moment1.weight[li].data(), moment2.weight[li].data(), grad_w,
             static_cast<std::int64_t>(params.weight[li].size()), task);
    update(params.bias[li].data(), moment1.bias[li].data(), moment2.bias[li].data(), grad_b,
           static_cast<std::int64_t>(params.bias[li].size()), task);
  }

  /// Row j of W0 (gradient grad_w0), row j of phi (gradient dw * e) and bias_j (gradient dw).
  void feature(std::int64_t j, const T* grad_w0, T dw) {
    const auto h0 = static_cast<std::int64_t>(params.bias[0].size());
    const auto de = static_cast<std::int64_t>(params.embedding.size());
    const std::size_t r0 = static_cast<std::size_t>(j * h0), r1 = static_cast<std::size_t>(j * de);
    update(&params.weight[0][r0], &moment1.weight[0][r0], &moment2.weight[0][r0], grad_w0, h0, task);
    T* phi = &params.mask_weight[r1];
    T* m = &moment1.mask_weight[r1];
    T* v = &moment2.mask_weight[r1];
    const T* e = params.embedding.data();
#pragma omp simd
    for (std::int64_t k = 0; k < de; ++k) kern::adam_update(phi[k], m[k], v[k], dw * e[k], mask);
    const auto jj = static_cast<std::size_t>(j);
    kern::adam_update(params.mask_bias[jj], moment1.mask_bias[jj], moment2.mask_bias[jj], dw, mask);
  }

  void embedding(const T* grad_e) {
    if (!train_embedding) return;
    update(params.embedding.data(), moment1.embedding.data(), moment2.embedding.data(), grad_e,
           static_cast<std::int64_t>(params.embedding.size()), mask);
  }
};

/// Stores every gradient in a Params-shaped block (for finite-difference checks).
template <typename T>
struct GradSink {
  const Params<T>& params;
  Params<T>& grad;

  void layer(int l, const T* grad_w, const T* grad_b) {
    const auto li = static_cast<std::size_t>(l);
    if (grad_w != nullptr) std::copy(grad_w, grad_w + grad.weight[li].size(), grad.weight[li].begin());
    std::copy(grad_b, grad_b + grad.bias[li].size(), grad.bias[li].begin());
  }
  void feature(std::int64_t j, const T* grad_w0, T dw) {
    const auto h0 = static_cast<std::int64_t>(grad.bias[0].size());
    const auto de = static_cast<std::int64_t>(grad.embedding.size());
    std::copy(grad_w0, grad_w0 + h0, grad.weight[0].begin() + j * h0);
    for (std::int64_t k = 0; k < de; ++k)
      grad.mask_weight[static_cast<std::size_t>(j * de + k)] = dw * params.embedding[static_cast<std::size_t>(k)];
    grad.mask_bias[static_cast<std::size_t>(j)] = dw;
  }
  void embedding(const T* grad_e) { std::copy(grad_e, grad_e + grad.embedding.size(), grad.embedding.begin()); }
};

}  // namespace gfs::detail
