/// @file survival.hpp
/// @brief Host-side survival math over a whole set of rows (held-out rows, the screens): the
///        rows sorted by time once, each risk set a running sum, so n rows cost O(n) after the
///        sort instead of the O(n^2) of the per-batch math in math.hpp (which these equal).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "kernels/math.hpp"

namespace gfs::kern {

/// Rows 0..n-1 by time, latest first; rows of one time in index order.
inline std::vector<std::int64_t> latest_first(const float* time, const std::int64_t* rows, std::int64_t n) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  const auto t = [&](std::int64_t i) { return time[rows != nullptr ? rows[i] : i]; };
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) { return t(a) > t(b); });
  return order;
}

/// Every row's term of the Cox loss over all n rows as one risk set: log A_i - eta_i for an event
/// row (Breslow, or Efron's share for the k-th of m tied events in index order), 0 for a censored
/// one. Row i's time and event are time[rows[i]], event[rows[i]] (rows null: i). `order` is
/// latest_first(...). Equal to math.hpp's cox_row over the same rows, in double.
inline void cox_row_losses(const double* eta, const float* time, const float* event, const std::int64_t* rows,
                           std::int64_t n, const std::vector<std::int64_t>& order, CoxTies ties, double* out) {
  const auto at = [&](std::int64_t i) { return static_cast<std::size_t>(rows != nullptr ? rows[i] : i); };
  double shift = -1e300;
  for (std::int64_t i = 0; i < n; ++i) shift = std::max(shift, eta[i]);
  double risk = 0;
  for (std::size_t g = 0; g < order.size();) {
    // One group of equal times: all of it joins the risk set before any of its events is scored.
    std::size_t end = g;
    double tied = 0;
    int m = 0;
    const float t = time[at(order[g])];
    for (; end < order.size() && time[at(order[end])] == t; ++end) {
      const std::int64_t i = order[end];
      const double e = std::exp(eta[i] - shift);
      risk += e;
      if (event[at(i)] != 0.0F) {
        tied += e;
        ++m;
      }
    }
    int k = 0;
    for (std::size_t p = g; p < end; ++p) {
      const std::int64_t i = order[p];
      if (event[at(i)] == 0.0F) {
        out[i] = 0;
        continue;
      }
      const double share = ties == CoxTies::kEfron && m > 1 ? static_cast<double>(k) / m : 0.0;
      out[i] = std::log(std::max(risk - share * tied, 1e-300)) - (eta[i] - shift);
      ++k;
    }
    g = end;
  }
}

/// Martingale residuals of the null Cox model: event_i - H0(t_i), H0 the Nelson-Aalen cumulative
/// hazard (sum over event times s <= t of events(s) / at risk(s)). The score test of a column x
/// in a Cox model is sum_i x_i r_i (centred x), so these are survival's "target residuals".
inline std::vector<float> martingale_residuals(const float* time, const float* event, std::int64_t n) {
  const std::vector<std::int64_t> order = latest_first(time, nullptr, n);
  // Walk earliest first: the risk set shrinks by each group of equal times once it is scored.
  std::vector<float> r(static_cast<std::size_t>(n));
  double hazard = 0;
  auto at_risk = static_cast<double>(n);
  for (std::size_t g = order.size(); g > 0;) {
    std::size_t begin = g;
    const float t = time[order[g - 1]];
    double events = 0;
    while (begin > 0 && time[order[begin - 1]] == t) {
      --begin;
      events += event[order[begin]] != 0.0F ? 1.0 : 0.0;
    }
    hazard += events / at_risk;
    for (std::size_t p = begin; p < g; ++p) {
      const auto i = static_cast<std::size_t>(order[p]);
      r[i] = static_cast<float>((event[i] != 0.0F ? 1.0 : 0.0) - hazard);
    }
    at_risk -= static_cast<double>(g - begin);
    g = begin;
  }
  return r;
}

}  // namespace gfs::kern
