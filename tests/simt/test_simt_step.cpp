/// @file test_simt_step.cpp
/// @brief Every kernel body of the CUDA step, run on the block emulator under three thread orders,
///        against the CPU backend's cpu_step() with Adam on the same problem (odd shapes: D not a
///        multiple of 32, batch 1, 7 and 1 024, short last batches, both masked-matmul paths, the
///        cuBLAS calls through a CPU stand-in with their real shapes). The three orders must agree
///        to the bit (the kernels are deterministic by construction).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/cpu_step.hpp"
#include "backends/cpu/sinks.hpp"
#include "simt_launch.hpp"

namespace gfs::test {
namespace {

using train::Params;

/// Tolerances (STYLE.md habit 8): pointwise a few ulp; sums in another order ~1e-4 of the scale.
constexpr double kPointwiseRel = 1e-5, kPointwiseAbs = 1e-6;
constexpr double kSumRel = 1e-4, kSumAbs = 1e-5;
/// The SM count the launch geometry is computed for (small, so grids are a few blocks).
constexpr int kSmCount = 4;

template <typename A, typename B>
::testing::AssertionResult all_close(const std::vector<A>& got, const std::vector<B>& ref, double rel, double abs,
                                     std::size_t count = static_cast<std::size_t>(-1)) {
  const std::size_t n = std::min({got.size(), ref.size(), count});
  if (count == static_cast<std::size_t>(-1) && got.size() != ref.size())
    return ::testing::AssertionFailure() << "size " << got.size() << " != " << ref.size();
  double worst = 0;
  std::size_t worst_i = 0, bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double g = static_cast<double>(got[i]), r = static_cast<double>(ref[i]);
    const double excess = std::fabs(g - r) / (abs + rel * std::fabs(r));
    if (!(excess <= 1.0)) ++bad;
    if (!(excess <= worst)) {
      worst = std::isnan(excess) ? std::numeric_limits<double>::infinity() : excess;
      worst_i = i;
    }
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << bad << " of " << n << " elements off; worst [" << worst_i << "] got "
                                       << got[worst_i] << " ref " << ref[worst_i];
}

::testing::AssertionResult close_block(const std::vector<float>& got, const std::vector<float>& ref,
                                       std::size_t count = static_cast<std::size_t>(-1)) {
  float scale = 0;
  for (std::size_t i = 0; i < std::min(ref.size(), count); ++i) scale = std::max(scale, std::fabs(ref[i]));
  return all_close(got, ref, kSumRel, kSumRel * scale + 1e-7, count);
}

struct Case {
  const char* name;
  bool classification;
  int n_features;
  int batch;      ///< rows in the step
  int max_batch;  ///< rows allocated (> batch: a short last batch)
  std::vector<int> hidden;
  int outputs;
  int embedding_dim;
  bool target_penalty;
  bool philox;  ///< the noise from Philox (else injected uniforms)
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

/// A random problem with non-zero Adam state (as tests/cuda/test_step_kernels.cu builds it).
struct Problem {
  train::ModelShape shape;
  Params<float> params, m1, m2;
  std::vector<float> x, values, class_weight, uniforms;
  std::vector<std::int32_t> labels, rows;
  detail::StepInput<float> input;
  kern::AdamStep<float> task{}, mask{};

