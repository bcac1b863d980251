/// @file math.hpp
/// @brief The per-element math of GFSNetwork, written once for the CPU loops and the CUDA kernels.
///
/// Everything here is a GFS_HOST_DEVICE function templated on the scalar (float for training,
/// double for the reference used by the gradient checks). Float log/exp are our own polynomials:
/// they are branch-free so the CPU loops vectorise, and they give the same bits on both sides.
#pragma once

#include <cstdint>

#include "host_device.hpp"

namespace gfs::kern {

// ---------------------------------------------------------------------------------------------
// log and exp. Float: polynomial, |rel err| < 2 ulp on the ranges we use; double: the library's.

/// Natural log of a positive, finite, normal float.
GFS_HOST_DEVICE float log_poly(float x) {
  const std::uint32_t b = float_to_bits(x);
  const float f1 = bits_to_float((b & 0x7FFFFFU) | 0x3F800000U);  // in [1, 2)
  // Fold into [sqrt(1/2), sqrt(2)) with a multiply by 1 or 1/2: no branch, so loops vectorise.
  const float big = f1 > 1.41421356F ? 1.0F : 0.0F;
  const float f = f1 * (1.0F - 0.5F * big);
  const float ef = static_cast<float>(static_cast<int>((b >> 23) & 0xFFU) - 127) + big;
  // log f = 2 atanh(s) with s = (f-1)/(f+1), |s| <= 0.1716: the odd series to s^9 is exact to 3e-10.
  const float s = (f - 1.0F) / (f + 1.0F);
  const float s2 = s * s;
  const float tail = s2 * (0.33333333F + s2 * (0.2F + s2 * (0.14285715F + s2 * 0.11111111F)));
  const float log_f = 2.0F * s + 2.0F * s * tail;
  return ef * 0.693145752F + (log_f + ef * 1.42860677e-6F);  // ln 2 split hi + lo
}

/// e^x for any float x; saturates to 2^127-ish above 88 and to 2^-126-ish below -87 (both are
/// far beyond what a sigmoid or a softmax can tell apart from the limit).
GFS_HOST_DEVICE float exp_poly(float x) {
  x = min_(max_(x, -87.0F), 88.0F);
  // Round to nearest with the 1.5 * 2^23 trick: plain arithmetic, so the host loops vectorise.
  const float kf = (x * 1.44269504F + 12582912.0F) - 12582912.0F;
  const float r = (x - kf * 0.693145752F) - kf * 1.42860677e-6F;  // |r| <= 0.347
  float p = 1.0F / 5040.0F;
  p = p * r + 1.0F / 720.0F;
  p = p * r + 1.0F / 120.0F;
  p = p * r + 1.0F / 24.0F;
  p = p * r + 1.0F / 6.0F;
  p = p * r + 0.5F;
  p = p * r + 1.0F;
  p = p * r + 1.0F;
  const int k = static_cast<int>(kf);
  return p * bits_to_float(static_cast<std::uint32_t>(k + 127) << 23);
}

GFS_HOST_DEVICE float glog(float x) { return log_poly(x); }
GFS_HOST_DEVICE double glog(double x) { return log_(x); }
GFS_HOST_DEVICE float gexp(float x) { return exp_poly(x); }
GFS_HOST_DEVICE double gexp(double x) { return exp_(x); }

// ---------------------------------------------------------------------------------------------
// Gumbel-Sigmoid mask.

/// Keeps a uniform inside [2^-32, 1 - 2^-24], so that neither logarithm sees 0 (double path).
template <typename T>
GFS_HOST_DEVICE T clamp_uniform(T u) {
  return min_(max_(u, T(2.3283064365386963e-10)), T(1) - T(5.9604644775390625e-08));
}

/// g = -log(-log u), a standard Gumbel sample from a uniform u in [0, 1].
/// Float needs no clamp, and must not have one (it stops the host loops from vectorising):
/// log_poly maps 0 (and -0) to -88.03, the bottom of the exponent range, instead of -inf, so
/// u = 1 gives g = 88.03 and u = 0 gives g = -4.48 — finite, and the mask saturates as it should.
GFS_HOST_DEVICE float gumbel_noise(float u) { return -log_poly(-log_poly(u)); }
/// Double (the reference of the tests) clamps u: g then lies in about [-3.1, 16.6].
GFS_HOST_DEVICE double gumbel_noise(double u) { return -log_(-log_(clamp_uniform(u))); }

/// sigma(x) = 1 / (1 + e^-x); exact limits at +-infinity, never NaN for a non-NaN x.
template <typename T>
GFS_HOST_DEVICE T sigmoid(T x) {
  return T(1) / (T(1) + gexp(-x));
}

/// m = sigma((w + g) / tau): the relaxed mask of one feature.
template <typename T>
GFS_HOST_DEVICE T gumbel_sigmoid_mask(T logit, T gumbel, T tau) {
  return sigmoid((logit + gumbel) / tau);
}

/// dm/dw for m = sigma((w + g) / tau): m (1 - m) / tau. Zero where the mask saturated.
template <typename T>
GFS_HOST_DEVICE T mask_grad_wrt_logit(T mask, T tau) {
  return mask * (T(1) - mask) / tau;
}

/// The hard mask (tau -> 0) selects feature j when w_j + g > 0.
template <typename T>
GFS_HOST_DEVICE bool hard_mask(T logit, T gumbel) {
  return logit + gumbel > T(0);
}

// ---------------------------------------------------------------------------------------------
// Task network pieces.

template <typename T>
GFS_HOST_DEVICE T relu(T x) {
  return x > T(0) ? x : T(0);
}
/// Gradient through ReLU given the pre-activation; the kink at 0 takes the zero branch.
template <typename T>
GFS_HOST_DEVICE T relu_backward(T pre_activation, T grad_out) {
  return pre_activation > T(0) ? grad_out : T(0);
}

/// out[o] = bias[o] + sum_i in[i] * w[i * fo + o] for one row: i outer, o inner, the summation
/// order every implementation of the task network's forward pass uses.
template <typename T>
GFS_HOST_DEVICE void dense_row(const T* in, const T* w, const T* bias, int fi, int fo, T* out) {
  for (int o = 0; o < fo; ++o) out[o] = bias[o];
  for (int i = 0; i < fi; ++i) {
    const T a = in[i];
    const T* wr = w + static_cast<long long>(i) * fo;
    for (int o = 0; o < fo; ++o) out[o] += a * wr[o];
  }
}

/// Softmax cross-entropy of one row of `n` logits against class `label`. Returns the row loss
/// (unscaled); writes d(scale * loss)/dz into grad unless grad is null. Stable: shifts by the row
/// maximum.
template <typename T>
GFS_HOST_DEVICE T softmax_xent_row(const T* z, int n, int label, T scale, T* grad) {
  T zmax = z[0];
  for (int c = 1; c < n; ++c) zmax = z[c] > zmax ? z[c] : zmax;
  T sum = 0;
  for (int c = 0; c < n; ++c) sum += exp_(z[c] - zmax);
  const T log_sum = log_(sum);
  if (grad != nullptr) {
    for (int c = 0; c < n; ++c) {
      const T p = exp_(z[c] - zmax - log_sum);
      grad[c] = scale * (p - (c == label ? T(1) : T(0)));
    }
  }
  return log_sum + zmax - z[label];
}

/// Squared error of one row of `n` outputs. Returns the row's sum of squares; writes
/// d(scale * loss)/dz into grad unless grad is null.
template <typename T, typename Target>
GFS_HOST_DEVICE T squared_error_row(const T* z, const Target* target, int n, T scale, T* grad) {
  T loss = 0;
  for (int c = 0; c < n; ++c) {
    const T diff = z[c] - T(target[c]);
    loss += diff * diff;
    if (grad != nullptr) grad[c] = scale * T(2) * diff;
  }
  return loss;
}

// ---------------------------------------------------------------------------------------------
// Cox partial likelihood (survival). The loss of a batch of n rows with risk scores eta, times t
// and event flags d (1 event, 0 censored) is
//   L = scale * sum_{i: d_i = 1} [ log A_i - eta_i ],   A_i = sum_{j: t_j >= t_i} e^{eta_j}
// (Breslow's handling of ties), scale = 1 / (events in the batch). Efron's: the k-th (0-based, in
// batch order) of the m events tied at t_i takes A_i - (k/m) sum_{tied events j} e^{eta_j}.
// Unlike the other losses it couples the rows, so it is split into per-row pieces that a loop or
// a block of threads runs in three passes: the shift (max eta), every event's denominator, then
// every row's loss and gradient. All sums over the batch run in row order, whoever computes them.

/// How tied event times share a risk set.
enum class CoxTies : int { kBreslow = 0, kEfron = 1 };

/// The batch's largest risk score: every exponent is taken relative to it (no overflow).
template <typename T>
GFS_HOST_DEVICE T cox_shift(const T* eta, int n) {
  T m = eta[0];
  for (int j = 1; j < n; ++j) m = eta[j] > m ? eta[j] : m;
  return m;
}

/// Events in the batch (event flags are 0 or 1).
template <typename E>
GFS_HOST_DEVICE int cox_events(const E* event, int n) {
  int e = 0;
  for (int j = 0; j < n; ++j) e += event[j] != E(0) ? 1 : 0;
  return e;
}

/// Event row i's denominator A_i e^{-shift} (Efron: less its tied share); writes the share k/m that
/// Efron removes into *tie_share (0 under Breslow). A censored row has none: returns 1, share 0.
template <typename T, typename Time, typename E>
GFS_HOST_DEVICE T cox_denominator(const T* eta, const Time* time, const E* event, int n, int i, T shift, CoxTies ties,
                                  T* tie_share) {
  *tie_share = T(0);
  if (event[i] == E(0)) return T(1);
  T risk = 0, tied = 0;
  int before = 0, tied_events = 0;
  for (int j = 0; j < n; ++j) {
    const T e = gexp(eta[j] - shift);
    if (time[j] >= time[i]) risk += e;
    if (event[j] != E(0) && time[j] == time[i]) {
      tied += e;
      before += j < i ? 1 : 0;
      ++tied_events;
    }
  }
  if (ties == CoxTies::kEfron && tied_events > 1) {
    *tie_share = T(before) / T(tied_events);
    risk -= *tie_share * tied;
  }
  // Mathematically A_i >= e^{eta_i - shift} / m > 0; the floor only guards float rounding.
  return max_(risk, T(1e-30));
}

/// Row k's share of the loss (unscaled: 0 for a censored row), and d(scale * L)/d eta_k into *grad
/// unless grad is null. `denom` and `tie_share` are every row's cox_denominator outputs.
template <typename T, typename Time, typename E>
GFS_HOST_DEVICE T cox_row(const T* eta, const Time* time, const E* event, const T* denom, const T* tie_share, int n,
                          int k, T shift, T scale, T* grad) {
  if (grad != nullptr) {
    // d log A_i / d eta_k = e^{eta_k} (1[t_k >= t_i] - share_i 1[k tied with event i]) / A_i.
    const bool k_event = event[k] != E(0);
    T acc = 0;
    for (int i = 0; i < n; ++i) {
      if (event[i] == E(0)) continue;
      T w = time[k] >= time[i] ? T(1) : T(0);
      if (k_event && time[k] == time[i]) w -= tie_share[i];
      acc += w / denom[i];
    }
    *grad = scale * (gexp(eta[k] - shift) * acc - (k_event ? T(1) : T(0)));
  }
  if (event[k] == E(0)) return T(0);
  return glog(denom[k]) - (eta[k] - shift);
}

/// The whole batch in one call (a single thread): returns scale * L and writes grad [n] (unless
/// null); `denom` and `tie_share` are scratch [n]. A batch without events has loss and gradient 0.
template <typename T, typename Time, typename E>
GFS_HOST_DEVICE T cox_batch_loss(const T* eta, const Time* time, const E* event, int n, CoxTies ties, T* denom,
                                 T* tie_share, T* grad) {
  const int events = cox_events(event, n);
  const T scale = events > 0 ? T(1) / T(events) : T(0);
  const T shift = cox_shift(eta, n);
  for (int i = 0; i < n; ++i) denom[i] = cox_denominator(eta, time, event, n, i, shift, ties, tie_share + i);
  T loss = 0;
  for (int k = 0; k < n; ++k)
    loss += scale * cox_row(eta, time, event, denom, tie_share, n, k, shift, scale, grad != nullptr ? grad + k : nullptr);
  return loss;
}

// ---------------------------------------------------------------------------------------------
// Selection penalty.

/// mean: the paper's mean_j m_j (its "raw" mode); target: (mean_j m_j - k/D)^2 for a requested k.
enum class SelectPenalty : int { kMean = 0, kTarget = 1 };

/// The penalty's value, its derivative with respect to every m_j (the same for each j), and the
/// mean mask, from the sum of the masks over all D columns of the fit.
template <typename T>
struct PenaltyTerms {
  T value, grad_per_mask, mean_mask;
};

/// `n_features` is the fit's whole D, also when the caller holds only a block of its columns. The
/// mean penalty is sum_j c_j m_j / norm: norm = D is the paper's mean; another norm keeps the push
/// per feature from fading as D grows (gfs::PenaltyScale). `cost_sum` is sum_j c_j m_j for the
/// columns' costs c_j (gfs::Config::feature_cost; mask_sum when every c_j is 1): the penalty's
/// derivative with respect to m_j is then c_j grad_per_mask. The target penalty takes no costs.
template <typename T>
GFS_HOST_DEVICE PenaltyTerms<T> selection_penalty(SelectPenalty kind, T mask_sum, T n_features, T target_features,
                                                  T norm, T cost_sum) {
  const T mean_mask = mask_sum / n_features;
  if (kind == SelectPenalty::kTarget) {
    const T gap = mean_mask - target_features / n_features;
    return {gap * gap, T(2) * gap / n_features, mean_mask};
  }
  if (norm == n_features) return {cost_sum / n_features, T(1) / n_features, mean_mask};
  return {cost_sum / norm, T(1) / norm, mean_mask};
}

// ---------------------------------------------------------------------------------------------
// Adam (Kingma & Ba), in PyTorch's arrangement: the bias corrections are folded into two
// per-step scalars so the per-element update is three multiply-adds, a sqrt and a divide.

template <typename T>
struct AdamStep {
  T beta1, beta2, one_minus_beta1, one_minus_beta2;
  T step_size;     ///< lr / (1 - beta1^t)
  T inv_sqrt_bc2;  ///< 1 / sqrt(1 - beta2^t)
  T eps;
};

/// The per-step scalars for step t (1-based).
template <typename T>
AdamStep<T> adam_step_coefficients(double lr, double beta1, double beta2, double eps, long long t) {
  const double bc1 = 1.0 - std::pow(beta1, static_cast<double>(t));
  const double bc2 = 1.0 - std::pow(beta2, static_cast<double>(t));
  return AdamStep<T>{T(beta1), T(beta2), T(1.0 - beta1), T(1.0 - beta2), T(lr / bc1), T(1.0 / std::sqrt(bc2)), T(eps)};
}

template <typename T>
GFS_HOST_DEVICE void adam_update(T& param, T& m, T& v, T grad, const AdamStep<T>& s) {
  m = s.beta1 * m + s.one_minus_beta1 * grad;
  v = s.beta2 * v + s.one_minus_beta2 * grad * grad;
  param -= s.step_size * m / (sqrt_(v) * s.inv_sqrt_bc2 + s.eps);
}

// ---------------------------------------------------------------------------------------------
// Outputs after training.

/// p = P(w + g > 0) = 1 - exp(-e^w), computed without cancellation for very negative w.
GFS_HOST_DEVICE double selection_probability(double logit) { return -expm1(-exp(logit)); }

}  // namespace gfs::kern
