/// @file test_step_kernels.cu
/// @brief The CUDA step kernels, launched one by one on a random problem with injected uniforms
///        (so the RNG is out of the picture), against the CPU backend's cpu_step() with Adam on
///        the same problem: the mask, z0, the loss terms, dz0, dsel/dm, de and every parameter and
///        Adam moment after the step. Both masked-matmul paths (GEMV and gather + cuBLAS) and both
///        task heads. The problem and the checks are tests/common/kernel_fixture.hpp, shared with the
///        block-emulator tests (tests/simt), which run the same bodies on the CPU.
#include <cublas_v2.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "cuda_test_util.cuh"
#include "kernels/cuda/masked_matmul.cuh"
#include "kernels/cuda/step_kernels.cuh"
#include "tests/common/kernel_fixture.hpp"

namespace gfs::test {
namespace {

using train::Params;
using Case = KernelCase;
using Problem = KernelProblem;

/// Device mirror of Params with its moments, owning the buffers.
struct DeviceModel {
  std::vector<std::unique_ptr<DeviceVec<float>>> store;
  cuda::AdamBlock embedding, mask_weight, mask_bias;
  std::vector<cuda::AdamBlock> weight, bias;

  DeviceModel(const Params<float>& v, const Params<float>& m1, const Params<float>& m2) {
    embedding = block(v.embedding, m1.embedding, m2.embedding);
    mask_weight = block(v.mask_weight, m1.mask_weight, m2.mask_weight);
    mask_bias = block(v.mask_bias, m1.mask_bias, m2.mask_bias);
    for (std::size_t l = 0; l < v.weight.size(); ++l) {
      weight.push_back(block(v.weight[l], m1.weight[l], m2.weight[l]));
      bias.push_back(block(v.bias[l], m1.bias[l], m2.bias[l]));
    }
  }
  float* put(train::Span<const float> host) {
    store.push_back(std::make_unique<DeviceVec<float>>(host.to_vector()));
    return store.back()->get();
  }
  cuda::AdamBlock block(train::Span<const float> v, train::Span<const float> a, train::Span<const float> b) {
    return cuda::AdamBlock{put(v), put(a), put(b)};
  }
  /// Downloads value (which = 0), moment 1 (1) or moment 2 (2) into `out` (shaped like Params).
  void read(int which, Params<float>& out) const {
    auto get = [which](const cuda::AdamBlock& blk, train::Span<float> dst) {
      const float* src = which == 0 ? blk.value : which == 1 ? blk.m1 : blk.m2;
      GFS_CUDA_CHECK(cudaMemcpy(dst.data(), src, dst.size() * sizeof(float), cudaMemcpyDeviceToHost));
    };
    get(embedding, out.embedding);
    get(mask_weight, out.mask_weight);
    get(mask_bias, out.mask_bias);
    for (std::size_t l = 0; l < weight.size(); ++l) {
      get(weight[l], out.weight[l]);
      get(bias[l], out.bias[l]);
    }
  }
};

/// Scratch of one GPU step, NaN-poisoned.
struct DeviceStep {
  const Case& c;
  bool small_path;
  int h0, n_chunks, n_mask, n_feature_blocks;
  cuda::GemvChunks chunks;
  DeviceVec<float> x, class_weight, values, uniforms, mask, mask_partial, z_partial, w0_masked, x_batch, grad_g;
  DeviceVec<float> time, event, cox;  // survival (empty otherwise)
  DeviceVec<std::int32_t> order, labels, counter;
  DeviceVec<float> dsel, de_partial, grad_e, stats;
  DeviceVec<cuda::StepParams> steps;
  std::vector<std::unique_ptr<DeviceVec<float>>> pre, dpre;
  std::unique_ptr<DeviceVec<float>> head_partial;

