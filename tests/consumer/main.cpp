// Links against an installed libgfs through find_package(gfs) and runs a tiny fit.
#include <cstdio>
#include <vector>

#include "gfs/gfs.hpp"

int main() {
  const int n = 64, d = 4;
  std::vector<float> x(n * d), y(n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) x[i * d + j] = static_cast<float>((i * 7 + j * 13) % 11) - 5.0F;
    y[i] = x[i * d] > 0 ? 1.0F : 0.0F;
  }
  gfs::Config cfg;
  cfg.epochs = 3;
  cfg.batch_size = 8;
  cfg.device = gfs::Device::cpu();
  gfs::Selector sel(cfg);
  const gfs::Result& r = sel.fit(x.data(), n, d, y.data());
  std::printf("consumer: gfs %s fitted %d features on %s\n", GFS_VERSION_STRING, r.n_features, r.device.c_str());
  return r.n_features == d ? 0 : 1;
}
