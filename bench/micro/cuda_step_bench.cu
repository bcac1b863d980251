/// @file cuda_step_bench.cu
/// @brief GPU micro-benchmarks (Google Benchmark, manual timing with CUDA events):
///   BM_CudaStepBatch1/D     one training step at batch 1 (the reference default), D = 1e2..1e6,
///                           timed over whole epochs through the backend (graph replay included);
///   BM_CudaStep/D/B         the same at batch 32 and 1 024 (bench/gpu_model.py predicts all three);
///   BM_GraphNodeLatency/K   a graph of K dependent empty kernels: the per-node cost the model assumes;
///   BM_MaskedMatmulGather   gather of 1024 batch rows at D = 1e5 (GB/s);
///   BM_MaskedMatmulGemm     cuBLAS X_b (diag(m) W0) at B = 1024, D = 1e5, H0 = 32 (GB/s, GFLOP/s);
///   BM_MemcpyDeviceToDevice the device's copy bandwidth, the yardstick for the GB/s above.
/// Run with --benchmark_format=json for batch jobs (bench/gpu_check.sh does).
#include <benchmark/benchmark.h>
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <chrono>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "backends/backends.hpp"
#include "gfs/device.hpp"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/masked_matmul.cuh"
#include "kernels/cuda/step_kernels.cuh"

