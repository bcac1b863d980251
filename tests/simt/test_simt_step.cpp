/// @file test_simt_step.cpp
/// @brief Every kernel body of the CUDA step, run on the block emulator under three thread orders,
///        against the CPU backend's cpu_step() with Adam on the same problem (odd shapes: D not a
///        multiple of 32, batch 1, 7, 32 and 1 024, short last batches, both masked-matmul paths,
///        both task heads — one block, and rows split over blocks with a tree sum of the partials —
///        the cuBLAS calls through a CPU stand-in with their real shapes). The three orders must
///        agree to the bit (the kernels are deterministic by construction). The problem and the
///        checks are tests/common/kernel_fixture.hpp, shared with the GPU tests.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "simt_launch.hpp"
#include "train/active_set.hpp"
#include "tests/common/kernel_fixture.hpp"

namespace gfs::test {
namespace {

using train::Params;
using Case = KernelCase;
using Problem = KernelProblem;

/// The SM count the launch geometry is computed for (small, so grids are a few blocks).
constexpr int kSmCount = 4;

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
  std::vector<float> head_partial;  // row-split head: [row blocks, slot]
  std::vector<float> cox;           // survival: [4, max_batch]
  std::vector<std::vector<float>> pre, dpre;
  std::vector<cuda::StepParams> steps;
  std::vector<int> counter{0};
  Model model;
  const std::int64_t* global_ids = nullptr;  ///< a gathered model: the global column of each local one
  std::int64_t fit_features = 0;             ///< a gathered model: the fit's D (0: the case's)
  const float* cost = nullptr;               ///< the penalty's cost per global column (nullptr: 1)
  std::vector<float> cost_partial;           ///< with `cost`: [mask blocks]

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
    if (cs.survival()) cox = poisoned(4 * B);
    steps = {p.step_params(cs)};
    model = Model{p.params, p.m1, p.m2};
  }