  explicit Problem(const Case& c, unsigned seed = 5) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::uniform_real_distribution<float> uni(0.02F, 0.98F);
    const int n = c.max_batch + 11;
    shape.n_features = c.n_features;
    shape.embedding_dim = c.embedding_dim;
    shape.hidden = c.hidden;
    shape.n_outputs = c.outputs;
    params = Params<float>::zeros(shape);
    for (float& v : params.embedding) v = normal(rng);
    for (float& v : params.mask_weight) v = 0.3F * normal(rng);
    for (float& v : params.mask_bias) v = normal(rng);
    for (int l = 0; l < shape.n_layers(); ++l) {
      const float s = 1.0F / std::sqrt(static_cast<float>(shape.fan_in(l)));
      for (float& v : params.weight[static_cast<std::size_t>(l)]) v = s * normal(rng);
      for (float& v : params.bias[static_cast<std::size_t>(l)]) v = 0.1F * normal(rng);
    }
    m1 = Params<float>::zeros(shape);
    m2 = Params<float>::zeros(shape);
    m2.for_each_block([&](train::Span<float> v) {
      for (float& e : v) e = 1e-6F * (0.5F + uni(rng));
    });
    x.resize(static_cast<std::size_t>(n) * c.n_features);
    for (float& v : x) v = normal(rng);
    values.resize(static_cast<std::size_t>(n) * c.outputs);
    for (float& v : values) v = normal(rng);
    for (int i = 0; i < n; ++i) labels.push_back(i % c.outputs);
    for (int k = 0; k < c.outputs; ++k) class_weight.push_back(0.5F + 0.25F * static_cast<float>(k));
    uniforms.resize(static_cast<std::size_t>(c.n_features));
    for (float& u : uniforms) u = uni(rng);
    for (int b = 0; b < c.batch; ++b) rows.push_back((3 * b + 2) % n);
    input.x = x.data();
    input.rows = rows.data();
    input.batch = c.batch;
    input.labels = labels.data();
    input.class_weight = class_weight.data();
    input.values = values.data();
    input.classification = c.classification;
    input.tau = 0.8F;
    input.lambda = 0.7F;
    input.penalty = c.target_penalty ? kern::SelectPenalty::kTarget : kern::SelectPenalty::kMean;
    input.target_features = static_cast<float>(c.n_features / 10);
    input.injected_uniforms = c.philox ? nullptr : uniforms.data();
    input.seed = 0x5EEDULL;
    input.step = 3;
    task = kern::adam_step_coefficients<float>(3e-4, 0.9, 0.999, 1e-8, 3);
    mask = kern::adam_step_coefficients<float>(4e-3, 0.9, 0.999, 1e-8, 3);
  }
};

/// The "device" copy of the model: value and moments as host vectors the kernels update in place.
struct Model {
  Params<float> v, m1, m2;
  static cuda::AdamBlock block(train::Span<float> a, train::Span<float> b, train::Span<float> c) {
    return cuda::AdamBlock{a.data(), b.data(), c.data()};
  }
  cuda::AdamBlock embedding() { return block(v.embedding, m1.embedding, m2.embedding); }
  cuda::AdamBlock mask_weight() { return block(v.mask_weight, m1.mask_weight, m2.mask_weight); }
  cuda::AdamBlock mask_bias() { return block(v.mask_bias, m1.mask_bias, m2.mask_bias); }
  cuda::AdamBlock weight(std::size_t l) { return block(v.weight[l], m1.weight[l], m2.weight[l]); }
  cuda::AdamBlock bias(std::size_t l) { return block(v.bias[l], m1.bias[l], m2.bias[l]); }
};

/// Scratch of one emulated step, NaN-poisoned, each buffer exactly the size the backend allocates.
struct EmuStep {
  const Case& c;
  bool small_path;
  int h0, n_mask, n_feature_blocks;
  cuda::GemvChunks chunks;
  std::vector<float> mask, mask_partial, z_partial, w0_masked, x_batch, grad_g, dsel, de_partial, grad_e, stats, logits;
  std::vector<std::vector<float>> pre, dpre;
  std::vector<cuda::StepParams> steps;
  std::vector<int> counter{0};
  Model model;

  static std::vector<float> poisoned(std::size_t n) { return std::vector<float>(n, std::nanf("")); }

  EmuStep(const Case& cs, const Problem& p)
      : c(cs),
        small_path(cuda::use_small_batch_path(cs.max_batch, p.shape.fan_out(0), cs.embedding_dim)),
        h0(p.shape.fan_out(0)),
        n_mask(cuda::mask_blocks(cs.n_features)),
        n_feature_blocks(cuda::feature_blocks(cs.n_features, kSmCount)),
        chunks(cuda::gemv_chunks(cs.n_features, kSmCount)) {
    const auto D = static_cast<std::size_t>(cs.n_features), B = static_cast<std::size_t>(cs.max_batch);
    const auto H = static_cast<std::size_t>(h0);
    mask = poisoned(D);
    mask_partial = poisoned(static_cast<std::size_t>(n_mask));
    z_partial = poisoned((small_path ? static_cast<std::size_t>(chunks.count) : 1U) * B * H);
    if (!small_path) {
      w0_masked = poisoned(D * H);
      x_batch = poisoned(B * D);
      grad_g = poisoned(D * H);
    }
    dsel = poisoned(1);
    de_partial = poisoned(static_cast<std::size_t>(n_feature_blocks) * cs.embedding_dim);
    grad_e = poisoned(static_cast<std::size_t>(cs.embedding_dim));
    stats = poisoned(cuda::kStatsPerStep);
    logits = poisoned(D);
    for (int l = 0; l < p.shape.n_layers(); ++l) {
      pre.push_back(poisoned(B * static_cast<std::size_t>(p.shape.fan_out(l))));
      dpre.push_back(poisoned(B * static_cast<std::size_t>(p.shape.fan_out(l))));
    }
    cuda::StepParams sp;
    sp.n_rows = cs.batch;
    sp.subsequence = kern::kTrainStream + static_cast<std::uint64_t>(p.input.step);
    sp.tau = p.input.tau;
    sp.lambda = p.input.lambda;
    sp.task = p.task;
    sp.mask = p.mask;
    steps = {sp};
    model = Model{p.params, p.m1, p.m2};
  }