namespace {

using gfs::train::Params;

/// Elapsed milliseconds of `body` on the default stream, measured with CUDA events.
template <typename F>
double time_ms(F&& body) {
  cudaEvent_t start = nullptr, stop = nullptr;
  GFS_CUDA_CHECK(cudaEventCreate(&start));
  GFS_CUDA_CHECK(cudaEventCreate(&stop));
  GFS_CUDA_CHECK(cudaEventRecord(start));
  body();
  GFS_CUDA_CHECK(cudaEventRecord(stop));
  GFS_CUDA_CHECK(cudaEventSynchronize(stop));
  float ms = 0;
  GFS_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
  GFS_CUDA_CHECK(cudaEventDestroy(start));
  GFS_CUDA_CHECK(cudaEventDestroy(stop));
  return ms;
}

bool skip_without_gpu(benchmark::State& state) {
  if (gfs::cuda_device_count() > 0) return false;
  state.SkipWithError("no CUDA device");
  return true;
}

/// One epoch of `n_rows` rows at batch B per iteration; reports microseconds per step.
void run_steps(benchmark::State& state, std::int64_t D, int B) {
  const int n_rows = B == 1 ? 256 : 8 * B;  // steps per timed epoch: 256 at batch 1, else 8
  gfs::train::ModelShape shape;
  shape.n_features = D;
  shape.n_outputs = 2;
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  std::vector<float> x(static_cast<std::size_t>(n_rows) * static_cast<std::size_t>(D));
  for (float& v : x) v = normal(rng);
  gfs::train::Targets targets;
  targets.n_outputs = 2;
  targets.class_weight = {1.0F, 1.0F};
  for (int i = 0; i < n_rows; ++i) targets.labels.push_back(i % 2);
  const gfs::train::TrainState initial(gfs::train::initial_params(shape, 1));
  gfs::train::TrainSetup setup;
  setup.x = x.data();
  setup.n_rows = n_rows;
  setup.shape = shape;
  setup.targets = &targets;
  setup.state = &initial;
  setup.features = gfs::train::FeatureBlock::whole(D);
  setup.plan.batch_size = B;
  auto backend = gfs::detail::make_cuda_backend(0);
  backend->setup(setup);
  std::vector<std::int32_t> order(static_cast<std::size_t>(n_rows));
  std::iota(order.begin(), order.end(), 0);
  std::int64_t step = 0;
  int epoch = 1;
  step += backend->train_epoch(order, 2.0F, 1.0F, step, epoch).steps;  // warm-up: module loading, graph capture
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    step += backend->train_epoch(order, 2.0F, 1.0F, step, ++epoch).steps;  // ends with a stream synchronisation
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    state.SetIterationTime(dt.count());
  }
  const double steps = static_cast<double>(n_rows / B);
  state.counters["us_per_step"] = benchmark::Counter(static_cast<double>(state.iterations()) * steps * 1e-6,
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["features"] = static_cast<double>(D);
  state.counters["batch"] = static_cast<double>(B);
  state.SetItemsProcessed(state.iterations() * n_rows);
}

void BM_CudaStepBatch1(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  run_steps(state, static_cast<std::int64_t>(state.range(0)), 1);
}
BENCHMARK(BM_CudaStepBatch1)->RangeMultiplier(10)->Range(100, 1000000)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_CudaStep(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  run_steps(state, static_cast<std::int64_t>(state.range(0)), static_cast<int>(state.range(1)));
}
BENCHMARK(BM_CudaStep)
    ->ArgsProduct({{100, 1000, 10000, 100000}, {32, 1024}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

__global__ void empty_kernel() {}

/// A graph of K dependent empty kernels, replayed: the time per node is what one kernel of the
/// step costs before it does any work (bench/gpu_model.py's `node`).
void BM_GraphNodeLatency(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  const int k = static_cast<int>(state.range(0));
  cudaStream_t s = nullptr;
  GFS_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  cudaGraph_t graph = nullptr;
  GFS_CUDA_CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
  for (int i = 0; i < k; ++i) empty_kernel<<<1, 32, 0, s>>>();
  GFS_CUDA_CHECK(cudaStreamEndCapture(s, &graph));
  cudaGraphExec_t exec = nullptr;
  GFS_CUDA_CHECK(cudaGraphInstantiate(&exec, graph, 0));
  constexpr int kReplays = 200;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < kReplays; ++r) GFS_CUDA_CHECK(cudaGraphLaunch(exec, s));
    GFS_CUDA_CHECK(cudaStreamSynchronize(s));
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    state.SetIterationTime(dt.count());
  }
  state.counters["us_per_node"] = benchmark::Counter(static_cast<double>(state.iterations()) * kReplays * k * 1e-6,
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  GFS_CUDA_CHECK(cudaGraphExecDestroy(exec));
  GFS_CUDA_CHECK(cudaGraphDestroy(graph));
  GFS_CUDA_CHECK(cudaStreamDestroy(s));
}
BENCHMARK(BM_GraphNodeLatency)->Arg(1)->Arg(6)->UseManualTime()->Unit(benchmark::kMicrosecond);

constexpr int kB = 1024, kH0 = 32;
constexpr std::int64_t kD = 100000;

/// Device buffers of the masked-matmul benchmarks (X has 2B rows so the gather reads real rows).
struct MatmulData {
  float *x = nullptr, *x_batch = nullptr, *w0m = nullptr, *z0 = nullptr;
  std::int32_t *order = nullptr, *counter = nullptr;
  gfs::cuda::StepParams* steps = nullptr;
  MatmulData() {
    GFS_CUDA_CHECK(cudaMalloc(&x, sizeof(float) * 2 * kB * kD));
    GFS_CUDA_CHECK(cudaMalloc(&x_batch, sizeof(float) * kB * kD));
    GFS_CUDA_CHECK(cudaMalloc(&w0m, sizeof(float) * kD * kH0));
    GFS_CUDA_CHECK(cudaMalloc(&z0, sizeof(float) * kB * kH0));
    GFS_CUDA_CHECK(cudaMalloc(&order, sizeof(std::int32_t) * kB));
    GFS_CUDA_CHECK(cudaMalloc(&counter, sizeof(std::int32_t)));
    GFS_CUDA_CHECK(cudaMalloc(&steps, sizeof(gfs::cuda::StepParams)));
    GFS_CUDA_CHECK(cudaMemset(x, 0, sizeof(float) * 2 * kB * kD));
    GFS_CUDA_CHECK(cudaMemset(w0m, 0, sizeof(float) * kD * kH0));
    GFS_CUDA_CHECK(cudaMemset(counter, 0, sizeof(std::int32_t)));
    std::vector<std::int32_t> rows(kB);
    for (int b = 0; b < kB; ++b) rows[static_cast<std::size_t>(b)] = 2 * b + 1;  // every other row
    GFS_CUDA_CHECK(cudaMemcpy(order, rows.data(), sizeof(std::int32_t) * kB, cudaMemcpyHostToDevice));
    gfs::cuda::StepParams sp;
    sp.n_rows = kB;
    GFS_CUDA_CHECK(cudaMemcpy(steps, &sp, sizeof sp, cudaMemcpyHostToDevice));
  }
  ~MatmulData() {
    for (void* p : {static_cast<void*>(x), static_cast<void*>(x_batch), static_cast<void*>(w0m), static_cast<void*>(z0),
                    static_cast<void*>(order), static_cast<void*>(counter), static_cast<void*>(steps)})
      GFS_CUDA_CHECK_NOTHROW(cudaFree(p));
  }
};

void BM_MaskedMatmulGather(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  MatmulData d;
  const gfs::cuda::BatchArgs args{kD, kB, d.x, d.order};
  gfs::cuda::launch_gather_rows(args, d.x_batch, d.steps, d.counter, nullptr);
  for (auto _ : state)
    state.SetIterationTime(
        1e-3 * time_ms([&] { gfs::cuda::launch_gather_rows(args, d.x_batch, d.steps, d.counter, nullptr); }));
  const double bytes = 2.0 * sizeof(float) * kB * kD;  // read + write
  state.counters["GB/s"] =
      benchmark::Counter(bytes * 1e-9 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MaskedMatmulGather)->UseManualTime()->Unit(benchmark::kMicrosecond);

void BM_MaskedMatmulGemm(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  MatmulData d;
  cublasHandle_t blas = nullptr;
  GFS_CUDA_CHECK(cublasCreate(&blas));
  gfs::cuda::gemm_batch_w0(blas, kB, kD, kH0, d.x_batch, d.w0m, d.z0);
  for (auto _ : state)
    state.SetIterationTime(1e-3 *
                           time_ms([&] { gfs::cuda::gemm_batch_w0(blas, kB, kD, kH0, d.x_batch, d.w0m, d.z0); }));
  const double bytes = sizeof(float) * (static_cast<double>(kB) * kD + static_cast<double>(kD) * kH0 + kB * kH0);
  const auto it = static_cast<double>(state.iterations());
  state.counters["GB/s"] = benchmark::Counter(bytes * 1e-9 * it, benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * kB * kD * kH0 * 1e-9 * it, benchmark::Counter::kIsRate);
  GFS_CUDA_CHECK(cublasDestroy(blas));
}
BENCHMARK(BM_MaskedMatmulGemm)->UseManualTime()->Unit(benchmark::kMicrosecond);

void BM_MemcpyDeviceToDevice(benchmark::State& state) {
  if (skip_without_gpu(state)) return;
  const std::size_t bytes = std::size_t{1} << 30;
  void *a = nullptr, *b = nullptr;
  GFS_CUDA_CHECK(cudaMalloc(&a, bytes));
  GFS_CUDA_CHECK(cudaMalloc(&b, bytes));
  GFS_CUDA_CHECK(cudaMemset(a, 0, bytes));
  for (auto _ : state)
    state.SetIterationTime(1e-3 * time_ms([&] { GFS_CUDA_CHECK(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice)); }));
  state.counters["GB/s"] =
      benchmark::Counter(2.0 * static_cast<double>(bytes) * 1e-9 * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);  // read + write
  GFS_CUDA_CHECK_NOTHROW(cudaFree(a));
  GFS_CUDA_CHECK_NOTHROW(cudaFree(b));
}
BENCHMARK(BM_MemcpyDeviceToDevice)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