  DeviceStep(const Case& cs, const Problem& p)
      : c(cs),
        small_path(cuda::use_small_batch_path(cs.max_batch, p.shape.fan_out(0), cs.embedding_dim)),
        h0(p.shape.fan_out(0)),
        n_chunks(0),
        n_mask(cuda::mask_blocks(cs.n_features)),
        n_feature_blocks(cuda::feature_blocks(cs.n_features, 4)),
        chunks(cuda::gemv_chunks(cs.n_features, 4)),
        x(p.x),
        class_weight(p.class_weight),
        values(p.values),
        uniforms(p.uniforms),
        mask(static_cast<std::size_t>(cs.n_features)),
        mask_partial(static_cast<std::size_t>(n_mask)),
        z_partial(static_cast<std::size_t>(chunks.count) * cs.max_batch * h0),
        w0_masked(static_cast<std::size_t>(cs.n_features) * h0),
        x_batch(static_cast<std::size_t>(cs.max_batch) * cs.n_features),
        grad_g(static_cast<std::size_t>(cs.n_features) * h0),
        time(p.time),
        event(p.event),
        cox(cs.survival() ? 4 * static_cast<std::size_t>(cs.max_batch) : 0),
        order(p.rows),
        labels(p.labels),
        counter(1),
        dsel(1),
        de_partial(static_cast<std::size_t>(n_feature_blocks) * cs.embedding_dim),
        grad_e(static_cast<std::size_t>(cs.embedding_dim)),
        stats(cuda::kStatsPerStep),
        steps(1) {
    n_chunks = small_path ? chunks.count : 1;
    for (int l = 0; l < p.shape.n_layers(); ++l) {
      const auto n = static_cast<std::size_t>(cs.max_batch) * p.shape.fan_out(l);
      pre.push_back(std::make_unique<DeviceVec<float>>(n));
      dpre.push_back(std::make_unique<DeviceVec<float>>(n));
    }
    GFS_CUDA_CHECK(cudaMemset(counter.get(), 0, sizeof(int)));
    steps.upload({p.step_params(cs)});
  }

