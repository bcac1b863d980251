/// @file evidence.hpp
/// @brief The held-out evidence of support rule "validated" on the CPU, in double precision: per
///        column, how much the loss of held-out rows rises when the column is replaced by 0 (its
///        mean after standardisation). Compiled per instruction set with the rest of the backend.
///
/// The network's first layer is folded with the expected mask (w0_scaled = mask_scale * W0); the
/// rest of the network and the losses are the shared kern:: math the training step uses.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/math.hpp"
#include "kernels/survival.hpp"
#include "train/backend.hpp"

#ifndef GFS_CPU_ISA
#define GFS_CPU_ISA portable
#endif

namespace gfs::detail {
inline namespace GFS_CPU_ISA {
namespace evidence_detail {

using train::ModelShape;
using train::Params;

/// The network's outputs of one row from its first-layer pre-activation z0 [H0] (ReLU MLP), left
/// in a[0 .. n_outputs). `a`, `b` are scratch rows.
inline void outputs_from_z0(const Params<double>& net, const double* z0, std::vector<double>& a,
                            std::vector<double>& b) {
  const ModelShape& shape = net.shape();
  const auto width = static_cast<std::size_t>(std::max(shape.max_width(), shape.fan_out(0)));
  if (a.size() < width) a.resize(width), b.resize(width);
  std::copy(z0, z0 + shape.fan_out(0), a.begin());
  for (int l = 1; l < shape.n_layers(); ++l) {
    const auto li = static_cast<std::size_t>(l);
    const int fi = static_cast<int>(shape.fan_in(l));
    for (int k = 0; k < fi; ++k) a[static_cast<std::size_t>(k)] = kern::relu(a[static_cast<std::size_t>(k)]);
    kern::dense_row(a.data(), net.weight[li].data(), net.bias[li].data(), fi, shape.fan_out(l), b.data());
    a.swap(b);
  }
}

/// Loss of one row from its first-layer pre-activation z0 [H0]: the class-weighted cross-entropy
/// or the mean squared error over the outputs (survival: the row's risk score, see
/// survival_evidence). `a`, `b` are scratch rows.
inline double loss_from_z0(const Params<double>& net, const double* z0, std::int64_t row, const train::Targets& t,
                           std::vector<double>& a, std::vector<double>& b) {
  outputs_from_z0(net, z0, a, b);
  const int n_out = net.shape().n_outputs;
  if (t.survival) return a[0];
  const auto r = static_cast<std::size_t>(row);
  if (t.classification) {
    const int label = t.labels[r];
    return t.class_weight[static_cast<std::size_t>(label)] *
           kern::softmax_xent_row<double>(a.data(), n_out, label, 1.0, nullptr);
  }
  const float* y = t.values.data() + r * static_cast<std::size_t>(n_out);
  return kern::squared_error_row<double>(a.data(), y, n_out, 1.0, nullptr) / n_out;
}

/// z0 = b0 + sum over the active columns k of x_k * w0_scaled[k].
inline void first_layer(const Params<double>& net, const std::vector<double>& w0_scaled, const float* x_row,
                        const std::vector<char>& active, double* z0) {
  const int h0 = net.shape().fan_out(0);
  for (int o = 0; o < h0; ++o) z0[o] = net.bias[0][static_cast<std::size_t>(o)];
  for (std::size_t k = 0; k < active.size(); ++k) {
    if (!active[k] || x_row[k] == 0.0F) continue;
    const double v = x_row[k];
    const double* w = w0_scaled.data() + k * static_cast<std::size_t>(h0);
    for (int o = 0; o < h0; ++o) z0[o] += v * w[o];
  }
}

/// Survival: the loss couples the held-out rows through their risk sets, so every row's term is
/// the Cox term over all held-out rows (kern::cox_row_losses), from every row's risk score.
/// `eta` [n] holds the scores with every active column; per column j, d_i is row i's term with x_j
/// replaced by 0, less its term with it.
inline void survival_evidence(const Params<double>& net, const std::vector<double>& w0_scaled,
                              const train::HeldOutRows& h, const std::vector<char>& active, int threads,
                              const std::vector<double>& z0, const std::vector<double>& eta,
                              train::ColumnEvidence& out) {
  const train::Targets& t = *h.targets;
  const int h0 = net.shape().fan_out(0);
  const auto C = static_cast<std::size_t>(net.shape().n_features);
  const auto n = static_cast<std::size_t>(h.n_rows);
  const std::vector<std::int64_t> order = kern::latest_first(t.time.data(), h.rows, h.n_rows);
  std::vector<double> base(n);
  kern::cox_row_losses(eta.data(), t.time.data(), t.event.data(), h.rows, h.n_rows, order, t.ties, base.data());
  out.base_abs_sum = 0;
  for (double l : base) out.base_abs_sum += std::abs(l);
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> z(static_cast<std::size_t>(h0)), a, b, dropped(n), terms(n);
#pragma omp for schedule(dynamic)
    for (std::size_t j = 0; j < C; ++j) {
      if (!active[j]) continue;
      const double* w = w0_scaled.data() + j * static_cast<std::size_t>(h0);
      for (std::size_t i = 0; i < n; ++i) {
        const double v = h.x[i * C + j];
        if (v == 0.0) {
          dropped[i] = eta[i];
          continue;
        }
        const double* zb = z0.data() + i * static_cast<std::size_t>(h0);
        for (int o = 0; o < h0; ++o) z[static_cast<std::size_t>(o)] = zb[o] - v * w[o];
        outputs_from_z0(net, z.data(), a, b);
        dropped[i] = a[0];
      }
      kern::cox_row_losses(dropped.data(), t.time.data(), t.event.data(), h.rows, h.n_rows, order, t.ties,
                           terms.data());
      double sum = 0, sum_sq = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double d = terms[i] - base[i];
        sum += d;
        sum_sq += d * d;
      }
      out.sum[j] = sum;
      out.sum_sq[j] = sum_sq;
    }
  }
}

}  // namespace evidence_detail

