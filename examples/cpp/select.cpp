// Example: select features with the C++ API on a small synthetic problem whose class depends on
// features 0..4 only. Build: see README ("Linking"); run: ./gfs_example_cpp
#include <cstdio>
#include <random>
#include <vector>

#include "gfs/gfs.hpp"

int main() {
  const int n = 500, d = 50;
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  std::vector<float> x(static_cast<std::size_t>(n) * d), y(n);
  for (int i = 0; i < n; ++i) {
    float s = 0;
    for (int j = 0; j < d; ++j) {
      x[i * d + j] = normal(rng);
      if (j < 5) s += x[i * d + j];
    }
    y[i] = s > 0 ? 1.0F : 0.0F;
  }
  gfs::Config cfg;
  cfg.epochs = 60;
  cfg.device = gfs::Device::cpu();
  try {
    gfs::Selector selector(cfg);
    const gfs::Result& r = selector.fit(x.data(), n, d, y.data());
    std::printf("gfs %s: %zu of %d features selected in %.2f s:", gfs::version(), r.selected.size(), d, r.fit_seconds);
    for (int j : r.selected) std::printf(" %d", j);
    std::printf("\n");
    const std::vector<float> reduced = selector.transform(x.data(), n, d);
    std::printf("reduced data: %d x %zu\n", n, r.selected.size());
    return reduced.size() == static_cast<std::size_t>(n) * r.selected.size() ? 0 : 1;
  } catch (const gfs::Error& e) {
    std::fprintf(stderr, "gfs: %s\n", e.what());
    return 2;
  }
}