  /// The launches of CudaBackend::enqueue_step(), with explicit buffers.
  void run(const Problem& p, DeviceModel& m, cublasHandle_t blas) {
    const cuda::BatchArgs batch{c.n_features, c.max_batch, x.get(), order.get()};
    const cuda::MaskArgs ma{c.n_features,
                            c.embedding_dim,
                            h0,
                            p.input.seed,
                            m.embedding.value,
                            m.mask_weight.value,
                            m.mask_bias.value,
                            m.weight[0].value,
                            uniforms.get(),
                            mask.get(),
                            small_path ? nullptr : w0_masked.get(),
                            mask_partial.get()};
    cuda::launch_gumbel_mask(ma, steps.get(), counter.get(), nullptr);
    if (small_path) {
      cuda::launch_masked_gemv(cuda::GemvArgs{batch, h0, chunks, mask.get(), m.weight[0].value, z_partial.get()},
                               steps.get(), counter.get(), nullptr);
    } else {
      cuda::launch_gather_rows(batch, x_batch.get(), steps.get(), counter.get(), nullptr);
      cuda::gemm_batch_w0(blas, c.max_batch, c.n_features, h0, x_batch.get(), w0_masked.get(), z_partial.get());
    }
    cuda::HeadArgs h = p.head_args(c, batch, [&](int l) {
      const auto li = static_cast<std::size_t>(l);
      return cuda::LayerArgs{static_cast<int>(p.shape.fan_in(l)), p.shape.fan_out(l), m.weight[li], m.bias[li],
                             pre[li]->get(), dpre[li]->get()};
    });
    h.z_partial = z_partial.get();
    h.n_partials = n_chunks;
    h.mask_partial = mask_partial.get();
    h.n_mask_partials = n_mask;
    h.labels = labels.get();
    h.class_weight = class_weight.get();
    h.values = values.get();
    h.time = time.get();
    h.event = event.get();
    h.cox = cox.get();
    h.dsel_dm = dsel.get();
    h.stats = stats.get();
    head_partial = std::make_unique<DeviceVec<float>>(cuda::set_head_split(h, head_split_of(c)));
    h.grad_partial = head_partial->get();
    cuda::launch_task_head(h, steps.get(), counter.get(), nullptr);
    if (!small_path)
      cuda::gemm_feature_grad(blas, c.max_batch, c.n_features, h0, x_batch.get(), dpre[0]->get(), grad_g.get());
    const cuda::FeatureArgs fa{
        batch,      h0,         c.embedding_dim,   n_feature_blocks, small_path,  dpre[0]->get(), grad_g.get(),
        mask.get(), dsel.get(), m.embedding.value, m.weight[0],      m.mask_weight, m.mask_bias,    de_partial.get()};
    cuda::launch_feature_backward(fa, steps.get(), counter.get(), nullptr);
    cuda::launch_embedding_adam(
        cuda::EmbeddingArgs{c.embedding_dim, n_feature_blocks, true, de_partial.get(), m.embedding, grad_e.get()},
        steps.get(), counter.get(), nullptr);
    GFS_CUDA_CHECK(cudaDeviceSynchronize());
  }
};

class StepKernels : public ::testing::TestWithParam<Case> {};

TEST_P(StepKernels, MatchCpuStep) {
  GFS_REQUIRE_GPU();
  const Case& c = GetParam();
  Problem p(c);
  DeviceModel model(p.params, p.m1, p.m2);
  DeviceStep dev(c, p);
  cublasHandle_t blas = nullptr;
  GFS_CUDA_CHECK(cublasCreate(&blas));
  dev.run(p, model, blas);
  GFS_CUDA_CHECK(cublasDestroy(blas));

  const CpuReference cpu(p, c.batch);
  const detail::Workspace<float>& ws = cpu.ws;

  const int h0 = p.shape.fan_out(0);
  const auto live = static_cast<std::size_t>(c.batch) * h0;
  EXPECT_TRUE(all_close(dev.mask.download(), ws.mask, kPointwiseRel, kPointwiseAbs)) << "mask";
  EXPECT_TRUE(close_block(dev.pre[0]->download(), ws.pre[0], live)) << "z0";
  const std::vector<float> stats = dev.stats.download();
  const std::vector<double> ref_stats{ws.terms.loss, ws.terms.task_loss, ws.terms.select_loss, ws.terms.mean_mask};
  EXPECT_TRUE(all_close(stats, ref_stats, kSumRel, kSumAbs)) << "loss, task, select, mean mask";
  const std::vector<float> dz0 = dev.dpre[0]->download();
  EXPECT_TRUE(close_block(dz0, ws.dpre[0], live)) << "dz0";
  for (std::size_t i = live; i < dz0.size(); ++i) ASSERT_EQ(dz0[i], 0.0F) << "dz0 padding row element " << i;
  EXPECT_TRUE(all_close(dev.dsel.download(), std::vector<float>{ws.dsel_dm}, kSumRel, 1e-9)) << "dsel/dm";
  EXPECT_TRUE(close_block(dev.grad_e.download(), ws.grad_e)) << "de";

  Params<float> got = Params<float>::zeros(p.shape);
  model.read(0, got);
  expect_params_close(got, cpu.v, "value");
  model.read(1, got);
  expect_params_close(got, cpu.m1, "moment1");
  model.read(2, got);
  expect_params_close(got, cpu.m2, "moment2");
}

// The same kind of rows as tests/simt/test_simt_step.cpp (name, task, D, batch, allocated batch,
// hidden, outputs, d_e, target penalty, Philox, forced head rows, survival).
INSTANTIATE_TEST_SUITE_P(
    Paths, StepKernels,
    ::testing::Values(Case{"gemv_batch1_ce", true, 2501, 1, 1, {32, 32}, 3, 32, false, false},
                      Case{"gemv_short_batch_target", true, 3000, 5, 7, {40, 16}, 4, 40, true, false},
                      Case{"gemv_no_hidden_mse", false, 999, 4, 4, {}, 1, 16, false, false},
                      Case{"cublas_short_batch_mse", false, 2049, 20, 24, {32}, 2, 32, false, false},
                      Case{"cublas_deep_ce", true, 1500, 30, 30, {48, 32, 8}, 5, 8, true, false},
                      Case{"split3_batch7_target", true, 1001, 7, 7, {40, 16}, 4, 40, true, false, 3},
                      Case{"split_batch1024_mse_h33_7", false, 129, 1024, 1024, {33, 7}, 2, 8, true, false},
                      Case{"split_short1000of1024_ce", true, 65, 1000, 1024, {20}, 5, 12, false, false},
                      Case{"cox_breslow_gemv_b7", false, 333, 7, 7, {32, 16}, 1, 16, false, false, 0, CoxCase::kBreslow},
                      Case{"cox_efron_cublas_b32_target", false, 515, 32, 32, {24, 12}, 1, 16, true, false, 0,
                           CoxCase::kEfron},
                      Case{"cox_efron_cublas_short90of128", false, 77, 90, 128, {20}, 1, 12, false, false, 0,
                           CoxCase::kEfron},
                      Case{"cox_censored_gemv_b6", false, 97, 6, 6, {16}, 1, 8, false, false, 0,
                           CoxCase::kAllCensored}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace gfs::test
