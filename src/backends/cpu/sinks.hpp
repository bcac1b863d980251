/// @file sinks.hpp
/// @brief Where cpu_step() sends gradients: Adam (training) or plain storage (gradient checks).
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/math.hpp"
#include "train/model.hpp"

#ifndef GFS_CPU_ISA
#define GFS_CPU_ISA portable
#endif

namespace gfs::detail {
// Each instruction-set variant of the CPU backend gets its own copy of these templates (see
// cpu_backend_<isa>.cpp): distinct names, so the linker cannot merge code built for different ISAs.
inline namespace GFS_CPU_ISA {

using train::Params;

/// Applies Adam to each block as soon as its gradient is known (fused into the step's passes).
/// moment1/moment2 mirror the parameters; `task` drives theta, `mask` drives phi, bias and e.
template <typename T>
struct AdamSink {
  train::ParamView<T> params;
  train::ParamView<T> moment1;
  train::ParamView<T> moment2;
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

  /// Features [j, j + n): rows of W0 (grad_w0 [n, H0]), rows of phi (grad_phi [n, d_e]) and the
  /// mask biases (grad_logit [n]); each block is contiguous, so each update is one long loop.
  void features(std::int64_t j, int n, const T* grad_w0, const T* grad_phi, const T* grad_logit) {
    const auto h0 = static_cast<std::int64_t>(params.bias[0].size());
    const auto de = static_cast<std::int64_t>(params.embedding.size());
    const auto r0 = static_cast<std::size_t>(j * h0), r1 = static_cast<std::size_t>(j * de);
    const auto jj = static_cast<std::size_t>(j);
    update(&params.weight[0][r0], &moment1.weight[0][r0], &moment2.weight[0][r0], grad_w0, n * h0, task);
    update(&params.mask_weight[r1], &moment1.mask_weight[r1], &moment2.mask_weight[r1], grad_phi, n * de, mask);
    update(&params.mask_bias[jj], &moment1.mask_bias[jj], &moment2.mask_bias[jj], grad_logit, n, mask);
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
  train::ParamView<T> grad;

  void layer(int l, const T* grad_w, const T* grad_b) {
    const auto li = static_cast<std::size_t>(l);
    if (grad_w != nullptr) std::copy(grad_w, grad_w + grad.weight[li].size(), grad.weight[li].begin());
    std::copy(grad_b, grad_b + grad.bias[li].size(), grad.bias[li].begin());
  }
  void features(std::int64_t j, int n, const T* grad_w0, const T* grad_phi, const T* grad_logit) {
    const auto h0 = static_cast<std::int64_t>(grad.bias[0].size());
    const auto de = static_cast<std::int64_t>(grad.embedding.size());
    std::copy(grad_w0, grad_w0 + n * h0, grad.weight[0].begin() + j * h0);
    std::copy(grad_phi, grad_phi + n * de, grad.mask_weight.begin() + j * de);
    std::copy(grad_logit, grad_logit + n, grad.mask_bias.begin() + j);
  }
  void embedding(const T* grad_e) { std::copy(grad_e, grad_e + grad.embedding.size(), grad.embedding.begin()); }
};

}  // namespace GFS_CPU_ISA
}  // namespace gfs::detail
