/// @file synthetic.hpp
/// @brief Synthetic data sets with known informative features, for end-to-end tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace gfs::test {

/// Independent standard-normal values [rows, cols], row-major.
inline std::vector<float> gaussian(std::int64_t rows, std::int64_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> x(static_cast<std::size_t>(rows * cols));
  for (float& v : x) v = normal(rng);
  return x;
}

struct Synthetic {
  std::int64_t rows = 0, cols = 0;
  std::vector<float> x, y;
  std::vector<int> informative;  ///< ascending
  int n_targets = 1;
};

/// Classes from the argmax of random linear functions of `n_informative` spread-out features;
/// every other feature is independent Gaussian noise.
inline Synthetic make_classification(int rows, int cols, int n_informative, int n_classes, unsigned seed) {
  Synthetic s;
  s.rows = rows;
  s.cols = cols;
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  const int stride = cols / n_informative;
  for (int k = 0; k < n_informative; ++k) s.informative.push_back(k * stride + 1);
  std::vector<float> w(static_cast<std::size_t>(n_classes * n_informative));
  for (float& v : w) v = normal(rng);
  s.x.resize(static_cast<std::size_t>(rows) * cols);
  s.y.resize(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) s.x[static_cast<std::size_t>(i) * cols + j] = normal(rng);
    int best = 0;
    float best_v = -1e30F;
    for (int c = 0; c < n_classes; ++c) {
      float v = 0;
      for (int k = 0; k < n_informative; ++k)
        v += w[static_cast<std::size_t>(c * n_informative + k)] *
             s.x[static_cast<std::size_t>(i) * cols + s.informative[static_cast<std::size_t>(k)]];
      if (v > best_v) best_v = v, best = c;
    }
    s.y[static_cast<std::size_t>(i)] = static_cast<float>(best);
  }
  return s;
}

/// y = sum of linear and saturating (tanh) effects of the informative features, plus a little noise.
/// (Even effects: make_regression_with_even_effect.)
inline Synthetic make_regression(int rows, int cols, int n_informative, unsigned seed) {
  Synthetic s;
  s.rows = rows;
  s.cols = cols;
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  const int stride = cols / n_informative;
  for (int k = 0; k < n_informative; ++k) s.informative.push_back(k * stride + 2);
  s.x.resize(static_cast<std::size_t>(rows) * cols);
  s.y.resize(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) s.x[static_cast<std::size_t>(i) * cols + j] = normal(rng);
    float v = 0;
    for (int k = 0; k < n_informative; ++k) {
      const float f = s.x[static_cast<std::size_t>(i) * cols + s.informative[static_cast<std::size_t>(k)]];
      v += (k % 2 == 0) ? 2.0F * f : 2.0F * std::tanh(2.0F * f);
    }
    s.y[static_cast<std::size_t>(i)] = v + 0.1F * normal(rng);
  }
  return s;
}

/// y = 2 f_a + 2 tanh(2 f_b) + 2 (f_c^2 - 1) + noise: f_c acts only through an even effect, which
/// has no linear trace; the network must learn the square before the penalty closes its mask.
inline Synthetic make_regression_with_even_effect(int rows, int cols, unsigned seed) {
  Synthetic s;
  s.rows = rows;
  s.cols = cols;
  s.informative = {3, cols / 2, cols - 4};
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  s.x.resize(static_cast<std::size_t>(rows) * cols);
  s.y.resize(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    const float* row = s.x.data() + static_cast<std::size_t>(i) * cols;
    for (int j = 0; j < cols; ++j) s.x[static_cast<std::size_t>(i) * cols + j] = normal(rng);
    const float a = row[s.informative[0]], b = row[s.informative[1]], c = row[s.informative[2]];
    s.y[static_cast<std::size_t>(i)] =
        2.0F * a + 2.0F * std::tanh(2.0F * b) + 2.0F * (c * c - 1.0F) + 0.1F * normal(rng);
  }
  return s;
}

/// Survival data [rows, 2] = (time, event) from a Cox model with an exponential baseline: risk
/// eta = f_0 - f_1 + 0.8 f_2 + 0.8 f_3 f_4 of informative columns 0..4 (3 and 4 act through their
/// product only), time = Exp(1) / e^eta, censored by an independent exponential time tuned to
/// censor about `censored` of the rows. Times are rounded to 0.01, so some of them tie.
inline Synthetic make_survival(int rows, int cols, double censored, unsigned seed) {
  Synthetic s;
  s.rows = rows;
  s.cols = cols;
  s.n_targets = 2;
  s.x = gaussian(rows, cols, seed);
  s.informative = {0, 1, 2, 3, 4};
  std::mt19937 rng(seed + 1);
  std::exponential_distribution<double> unit(1.0);
  // Censoring rate c with P(C < T) ~ censored: for T of rate ~e^eta averaged, c = r / (1 - r).
  const double rate = censored / (1.0 - censored);
  s.y.resize(static_cast<std::size_t>(rows) * 2);
  for (int i = 0; i < rows; ++i) {
    const float* f = &s.x[static_cast<std::size_t>(i) * cols];
    const double eta = f[0] - f[1] + 0.8 * f[2] + 0.8 * f[3] * f[4];
    const double t = unit(rng) / std::exp(eta), c = unit(rng) / rate;
    s.y[2 * static_cast<std::size_t>(i)] = static_cast<float>(std::round(std::min(t, c) * 100.0) / 100.0);
    s.y[2 * static_cast<std::size_t>(i) + 1] = t <= c ? 1.0F : 0.0F;
  }
  return s;
}

}  // namespace gfs::test
