/// @file synthetic.hpp
/// @brief Synthetic data sets with known informative features, for end-to-end tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace gfs::test {

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
/// (Even effects such as f^2 - 1 have no linear trace; see the closing notes of the quality issue.)
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

}  // namespace gfs::test
