/// @file demo.cpp
/// @brief `gfs demo`: a 3-class problem with 8 informative features hidden among 200, generated in
///        code from a fixed seed, fitted in seconds; prints what was found against the truth.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

#include "cli/commands.hpp"
#include "cli/input.hpp"
#include "cli/progress.hpp"
#include "gfs/error.hpp"
#include "gfs/selector.hpp"

namespace gfs::cli {

void add_demo(CLI::App& app, DemoArgs& a) {
  app.add_option("--seed", a.seed, "Seed of the fit, 0..2^64-1 (the data are always the same)");
  app.add_option("--device", a.device, "auto, cpu, cuda or cuda:N");
  app.add_option("--threads", a.threads, "CPU threads, 0..1024 (0 = all cores)");
  app.add_option("--epochs", a.epochs, "Training epochs (default: the library's)");
  app.add_flag("-q,--quiet", a.quiet, "No progress bar");
}

namespace {

constexpr int kRows = 600;
constexpr int kFeatures = 200;
constexpr int kInformative = 8;
constexpr int kClasses = 3;
constexpr std::uint64_t kDataSeed = 20240607;

struct Synthetic {
  std::vector<float> x;  // [kRows, kFeatures]
  std::vector<float> y;  // [kRows] class 0..2
  std::vector<int> informative;
};

/// Standard normal by Box-Muller from a 64-bit engine: the same numbers on every platform (the
/// standard library's distributions may differ between implementations).
double normal(std::mt19937_64& g) {
  const double u1 = (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53;
  const double u2 = static_cast<double>(g() >> 11) * 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

/// Class c's mean on informative feature k is 1.5 cos(2 pi c / 3 + k pi / 8): every informative
/// feature separates the classes, each in its own way; the other 192 are pure noise.
Synthetic make_data() {
  std::mt19937_64 g(kDataSeed);
  Synthetic s;
  std::vector<int> all(kFeatures);
  for (int j = 0; j < kFeatures; ++j) all[static_cast<std::size_t>(j)] = j;
  for (int k = 0; k < kInformative; ++k) {  // partial Fisher-Yates with our own engine
    const auto pick =
        static_cast<std::size_t>(k) + static_cast<std::size_t>(g() % static_cast<std::uint64_t>(kFeatures - k));
    std::swap(all[static_cast<std::size_t>(k)], all[pick]);
    s.informative.push_back(all[static_cast<std::size_t>(k)]);
  }
  std::sort(s.informative.begin(), s.informative.end());
  s.x.resize(static_cast<std::size_t>(kRows) * kFeatures);
  s.y.resize(kRows);
  for (int i = 0; i < kRows; ++i) {
    const int c = i % kClasses;
    s.y[static_cast<std::size_t>(i)] = static_cast<float>(c);
    float* row = s.x.data() + static_cast<std::size_t>(i) * kFeatures;
    for (int j = 0; j < kFeatures; ++j) row[j] = static_cast<float>(normal(g));
    for (int k = 0; k < kInformative; ++k) {
      row[s.informative[static_cast<std::size_t>(k)]] +=
          static_cast<float>(1.5 * std::cos(6.283185307179586 * c / kClasses + k * 3.141592653589793 / 8));
    }
  }
  return s;
}

void print_list(const char* label, const std::vector<int>& v) {
  std::printf("%-9s [", label);
  for (std::size_t i = 0; i < v.size(); ++i) std::printf("%s%d", i ? ", " : "", v[i]);
  std::printf("]\n");
}

}  // namespace

int run_demo(const DemoArgs& a) {
  const Synthetic s = make_data();
  Config cfg;
  if (!a.seed.empty()) apply_option(cfg, "--seed", "seed", a.seed, std::numeric_limits<long long>::min());
  if (!a.device.empty()) apply_option(cfg, "--device", "device", a.device, 0);
  if (!a.threads.empty()) apply_option(cfg, "--threads", "threads", a.threads, 0);
  if (!a.epochs.empty()) apply_option(cfg, "--epochs", "epochs", a.epochs, 1);
  cfg.validate();
  check_device(cfg.device);
  std::printf("gfs demo: %d rows x %d features, %d classes; %d features carry the signal, %d are noise\n", kRows,
              kFeatures, kClasses, kInformative, kFeatures - kInformative);
  Selector sel(cfg);
  Progress progress(a.quiet);
  sel.set_progress([&progress](const EpochRecord& r, int total) { return progress(r, total); });
  const Result& r = sel.fit(s.x.data(), kRows, kFeatures, s.y.data(), 1);
  progress.finish();
  std::size_t hits = 0;
  for (int j : r.selected) hits += std::binary_search(s.informative.begin(), s.informative.end(), j) ? 1 : 0;
  const double precision =
      r.selected.empty() ? 0.0 : static_cast<double>(hits) / static_cast<double>(r.selected.size());
  const double recall = static_cast<double>(hits) / kInformative;
  std::printf("fit: %d epochs, batch %d, %.2f s on %s\n", cfg.epochs, cfg.batch_size, r.fit_seconds, r.device.c_str());
  print_list("truth:", s.informative);
  print_list("selected:", r.selected);
  std::printf("precision %.2f, recall %.2f (support rule '%s': %zu of %d kept)\n", precision, recall,
              to_string(r.config.support).c_str(), r.selected.size(), kFeatures);
  return 0;
}

}  // namespace gfs::cli