  /// The launches of CudaBackend::enqueue_step(), on the emulator.
  void run(simt::Emulator& em, Problem& p) {
    const cuda::BatchArgs batch{c.n_features, c.max_batch, p.x.data(), p.rows.data()};
    const cuda::MaskArgs ma{c.n_features,
                            c.embedding_dim,
                            h0,
                            p.input.seed,
                            model.v.embedding.data(),
                            model.v.mask_weight.data(),
                            model.v.mask_bias.data(),
                            model.v.weight[0].data(),
                            c.philox ? nullptr : p.uniforms.data(),
                            mask.data(),
                            small_path ? nullptr : w0_masked.data(),
                            mask_partial.data()};
    simt::logits(em, ma, logits.data());
    simt::gumbel_mask(em, ma, steps.data(), counter.data());
    if (small_path) {
      simt::masked_gemv(em, cuda::GemvArgs{batch, h0, chunks, mask.data(), model.v.weight[0].data(), z_partial.data()},
                        steps.data(), counter.data());
    } else {
      simt::gather_rows(em, batch, x_batch.data(), steps.data(), counter.data());
      simt::gemm_batch_w0(c.max_batch, c.n_features, h0, x_batch.data(), w0_masked.data(), z_partial.data());
    }
    cuda::HeadArgs h{};
    h.batch = batch;
    h.n_layers = p.shape.n_layers();
    for (int l = 0; l < h.n_layers; ++l) {
      const auto li = static_cast<std::size_t>(l);
      h.layer[l] = cuda::LayerArgs{static_cast<int>(p.shape.fan_in(l)),
                                   p.shape.fan_out(l),
                                   model.weight(li),
                                   model.bias(li),
                                   pre[li].data(),
                                   dpre[li].data()};
    }
    h.z_partial = z_partial.data();
    h.n_partials = small_path ? chunks.count : 1;
    h.mask_partial = mask_partial.data();
    h.n_mask_partials = n_mask;
    h.classification = c.classification;
    h.labels = p.labels.data();
    h.class_weight = p.class_weight.data();
    h.values = p.values.data();
    h.target_penalty = c.target_penalty;
    h.target_features = p.input.target_features;
    h.dsel_dm = dsel.data();
    h.stats = stats.data();
    simt::task_head(em, h, steps.data(), counter.data());
    if (!small_path)
      simt::gemm_feature_grad(c.max_batch, c.n_features, h0, x_batch.data(), dpre[0].data(), grad_g.data());
    const cuda::FeatureArgs fa{batch,
                               h0,
                               c.embedding_dim,
                               n_feature_blocks,
                               small_path,
                               dpre[0].data(),
                               small_path ? nullptr : grad_g.data(),
                               mask.data(),
                               dsel.data(),
                               model.v.embedding.data(),
                               model.weight(0),
                               model.mask_weight(),
                               model.mask_bias(),
                               de_partial.data()};
    simt::feature_backward(em, fa, steps.data(), counter.data());
    simt::embedding_adam(em,
                         cuda::EmbeddingArgs{c.embedding_dim, n_feature_blocks, true, de_partial.data(),
                                             model.embedding(), grad_e.data()},
                         steps.data(), counter.data());
  }
};

void expect_params_close(const Params<float>& got, const Params<float>& ref, const std::string& what) {
  EXPECT_TRUE(close_block(got.embedding.to_vector(), ref.embedding.to_vector())) << what << " embedding";
  EXPECT_TRUE(close_block(got.mask_weight.to_vector(), ref.mask_weight.to_vector())) << what << " phi";
  EXPECT_TRUE(close_block(got.mask_bias.to_vector(), ref.mask_bias.to_vector())) << what << " mask bias";
  for (std::size_t l = 0; l < ref.weight.size(); ++l) {
    EXPECT_TRUE(close_block(got.weight[l].to_vector(), ref.weight[l].to_vector())) << what << " weight[" << l << "]";
    EXPECT_TRUE(close_block(got.bias[l].to_vector(), ref.bias[l].to_vector())) << what << " bias[" << l << "]";
  }
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}
bool same_bits(const Params<float>& a, const Params<float>& b) { return same_bits(a.flat, b.flat); }

class SimtStep : public ::testing::TestWithParam<Case> {};

TEST_P(SimtStep, EveryKernelMatchesTheCpuStepUnderEveryThreadOrder) {
  const Case& c = GetParam();
  Problem p(c);

  // CPU reference: the production step with Adam, on copies of the same state.
  Params<float> cpu = p.params, cpu_m1 = p.m1, cpu_m2 = p.m2;
  detail::Workspace<float> ws(p.shape, c.batch);
  detail::AdamSink<float> sink{cpu, cpu_m1, cpu_m2, p.task, p.mask, true};
  detail::cpu_step(p.input, cpu, ws, sink);

  std::unique_ptr<EmuStep> first;
  for (simt::Order order : simt::kAllOrders) {
    SCOPED_TRACE(simt::order_name(order));
    simt::Emulator em(order, 77);
    auto dev = std::make_unique<EmuStep>(c, p);
    ASSERT_NO_THROW(dev->run(em, p));
    EXPECT_EQ(dev->counter[0], 1) << "embedding_adam advances the step counter";

    const int h0 = p.shape.fan_out(0);
    const auto live = static_cast<std::size_t>(c.batch) * h0;
    EXPECT_TRUE(all_close(dev->logits, ws.logits, kPointwiseRel, kPointwiseAbs)) << "logits";
    EXPECT_TRUE(all_close(dev->mask, ws.mask, kPointwiseRel, kPointwiseAbs)) << "mask";
    EXPECT_TRUE(close_block(dev->pre[0], ws.pre[0], live)) << "z0";
    const std::vector<double> ref_stats{ws.terms.loss, ws.terms.task_loss, ws.terms.select_loss, ws.terms.mean_mask};
    EXPECT_TRUE(all_close(dev->stats, ref_stats, kSumRel, kSumAbs)) << "loss, task, select, mean mask";
    EXPECT_TRUE(close_block(dev->dpre[0], ws.dpre[0], live)) << "dz0";
    for (std::size_t i = live; i < dev->dpre[0].size(); ++i)
      ASSERT_EQ(dev->dpre[0][i], 0.0F) << "dz0 padding row element " << i;
    EXPECT_TRUE(all_close(dev->dsel, std::vector<float>{ws.dsel_dm}, kSumRel, 1e-9)) << "dsel/dm";
    EXPECT_TRUE(close_block(dev->grad_e, ws.grad_e)) << "de";
    expect_params_close(dev->model.v, cpu, "value");
    expect_params_close(dev->model.m1, cpu_m1, "moment1");
    expect_params_close(dev->model.m2, cpu_m2, "moment2");
    EXPECT_GT(em.switches(), 0);

    if (!first) {
      first = std::move(dev);
      continue;
    }
    EXPECT_TRUE(same_bits(dev->mask, first->mask)) << "mask depends on the thread order";
    EXPECT_TRUE(same_bits(dev->pre[0], first->pre[0])) << "z0 depends on the thread order";
    EXPECT_TRUE(same_bits(dev->stats, first->stats)) << "loss terms depend on the thread order";
    EXPECT_TRUE(same_bits(dev->grad_e, first->grad_e)) << "de depends on the thread order";
    EXPECT_TRUE(same_bits(dev->model.v, first->model.v)) << "parameters depend on the thread order";
    EXPECT_TRUE(same_bits(dev->model.m2, first->model.m2)) << "Adam moments depend on the thread order";
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, SimtStep,
                         ::testing::Values(
                             // GEMV path (batch <= 16): D not a multiple of 32, batch 1 and 7, short last batches.
                             Case{"gemv_batch1_ce_D333", true, 333, 1, 1, {32, 32}, 3, 32, false, false},
                             Case{"gemv_batch1_philox_D1001", true, 1001, 1, 1, {32, 32}, 2, 32, false, true},
                             Case{"gemv_batch7_target_h40_D1001", true, 1001, 7, 7, {40, 16}, 4, 40, true, false},
                             Case{"gemv_short5of7_tree_D3001", false, 3001, 5, 7, {32}, 2, 32, false, false},
                             Case{"gemv_no_hidden_mse_D97", false, 97, 4, 4, {}, 1, 16, false, false},
                             // cuBLAS path (gather + CPU stand-in): batch 1024, short last batches, a deep head.
                             Case{"cublas_batch1024_ce_D77", true, 77, 1024, 1024, {32}, 3, 32, false, false},
                             Case{"cublas_short20of24_mse_D300", false, 300, 20, 24, {48, 32, 8}, 2, 8, true, false},
                             Case{"cublas_batch17_ce_D1", true, 1, 17, 17, {32, 32}, 2, 32, false, true}),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace gfs::test