/// ColumnEvidence of every active column of `params`' model on the held-out rows.
inline void column_evidence(const Params<float>& params, const train::HeldOutRows& h, const std::vector<char>& active,
                            int threads, train::ColumnEvidence& out) {
  using evidence_detail::first_layer;
  using evidence_detail::loss_from_z0;
  const Params<double> net = params.cast<double>();
  const int h0 = net.shape().fan_out(0);
  const auto C = static_cast<std::size_t>(net.shape().n_features);
  std::vector<double> w0_scaled(net.weight[0].begin(), net.weight[0].end());
  for (double& w : w0_scaled) w *= h.mask_scale;
  const auto n = h.n_rows;
  // Every row's first layer and loss with all active columns.
  std::vector<double> z0(static_cast<std::size_t>(n) * static_cast<std::size_t>(h0)), base(static_cast<std::size_t>(n));
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> a, b;
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const auto ii = static_cast<std::size_t>(i);
      double* z = z0.data() + ii * static_cast<std::size_t>(h0);
      first_layer(net, w0_scaled, h.x + ii * C, active, z);
      base[ii] = loss_from_z0(net, z, h.rows[ii], *h.targets, a, b);
    }
  }
  out.sum.assign(C, 0.0);
  out.sum_sq.assign(C, 0.0);
  out.n_rows = n;
  if (h.targets->survival) return evidence_detail::survival_evidence(net, w0_scaled, h, active, threads, z0, base, out);
  out.base_abs_sum = 0;
  for (double l : base) out.base_abs_sum += std::abs(l);
    // Per column: the loss with the column removed, against the base, over every row.
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> z(static_cast<std::size_t>(h0)), a, b;
#pragma omp for schedule(dynamic)
    for (std::size_t j = 0; j < C; ++j) {
      if (!active[j]) continue;
      const double* w = w0_scaled.data() + j * static_cast<std::size_t>(h0);
      double sum = 0, sum_sq = 0;
      for (std::int64_t i = 0; i < n; ++i) {
        const auto ii = static_cast<std::size_t>(i);
        const double v = h.x[ii * C + j];
        double d = 0;
        if (v != 0.0) {
          const double* zb = z0.data() + ii * static_cast<std::size_t>(h0);
          for (int o = 0; o < h0; ++o) z[static_cast<std::size_t>(o)] = zb[o] - v * w[o];
          d = loss_from_z0(net, z.data(), h.rows[ii], *h.targets, a, b) - base[ii];
        }
        sum += d;
        sum_sq += d * d;
      }
      out.sum[j] = sum;
      out.sum_sq[j] = sum_sq;
    }
  }
}

}  // namespace GFS_CPU_ISA
}  // namespace gfs::detail
