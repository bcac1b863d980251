/// @file cpu_bench.cpp
/// @brief CPU micro-benchmarks (Google Benchmark):
///   BM_Philox            Philox4x32-10 blocks -> uniforms                       (items = uniforms)
///   BM_GumbelMask        u -> g -> m for D features (the shared math)           (items = features)
///   BM_CpuStep/D/B       one whole training step through the OpenMP backend,   (items = D x B,
///                        forward + loss + backward + Adam, at batch B            bytes = parameter
///                                                                                and state traffic)
///   BM_AdamFloor/D/T     the exact dense Adam update of W0 [D, 32], phi [D, 32] and the bias [D]
///                        alone, gradients formed on the fly (rank 1, as at batch 1), on T threads:
///                        the floor under any exact step at batch 1 with a frozen embedding
/// Run with --benchmark_format=json for batch jobs.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "backends/backends.hpp"
#include "kernels/math.hpp"
#include "kernels/philox.hpp"

namespace {

void BM_Philox(benchmark::State& state) {
  const auto n = static_cast<std::int64_t>(state.range(0));
  std::vector<float> u(static_cast<std::size_t>(n));
  std::uint64_t step = 0;
  for (auto _ : state) {
    for (std::int64_t q = 0; q < n / 4; ++q) {
      const gfs::kern::Philox4 b = gfs::kern::philox_block(7, step, static_cast<std::uint64_t>(q));
      for (int k = 0; k < 4; ++k) u[static_cast<std::size_t>(4 * q + k)] = gfs::kern::uint_to_uniform(b.v[k]);
    }
    ++step;
    benchmark::DoNotOptimize(u.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Philox)->Arg(1 << 16);

void BM_GumbelMask(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<float> u(n), w(n), m(n);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uni(0.0F, 1.0F);
  for (std::size_t i = 0; i < n; ++i) u[i] = uni(rng), w[i] = uni(rng) - 0.5F;
  for (auto _ : state) {
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i)
      m[i] = gfs::kern::gumbel_sigmoid_mask(w[i], gfs::kern::gumbel_noise(u[i]), 1.3F);
    benchmark::DoNotOptimize(m.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n * 3 * sizeof(float)));
}
BENCHMARK(BM_GumbelMask)->Arg(1 << 16);

/// One training step at (D, B): an epoch of 64 steps through the real backend, divided by 64.
void BM_CpuStep(benchmark::State& state) {
  const auto D = static_cast<std::int64_t>(state.range(0));
  const int B = static_cast<int>(state.range(1));
  const int steps = 64;
  const std::int64_t rows = static_cast<std::int64_t>(B) * steps;
  if (static_cast<double>(rows) * static_cast<double>(D) * 4 > 4e9) {
    state.SkipWithError("data set would exceed 4 GB");
    return;
  }
  gfs::train::ModelShape shape;
  shape.n_features = D;
  shape.n_outputs = 2;
  std::vector<float> x(static_cast<std::size_t>(rows * D));
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  for (float& v : x) v = normal(rng);
  gfs::train::Targets targets;
  targets.labels.resize(static_cast<std::size_t>(rows));
  for (std::int64_t i = 0; i < rows; ++i) targets.labels[static_cast<std::size_t>(i)] = static_cast<int>(i % 2);
  targets.class_weight = {1.0F, 1.0F};
  targets.n_outputs = 2;
  const gfs::train::TrainState init(gfs::train::initial_params(shape, 1));
  gfs::train::TrainSetup setup;
  setup.x = x.data();
  setup.n_rows = rows;
  setup.shape = shape;
  setup.targets = &targets;
  setup.state = &init;
  setup.features = gfs::train::FeatureBlock::whole(D);
  setup.plan.batch_size = B;
  auto backend = gfs::detail::make_cpu_backend(0);
  backend->setup(setup);
  std::vector<std::int32_t> order(static_cast<std::size_t>(rows));
  std::iota(order.begin(), order.end(), 0);
  std::int64_t step = 0;
  int epoch = 0;
  for (auto _ : state) {
    const gfs::train::EpochStats s = backend->train_epoch(order, 1.5F, 1.0F, step, ++epoch);
    step += s.steps;
  }
  state.SetIterationTime(0);  // keep wall time: the per-step number is reported below
  // (steps x 1e-6) per second, inverted: microseconds per step.
  state.counters["us_per_step"] = benchmark::Counter(static_cast<double>(state.iterations()) * steps * 1e-6,
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(state.iterations() * steps * D * B);
  // Per step, per feature: W0 and phi rows with both Adam moments read and written (6 x 2 x H0 x 4
  // bytes at d_e = H0 = 32), plus the batch's x column.
  state.SetBytesProcessed(state.iterations() * steps * D * (6 * 2 * 32 * 4 + B * 4));
}
BENCHMARK(BM_CpuStep)
    ->ArgsProduct({{100, 1000, 10000, 100000, 1000000}, {1, 32, 1024}})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

/// One Adam pass over rows [D, width] with gradient row[j] * col[k]; cloned per instruction set
/// (the library's own kernels are compiled the same way).
__attribute__((target_clones("avx512f", "avx2", "default"))) void adam_pass(float* p, float* m, float* v,
                                                                            const float* row, const float* col,
                                                                            std::size_t D, std::size_t width,
                                                                            const gfs::kern::AdamStep<float>& s,
                                                                            int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::size_t j = 0; j < D; ++j) {
    const float a = row[j];
    float* pj = p + j * width;
    float* mj = m + j * width;
    float* vj = v + j * width;
#pragma omp simd
    for (std::size_t k = 0; k < width; ++k) gfs::kern::adam_update(pj[k], mj[k], vj[k], a * col[k], s);
  }
}

/// Adam over the feature-side blocks only: what a batch-1 step must read and write at the least
/// (value, first and second moment of every parameter), with nothing else in the step.
void BM_AdamFloor(benchmark::State& state) {
  const auto D = static_cast<std::size_t>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  constexpr std::size_t kWidth = 32;  // H0 = d_e = 32
  const std::size_t n = D * (2 * kWidth + 1);
  std::vector<float> p(n, 0.01F), m(n, 0.0F), v(n, 0.0F), row(D), col(2 * kWidth + 1);
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  for (float& a : row) a = normal(rng);
  for (float& b : col) b = normal(rng);
  long long t = 0;
  for (auto _ : state) {
    const auto s = gfs::kern::adam_step_coefficients<float>(1e-3, 0.9, 0.999, 1e-8, ++t);
    adam_pass(p.data(), m.data(), v.data(), row.data(), col.data(), D, col.size(), s, threads);
    benchmark::DoNotOptimize(p.data());
  }
  state.counters["us_per_step"] = benchmark::Counter(static_cast<double>(state.iterations()) * 1e-6,
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n * 6 * sizeof(float)));
}
BENCHMARK(BM_AdamFloor)->ArgsProduct({{1000, 10000}, {1, 2}})->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

/// The pair screen's kernel: S_ab = sum_i v_i x_ia x_ib over every pair a < b of D columns and
/// N rows (D^2 N / 2 multiply-adds; the counter reports GFLOP/s at 2 flops each).
static void BM_PairProducts(benchmark::State& state) {
  const std::int64_t d = state.range(0), n = state.range(1);
  const int threads = static_cast<int>(state.range(2));
  std::mt19937 rng(3);
  std::normal_distribution<float> normal;
  std::vector<float> x(static_cast<std::size_t>(n * d)), v(static_cast<std::size_t>(n));
  for (float& e : x) e = normal(rng);
  for (float& e : v) e = normal(rng);
  std::vector<gfs::detail::PairSum> hits;
  for (auto _ : state) {
    gfs::detail::cpu_pair_products(x.data(), n, d, v.data(), 1e30F, threads, hits);
    benchmark::DoNotOptimize(hits.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(static_cast<double>(d) * static_cast<double>(d) * static_cast<double>(n) * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_PairProducts)->Args({2000, 1000, 2})->Args({10000, 1000, 2})->Args({10000, 1000, 1})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