  /// The launches of CudaBackend::enqueue_step(), on the emulator.
  void run(simt::Emulator& em, Problem& p) {
    const cuda::BatchArgs batch{c.n_features, c.max_batch, p.x.data(), p.rows.data()};
    cuda::MaskArgs ma{c.n_features,
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
    ma.global_ids = global_ids;
    if (cost != nullptr) {
      cost_partial = poisoned(static_cast<std::size_t>(n_mask));
      ma.cost = cost;
      ma.cost_partial = cost_partial.data();
    }
    simt::logits(em, ma, logits.data());
    simt::gumbel_mask(em, ma, steps.data(), counter.data());
    if (small_path) {
      simt::masked_gemv(em, cuda::GemvArgs{batch, h0, chunks, mask.data(), model.v.weight[0].data(), z_partial.data()},
                        steps.data(), counter.data());
    } else {
      simt::gather_rows(em, batch, x_batch.data(), steps.data(), counter.data());
      simt::gemm_batch_w0(c.max_batch, c.n_features, h0, x_batch.data(), w0_masked.data(), z_partial.data());
    }
    cuda::HeadArgs h = p.head_args(c, batch, [&](int l) {
      const auto li = static_cast<std::size_t>(l);
      return cuda::LayerArgs{static_cast<int>(p.shape.fan_in(l)), p.shape.fan_out(l), model.weight(li),
                             model.bias(li), pre[li].data(), dpre[li].data()};
    });
    h.z_partial = z_partial.data();
    h.n_partials = small_path ? chunks.count : 1;
    h.mask_partial = mask_partial.data();
    h.cost_partial = cost != nullptr ? cost_partial.data() : nullptr;
    h.n_mask_partials = n_mask;
    h.labels = p.labels.data();
    h.class_weight = p.class_weight.data();
    h.values = p.values.data();
    if (c.survival()) {
      h.time = p.time.data();
      h.event = p.event.data();
      h.cox = cox.data();
    }
    h.dsel_dm = dsel.data();
    h.stats = stats.data();
    if (fit_features > 0) h.fit_features = fit_features;
    head_partial = poisoned(cuda::set_head_split(h, head_split_of(c)));
    h.grad_partial = head_partial.empty() ? nullptr : head_partial.data();
    simt::task_head(em, h, steps.data(), counter.data());
    if (!small_path)
      simt::gemm_feature_grad(c.max_batch, c.n_features, h0, x_batch.data(), dpre[0].data(), grad_g.data());
    cuda::FeatureArgs fa{batch,
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
    fa.cost = cost;
    fa.global_ids = global_ids;
    simt::feature_backward(em, fa, steps.data(), counter.data());
    simt::embedding_adam(em,
                         cuda::EmbeddingArgs{c.embedding_dim, n_feature_blocks, true, de_partial.data(),
                                             model.embedding(), grad_e.data()},
                         steps.data(), counter.data());
  }
};

/// The emulated Cox head's d(loss)/d(eta) (the last layer's dpre) against central differences, in
/// double, of the batch's partial likelihood at the emulated eta (the last layer's pre), with the
/// batch's own times, events and ties: the CUDA body's gradient is checked directly, not only
/// through its agreement with the CPU step.
void expect_cox_gradient_is_the_loss_slope(const Case& c, const Problem& p, const EmuStep& dev) {
  const int nb = c.batch;
  std::vector<double> eta(dev.pre.back().begin(), dev.pre.back().begin() + nb), time, event;
  for (int b = 0; b < nb; ++b) {
    time.push_back(p.time[static_cast<std::size_t>(p.rows[static_cast<std::size_t>(b)])]);
    event.push_back(p.event[static_cast<std::size_t>(p.rows[static_cast<std::size_t>(b)])]);
  }
  std::vector<double> denom(static_cast<std::size_t>(nb)), share(static_cast<std::size_t>(nb));
  const auto loss = [&](const std::vector<double>& e) {
    return kern::cox_batch_loss(e.data(), time.data(), event.data(), nb, p.input.ties, denom.data(), share.data(),
                                static_cast<double*>(nullptr));
  };
  constexpr double kStep = 1e-5;
  std::vector<double> slope;
  for (int b = 0; b < nb; ++b) {
    std::vector<double> up = eta, down = eta;
    up[static_cast<std::size_t>(b)] += kStep;
    down[static_cast<std::size_t>(b)] -= kStep;
    slope.push_back((loss(up) - loss(down)) / (2 * kStep));
  }
  const std::vector<float> grad(dev.dpre.back().begin(), dev.dpre.back().begin() + nb);
  EXPECT_TRUE(all_close(grad, slope, 1e-4, 1e-6)) << "d(Cox loss)/d(eta) of the emulated head vs central differences";
}

class SimtStep : public ::testing::TestWithParam<Case> {};

TEST_P(SimtStep, EveryKernelMatchesTheCpuStepUnderEveryThreadOrder) {
  const Case& c = GetParam();
  Problem p(c);

  const CpuReference cpu(p, c.batch);
  const detail::Workspace<float>& ws = cpu.ws;

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
    expect_params_close(dev->model.v, cpu.v, "value");
    expect_params_close(dev->model.m1, cpu.m1, "moment1");
    expect_params_close(dev->model.m2, cpu.m2, "moment2");
    EXPECT_GT(em.switches(), 0);
    if (c.survival()) expect_cox_gradient_is_the_loss_slope(c, p, *dev);

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

/// A gathered model (active set) draws, for its local column i, the noise of global column
/// ids[i]: its masks are the whole model's masks at those columns, bit for bit, under every thread
/// order, and the CPU step's to float rounding.
TEST(SimtGatheredMask, NoiseIsKeyedByTheGlobalColumn) {
  const Case c{"gathered_philox_D1001", true, 1001, 3, 3, {32}, 2, 16, false, true};
  Problem p(c);
  train::ColumnIds ids;
  for (std::int64_t j = 0; j < c.n_features; ++j)
    if (j % 3 == 1 || j % 7 == 0 || j == c.n_features - 1) ids.push_back(j);
  const auto a = static_cast<std::int64_t>(ids.size());
  Params<float> part(train::gathered_shape(p.shape, a));
  train::gather_columns(p.params, 0, ids, part);
  const CpuReference cpu(p, c.batch);
  const std::vector<cuda::StepParams> steps{p.step_params(c)};
  const std::vector<int> counter{0};
  auto mask_of = [&](simt::Emulator& em, const Params<float>& v, std::int64_t n, const std::int64_t* global_ids) {
    std::vector<float> mask(static_cast<std::size_t>(n), std::nanf(""));
    std::vector<float> partial(static_cast<std::size_t>(cuda::mask_blocks(n)), std::nanf(""));
    cuda::MaskArgs ma{n, c.embedding_dim, p.shape.fan_out(0), p.input.seed, v.embedding.data(), v.mask_weight.data(),
                      v.mask_bias.data(), v.weight[0].data(), nullptr, mask.data(), nullptr, partial.data()};
    ma.global_ids = global_ids;
    simt::gumbel_mask(em, ma, steps.data(), counter.data());
    return mask;
  };
  for (simt::Order order : simt::kAllOrders) {
    SCOPED_TRACE(simt::order_name(order));
    simt::Emulator em(order, 11);
    const std::vector<float> whole = mask_of(em, p.params, c.n_features, nullptr);
    const std::vector<float> gathered = mask_of(em, part, a, ids.data());
    std::vector<float> whole_at_ids, cpu_at_ids;
    for (std::int64_t j : ids) {
      whole_at_ids.push_back(whole[static_cast<std::size_t>(j)]);
      cpu_at_ids.push_back(cpu.ws.mask[static_cast<std::size_t>(j)]);
    }
    EXPECT_TRUE(same_bits(gathered, whole_at_ids)) << "a gathered column draws another column's noise";
    EXPECT_TRUE(all_close(gathered, cpu_at_ids, kPointwiseRel, kPointwiseAbs)) << "gathered mask vs the CPU step";
  }
}

/// A whole step of a gathered model (the CUDA backend's active set: noise keyed by global_ids,
/// the penalty normalised by the fit's D, not the gathered count) against the CPU step of the
/// same gathered model (Workspace::global_ids, fit_features), under every thread order; both
/// head shapes.
TEST(SimtGatheredStep, MatchesTheCpuStepOfTheSameGatheredModel) {
  for (const Case& c : {Case{"gathered_gemv_b7", true, 203, 7, 7, {32, 16}, 3, 16, false, true},
                        Case{"gathered_split_b100_target", false, 77, 100, 100, {24}, 2, 8, true, true}}) {
    SCOPED_TRACE(c.name);
    Problem p(c);
    const std::int64_t fit_features = 5 * c.n_features + 3;
    train::ColumnIds ids;
    for (std::int64_t j = 0; j < c.n_features; ++j) ids.push_back(5 * j + (j % 4));
    const CpuReference cpu(p, c.batch, ids.data(), fit_features);
    for (simt::Order order : simt::kAllOrders) {
      SCOPED_TRACE(simt::order_name(order));
      simt::Emulator em(order, 5);
      EmuStep dev(c, p);
      dev.global_ids = ids.data();
      dev.fit_features = fit_features;
      ASSERT_NO_THROW(dev.run(em, p));
      EXPECT_TRUE(all_close(dev.mask, cpu.ws.mask, kPointwiseRel, kPointwiseAbs)) << "mask";
      const std::vector<double> ref_stats{cpu.ws.terms.loss, cpu.ws.terms.task_loss, cpu.ws.terms.select_loss,
                                          cpu.ws.terms.mean_mask};
      EXPECT_TRUE(all_close(dev.stats, ref_stats, kSumRel, kSumAbs)) << "loss, task, select, mean mask";
      EXPECT_TRUE(all_close(dev.dsel, std::vector<float>{cpu.ws.dsel_dm}, kSumRel, 1e-9)) << "dsel/dm";
      expect_params_close(dev.model.v, cpu.v, "value");
    }
  }
}

/// A column pinned open or shut (Config::must_keep / must_drop: mask logit +-2e4, phi row zero,
/// core/known_columns.hpp) has a mask of exactly 1, or below 1e-38 (float's exp is clamped at
/// e^88, so sigma(-x) bottoms out at 6e-39), in the CUDA bodies as in the CPU step, whatever the
/// noise and the path; its logit does not move in the step (the open one's gradient is exactly 0,
/// the shut one's below 1e-30), under every thread order.
TEST(SimtPinnedColumns, MasksAreOneOrBelow1e38AndTheirLogitsStay) {
  for (const Case& c : {Case{"pinned_gemv_b7", true, 203, 7, 7, {32, 16}, 3, 16, false, true},
                        Case{"pinned_cublas_b40", false, 77, 40, 40, {24}, 2, 8, true, true}}) {
    SCOPED_TRACE(c.name);
    Problem p(c);
    const int de = c.embedding_dim, open = 5, shut = 60;
    for (int j : {open, shut}) {
      const auto row = static_cast<std::size_t>(j);
      p.params.mask_bias[row] = j == open ? 2e4F : -2e4F;
      for (int e = 0; e < de; ++e) p.params.mask_weight[row * de + static_cast<std::size_t>(e)] = 0.0F;
    }
    const CpuReference cpu(p, c.batch);
    constexpr float kShut = 1e-38F, kDrift = 1e-30F;
    EXPECT_EQ(cpu.ws.mask[open], 1.0F);
    EXPECT_LT(cpu.ws.mask[shut], kShut);
    for (simt::Order order : simt::kAllOrders) {
      SCOPED_TRACE(simt::order_name(order));
      simt::Emulator em(order, 9);
      EmuStep dev(c, p);
      ASSERT_NO_THROW(dev.run(em, p));
      EXPECT_EQ(dev.mask[open], 1.0F);
      EXPECT_LT(dev.mask[shut], kShut);
      for (int j : {open, shut}) {
        const auto row = static_cast<std::size_t>(j);
        EXPECT_EQ(dev.model.v.mask_bias[row], p.params.mask_bias[row]) << "column " << j;  // 2e4 +- far below its ulp
        for (int e = 0; e < de; ++e) {
          const float phi = dev.model.v.mask_weight[row * de + static_cast<std::size_t>(e)];
          EXPECT_LE(std::fabs(phi), j == open ? 0.0F : kDrift) << "column " << j;
        }
      }
      expect_params_close(dev.model.v, cpu.v, "value");
    }
  }
}

/// Config::feature_cost in the CUDA bodies: the penalty charges sum_j c_j m_j (the mask kernel's
/// second block sums, the head's second reduction) and column j's mask gradient gets dsel/dm c_j
/// (feature_backward), with c indexed by the global column in a gathered model; against the CPU
/// step with the same costs, under every thread order, for both masked-matmul paths and both heads.
TEST(SimtFeatureCost, ThePenaltyChargesEachColumnItsCost) {
  for (const Case& c : {Case{"cost_gemv_b7", true, 203, 7, 7, {32, 16}, 3, 16, false, true},
                        Case{"cost_cublas_b40_mse", false, 77, 40, 40, {24}, 2, 8, false, true},
                        Case{"cost_gathered_split_b100", false, 77, 100, 100, {24}, 2, 8, false, true}}) {
    SCOPED_TRACE(c.name);
    const bool gathered = std::string(c.name).find("gathered") != std::string::npos;
    Problem p(c);
    const std::int64_t fit_features = gathered ? 5 * c.n_features + 3 : c.n_features;
    train::ColumnIds ids;
    for (std::int64_t j = 0; j < c.n_features; ++j) ids.push_back(gathered ? 5 * j + (j % 4) : j);
    std::vector<float> costs(static_cast<std::size_t>(fit_features));
    for (std::size_t g = 0; g < costs.size(); ++g) costs[g] = g % 5 == 0 ? 0.0F : 0.25F * static_cast<float>(g % 13);
    p.input.cost = costs.data();
    const CpuReference cpu(p, c.batch, gathered ? ids.data() : nullptr, gathered ? fit_features : 0);
    p.input.cost = nullptr;
    const CpuReference plain(p, c.batch, gathered ? ids.data() : nullptr, gathered ? fit_features : 0);
    ASSERT_NE(cpu.ws.terms.select_loss, plain.ws.terms.select_loss) << "the costs change the penalty";
    for (simt::Order order : simt::kAllOrders) {
      SCOPED_TRACE(simt::order_name(order));
      simt::Emulator em(order, 13);
      EmuStep dev(c, p);
      dev.cost = costs.data();
      if (gathered) {
        dev.global_ids = ids.data();
        dev.fit_features = fit_features;
      }
      ASSERT_NO_THROW(dev.run(em, p));
      const std::vector<double> ref_stats{cpu.ws.terms.loss, cpu.ws.terms.task_loss, cpu.ws.terms.select_loss,
                                          cpu.ws.terms.mean_mask};
      EXPECT_TRUE(all_close(dev.stats, ref_stats, kSumRel, kSumAbs)) << "loss, task, select, mean mask";
      expect_params_close(dev.model.v, cpu.v, "value");
      expect_params_close(dev.model.m2, cpu.m2, "moment2");
    }
  }
}

/// The row-split head sees one block's rows, and a Cox risk set spans the whole batch: the
/// backend's geometry never pairs them (head_split(batch, true) is one block at any batch size),
/// and the launcher refuses a forced pairing instead of computing a wrong loss.
TEST(SimtSurvivalHead, RunsInOneBlockAtAnyBatchAndRefusesTheRowSplit) {
  EXPECT_EQ(cuda::head_split(1024, true).rows_per_block, 0);
  EXPECT_GT(cuda::head_split(1024, false).rows_per_block, 0);
  const Case c{"survival_forced_split", false, 65, 7, 7, {16}, 1, 8, false, false, 3, CoxCase::kBreslow};
  Problem p(c);
  simt::Emulator em(simt::kAllOrders[0], 3);
  EmuStep dev(c, p);
  EXPECT_THROW(dev.run(em, p), std::logic_error);
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
                             Case{"cublas_batch17_ce_D1", true, 1, 17, 17, {32, 32}, 2, 32, false, true},
                             // The row-split task head: forced on small batches (rows per block not
                             // dividing the batch, blocks with no live rows), and the backend's
                             // choice from kHeadOneBlockMaxBatch on (batch 1 024, odd widths, tails).
                             Case{"split1_batch1_ce_D333", true, 333, 1, 1, {32, 32}, 3, 32, false, false, 1},
                             Case{"split3_short1of7_philox_D1001", true, 1001, 1, 7, {32, 32}, 2, 32, false, true, 3},
                             Case{"split3_batch7_target_h40_D1001", true, 1001, 7, 7, {40, 16}, 4, 40, true, false, 3},
                             Case{"split2_short5of7_tree_D3001", false, 3001, 5, 7, {32}, 2, 32, false, false, 2},
                             Case{"split3_no_hidden_mse_D97", false, 97, 4, 4, {}, 1, 16, false, false, 3},
                             Case{"cublas_batch32_ce_h24_D515", true, 515, 32, 32, {24, 12}, 3, 16, false, false},
                             Case{"split5_batch32_ce_h24_D515", true, 515, 32, 32, {24, 12}, 3, 16, false, false, 5},
                             Case{"split_batch1024_mse_h33_7_D129", false, 129, 1024, 1024, {33, 7}, 2, 8, true, false},
                             Case{"split_short1000of1024_ce_h20_D65", true, 65, 1000, 1024, {20}, 5, 12, false, true},
                             // Survival (the Cox partial likelihood, one output): tied times, a third
                             // censored; Breslow and Efron; a batch without events; both masked-matmul
                             // paths; a short last batch; and batches above kHeadOneBlockMaxBatch, which
                             // stay in the one-block head.
                             Case{"cox_breslow_gemv_b7_D333", false, 333, 7, 7, {32, 16}, 1, 16, false, true, 0,
                                  CoxCase::kBreslow},
                             Case{"cox_efron_gemv_short5of7_D1001", false, 1001, 5, 7, {32}, 1, 32, false, false, 0,
                                  CoxCase::kEfron},
                             Case{"cox_efron_cublas_b32_target_D515", false, 515, 32, 32, {24, 12}, 1, 16, true, false,
                                  0, CoxCase::kEfron},
                             Case{"cox_breslow_cublas_b200_D129", false, 129, 200, 200, {33, 7}, 1, 8, false, true, 0,
                                  CoxCase::kBreslow},
                             Case{"cox_efron_cublas_short90of128_D77", false, 77, 90, 128, {20}, 1, 12, false, false, 0,
                                  CoxCase::kEfron},
                             Case{"cox_censored_gemv_b6_D97", false, 97, 6, 6, {16}, 1, 8, false, false, 0,
                                  CoxCase::kAllCensored}),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace gfs::test
