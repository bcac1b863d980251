/// @file test_cuda_backend.cu
/// @brief The CUDA backend end to end: a few epochs against the CPU backend from the same
///        TrainSetup (Philox noise on both sides), bit-identical reruns (graph and direct launches
///        alike), and clear errors for a missing device.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <ostream>
#include <random>
#include <vector>

#include "backends/backends.hpp"
#include "cuda_test_util.cuh"
#include "gfs/error.hpp"
#include "train/schedule.hpp"

namespace gfs::test {
namespace {

using train::Backend;
using train::EpochStats;
using train::Params;

struct FitCase {
  const char* name;
  bool classification;
  int n_rows;
  int n_features;
  int batch;
  kern::SelectPenalty penalty;
  bool survival = false;  ///< the Cox loss (classification false): tied times, a third censored, Efron's ties
};

/// A small synthetic fit: the label (or target) depends on features 0..2 only.
struct Fit {
  train::ModelShape shape;
  std::vector<float> x;
  train::Targets targets;
  train::TrainState initial;
  train::TrainSetup setup;

  explicit Fit(const FitCase& c, std::uint64_t seed = 3) {
    std::mt19937 rng(static_cast<unsigned>(seed));
    std::normal_distribution<float> normal;
    shape.n_features = c.n_features;
    shape.embedding_dim = 32;
    shape.hidden = {32, 16};
    shape.n_outputs = c.classification ? 3 : c.survival ? 1 : 2;
    x.resize(static_cast<std::size_t>(c.n_rows) * c.n_features);
    for (float& v : x) v = normal(rng);
    targets.classification = c.classification;
    targets.n_outputs = shape.n_outputs;
    targets.survival = c.survival;
    targets.ties = kern::CoxTies::kEfron;
    for (int i = 0; i < c.n_rows; ++i) {
      const float* r = &x[static_cast<std::size_t>(i) * c.n_features];
      if (c.survival) {
        // Higher risk, earlier event; times on a grid of tenths so that some tie.
        targets.time.push_back(std::round(10.0F * std::exp(-(r[0] - 0.5F * r[1]))) / 10.0F);
        targets.event.push_back(i % 3 != 1 ? 1.0F : 0.0F);
      } else if (c.classification) {
        targets.labels.push_back((r[0] + r[1] > 0 ? 1 : 0) + (r[2] > 1.0F ? 1 : 0));
      } else {
        targets.values.push_back(r[0] - 0.5F * r[1]);
        targets.values.push_back(r[2] * r[0]);
      }
    }
    if (c.classification) targets.class_weight = {1.0F, 2.0F, 0.5F};
    initial = train::TrainState(train::initial_params(shape, seed));
    setup.x = x.data();
    setup.n_rows = c.n_rows;
    setup.features = train::FeatureBlock::whole(c.n_features);
    setup.shape = shape;
    setup.targets = &targets;
    setup.state = &initial;
    setup.plan.batch_size = c.batch;
    setup.plan.penalty = c.penalty;
    setup.plan.target_features = 5;
    setup.plan.lambda = c.penalty == kern::SelectPenalty::kTarget ? 1.0F : 0.3F;  // the library's resolved values
    setup.plan.seed = seed;
  }
};

struct Trained {
  std::vector<EpochStats> epochs;
  std::vector<float> logits;
  Params<float> params;
};

/// `epochs` epochs of the fit's schedule (train::Schedule, as every fit runs it).
Trained train(Backend& backend, const Fit& fit, int epochs) {
  backend.setup(fit.setup);
  Trained t;
  train::Plan plan = fit.setup.plan;
  plan.epochs = epochs;
  train::Schedule schedule(plan, fit.setup.n_rows, fit.targets.strata());
  train::run_epochs(backend, schedule, train::Position{}, [&](int, float, const EpochStats& stats) {
    t.epochs.push_back(stats);
    return true;
  });
  backend.read_logits(t.logits);
  train::TrainState state;
  backend.export_state(state);
  t.params = state.values;
  return t;
}

/// train() on a fresh CUDA backend that launches the step's kernels directly (no graph).
Trained train_without_graphs(const Fit& fit, int epochs) {
  auto backend = detail::make_cuda_backend(0);
  EXPECT_EQ(setenv("GFS_CUDA_GRAPHS", "0", 1), 0);
  Trained t = train(*backend, fit, epochs);
  EXPECT_EQ(unsetenv("GFS_CUDA_GRAPHS"), 0);
  return t;
}

::testing::AssertionResult close_scaled(const std::vector<float>& got, const std::vector<float>& ref, double rel) {
  float scale = 0;
  for (float v : ref) scale = std::max(scale, std::fabs(v));
  return all_close(got, ref, rel, rel * scale + 1e-6);
}

template <typename T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

bool same_bits(const Params<float>& a, const Params<float>& b) { return same_bits(a.flat, b.flat); }

/// Names the case in test listings (instead of its bytes).
void PrintTo(const FitCase& c, std::ostream* os) { *os << c.name; }

class CudaBackendFit : public ::testing::TestWithParam<FitCase> {};

TEST_P(CudaBackendFit, MatchesCpuBackend) {
  GFS_REQUIRE_GPU();
  const Fit fit(GetParam());
  auto cpu = detail::make_cpu_backend(1);
  auto gpu = detail::make_cuda_backend(0);
  const Trained want = train(*cpu, fit, 3);
  const Trained got = train(*gpu, fit, 3);
  constexpr double kRel = 1e-3;  // a few hundred Adam steps apart in summation order and FMA
  EXPECT_TRUE(close_scaled(got.logits, want.logits, kRel)) << "logits";
  EXPECT_TRUE(close_scaled(got.params.mask_weight.to_vector(), want.params.mask_weight.to_vector(), kRel)) << "phi";
  EXPECT_TRUE(close_scaled(got.params.embedding.to_vector(), want.params.embedding.to_vector(), kRel)) << "embedding";
  for (std::size_t l = 0; l < want.params.weight.size(); ++l)
    EXPECT_TRUE(close_scaled(got.params.weight[l].to_vector(), want.params.weight[l].to_vector(), kRel))
        << "weight[" << l << "]";
  for (std::size_t e = 0; e < want.epochs.size(); ++e) {
    EXPECT_EQ(got.epochs[e].steps, want.epochs[e].steps);
    EXPECT_NEAR(got.epochs[e].loss, want.epochs[e].loss, kRel * std::fabs(want.epochs[e].loss)) << "epoch " << e;
    EXPECT_NEAR(got.epochs[e].task_loss, want.epochs[e].task_loss, kRel * std::fabs(want.epochs[e].task_loss));
    EXPECT_NEAR(got.epochs[e].mean_mask, want.epochs[e].mean_mask, kRel * std::fabs(want.epochs[e].mean_mask));
  }
}

TEST_P(CudaBackendFit, RerunIsBitIdenticalWithAndWithoutGraphs) {
  GFS_REQUIRE_GPU();
  const Fit fit(GetParam());
  auto first = detail::make_cuda_backend(0);
  const Trained a = train(*first, fit, 2);
  const Trained b = train(*first, fit, 2);  // setup() again on the same backend
  const Trained c = train_without_graphs(fit, 2);
  EXPECT_TRUE(same_bits(a.logits, b.logits)) << "rerun after setup() on the same backend";
  EXPECT_TRUE(same_bits(a.params, b.params));
  EXPECT_TRUE(same_bits(a.logits, c.logits)) << "direct launches vs the captured graph";
  EXPECT_TRUE(same_bits(a.params, c.params));
  for (std::size_t e = 0; e < a.epochs.size(); ++e) {
    EXPECT_EQ(a.epochs[e].loss, b.epochs[e].loss);
    EXPECT_EQ(a.epochs[e].loss, c.epochs[e].loss);
  }
}

/// An active-set fit (Plan::active): most columns start closed (mask bias far below the
/// threshold), so the first epoch after the warm-up gathers the open ones; later epochs shrink or
/// recheck. The CUDA backend must train the same columns as the CPU backend, epoch by epoch, and
/// end within the dense test's tolerance of it.
void make_active(Fit& fit) {
  fit.setup.plan.active.enabled = true;
  fit.setup.plan.warmup_epochs = 1;
  auto& bias = fit.initial.values.mask_bias;
  for (std::size_t j = 3; j < bias.size(); ++j)
    if (j % 5 != 0) bias[j] = -30.0F;
}

TEST_P(CudaBackendFit, ActiveSetFitMatchesCpuActiveSetFit) {
  GFS_REQUIRE_GPU();
  Fit fit(GetParam());
  make_active(fit);
  auto cpu = detail::make_cpu_backend(1);
  auto gpu = detail::make_cuda_backend(0);
  const Trained want = train(*cpu, fit, 4);
  const Trained got = train(*gpu, fit, 4);
  ASSERT_EQ(got.epochs.size(), want.epochs.size());
  for (std::size_t e = 0; e < want.epochs.size(); ++e)
    EXPECT_EQ(got.epochs[e].columns, want.epochs[e].columns) << "columns trained in epoch " << e + 1;
  EXPECT_LT(want.epochs.back().columns, fit.shape.n_features) << "the active set must shrink (else the test is vacuous)";
  constexpr double kRel = 1e-3;
  EXPECT_TRUE(close_scaled(got.logits, want.logits, kRel)) << "logits";
  EXPECT_TRUE(close_scaled(got.params.mask_weight.to_vector(), want.params.mask_weight.to_vector(), kRel)) << "phi";
  EXPECT_TRUE(close_scaled(got.params.mask_bias.to_vector(), want.params.mask_bias.to_vector(), kRel)) << "bias";
  EXPECT_TRUE(close_scaled(got.params.weight[0].to_vector(), want.params.weight[0].to_vector(), kRel)) << "W0";
  for (std::size_t e = 0; e < want.epochs.size(); ++e)
    EXPECT_NEAR(got.epochs[e].loss, want.epochs[e].loss, kRel * std::fabs(want.epochs[e].loss)) << "epoch " << e;
}

TEST_P(CudaBackendFit, ActiveSetRerunIsBitIdenticalWithAndWithoutGraphs) {
  GFS_REQUIRE_GPU();
  Fit fit(GetParam());
  make_active(fit);
  auto first = detail::make_cuda_backend(0);
  const Trained a = train(*first, fit, 3);
  const Trained b = train_without_graphs(fit, 3);
  EXPECT_TRUE(same_bits(a.logits, b.logits)) << "graphs re-captured for the gathered shape vs direct launches";
  EXPECT_TRUE(same_bits(a.params, b.params));
}

INSTANTIATE_TEST_SUITE_P(
    Paths, CudaBackendFit,
    ::testing::Values(FitCase{"gemv_batch1_ce", true, 64, 301, 1, kern::SelectPenalty::kMean},
                      FitCase{"gemv_short_last_batch_mse", false, 50, 257, 7, kern::SelectPenalty::kTarget},
                      FitCase{"cublas_batch32_ce", true, 100, 1030, 32, kern::SelectPenalty::kTarget},
                      FitCase{"cublas_short_last_batch_mse", false, 70, 513, 20, kern::SelectPenalty::kMean},
                      FitCase{"split_head_batch1024_ce", true, 2100, 129, 1024, kern::SelectPenalty::kMean},
                      FitCase{"cox_gemv_batch8", false, 90, 301, 8, kern::SelectPenalty::kMean, true},
                      FitCase{"cox_cublas_short_last_batch", false, 150, 513, 32, kern::SelectPenalty::kMean, true},
                      FitCase{"cox_one_block_batch200", false, 420, 129, 200, kern::SelectPenalty::kTarget, true}),
    [](const ::testing::TestParamInfo<FitCase>& info) { return std::string(info.param.name); });

TEST(CudaBackendErrors, MissingDeviceIsExplained) {
  EXPECT_TRUE(built_with_cuda());
  const int count = cuda_device_count();
  EXPECT_GE(count, 0);
  for (int ordinal : {-1, count}) {
    try {
      (void)detail::make_cuda_backend(ordinal);
      ADD_FAILURE() << "cuda:" << ordinal << " should not exist";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kDeviceUnavailable) << e.what();
      EXPECT_NE(std::string(e.what()).find("CUDA"), std::string::npos) << e.what();
    }
  }
}

TEST(CudaBackendErrors, ReadBeforeSetupIsAnInternalError) {
  GFS_REQUIRE_GPU();
  auto gpu = detail::make_cuda_backend(0);
  EXPECT_EQ(gpu->name(), "cuda:0");
  std::vector<float> logits;
  EXPECT_THROW(gpu->read_logits(logits), Error);
  EXPECT_THROW((void)gpu->train_epoch({0}, 1.0F, 1.0F, 0, 1), Error);
}

TEST(CudaBackendErrors, TooLargeEmbeddingIsRejected) {
  GFS_REQUIRE_GPU();
  FitCase c{"x", true, 8, 16, 1, kern::SelectPenalty::kMean};
  Fit fit(c);
  fit.setup.shape.embedding_dim = 4096;
  auto gpu = detail::make_cuda_backend(0);
  try {
    gpu->setup(fit.setup);
    ADD_FAILURE() << "embedding_dim 4096 should be rejected";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
  }
}

TEST(CudaBackendErrors, FailedSetupLeavesNothingDangling) {
  GFS_REQUIRE_GPU();
  FitCase c{"x", true, 100, 64, 8, kern::SelectPenalty::kMean};
  Fit fit(c);
  auto gpu = detail::make_cuda_backend(0);
  (void)train(*gpu, fit, 1);  // a working fit first, so there is state to leave behind
  train::TrainSetup huge = fit.setup;
  huge.n_rows = 2'000'000'000;  // X alone would take 800 GB: the arena allocation throws
  try {
    gpu->setup(huge);
    ADD_FAILURE() << "an 800 GB fit should not fit on the device";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDeviceUnavailable) << e.what();
  }
  // Every call must now fail cleanly (not launch on the freed arena), and a new setup must work.
  std::vector<float> logits;
  EXPECT_THROW(gpu->read_logits(logits), Error);
  EXPECT_THROW((void)gpu->train_epoch({0, 1}, 1.0F, 1.0F, 0, 1), Error);
  train::TrainState state;
  EXPECT_THROW(gpu->export_state(state), Error);
  const Trained again = train(*gpu, fit, 1);
  EXPECT_EQ(again.logits.size(), static_cast<std::size_t>(c.n_features));
}

TEST(CudaBackendErrors, DestructorRestoresTheCallersDevice) {
  GFS_REQUIRE_GPU();
  if (cuda_device_count() < 2) GTEST_SKIP() << "needs two CUDA devices (the backend on 0, the caller on 1)";
  GFS_CUDA_CHECK(cudaSetDevice(1));
  {
    FitCase c{"x", true, 40, 32, 4, kern::SelectPenalty::kMean};
    Fit fit(c);
    auto gpu = detail::make_cuda_backend(0);
    (void)train(*gpu, fit, 1);
    GFS_CUDA_CHECK(cudaSetDevice(1));
  }
  int now = -1;
  GFS_CUDA_CHECK(cudaGetDevice(&now));
  EXPECT_EQ(now, 1) << "~CudaBackend left the caller on another device";
  GFS_CUDA_CHECK(cudaSetDevice(0));
}

}  // namespace
}  // namespace gfs::test
