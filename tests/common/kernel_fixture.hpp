/// @file kernel_fixture.hpp
/// @brief The step-kernel test problem, shared by the block-emulator tests (tests/simt, host
///        compiler) and the GPU tests (tests/cuda, nvcc): the case table's row, a random problem
///        with non-zero Adam state and its CPU-step input, named tolerances and the checks that
///        compare a step's outputs with the CPU backend's.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/cpu_step.hpp"
#include "backends/cpu/sinks.hpp"
#include "kernels/cuda/step_kernels.cuh"
#include "train/model.hpp"

namespace gfs::test {

/// Named tolerances (STYLE.md habit 8). Pointwise kernels agree to a few ulp; sums over
/// thousands of terms, taken in another order and with FMA on the device, to about 1e-4 of scale.
inline constexpr double kPointwiseRel = 1e-5, kPointwiseAbs = 1e-6;
inline constexpr double kSumRel = 1e-4, kSumAbs = 1e-5;

/// |got - ref| <= abs + rel * |ref| for every element (NaN fails); reports the worst element.
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
  return ::testing::AssertionFailure() << bad << " of " << n << " elements out of tolerance (rel " << rel << ", abs "
                                       << abs << "); worst [" << worst_i << "]: got " << got[worst_i] << ", want "
                                       << ref[worst_i];
}

/// Tolerance of composed outputs: relative, plus an absolute floor scaled by the block's size.
inline ::testing::AssertionResult close_block(const std::vector<float>& got, const std::vector<float>& ref,
                                              std::size_t count = static_cast<std::size_t>(-1)) {
  float scale = 0;
  for (std::size_t i = 0; i < std::min(ref.size(), count); ++i) scale = std::max(scale, std::fabs(ref[i]));
  return all_close(got, ref, kSumRel, kSumRel * scale + 1e-7, count);
}

inline void expect_params_close(const train::Params<float>& got, const train::Params<float>& ref,
                                const std::string& what) {
  EXPECT_TRUE(close_block(got.embedding.to_vector(), ref.embedding.to_vector())) << what << " embedding";
  EXPECT_TRUE(close_block(got.mask_weight.to_vector(), ref.mask_weight.to_vector())) << what << " phi";
  EXPECT_TRUE(close_block(got.mask_bias.to_vector(), ref.mask_bias.to_vector())) << what << " mask bias";
  for (std::size_t l = 0; l < ref.weight.size(); ++l) {
    EXPECT_TRUE(close_block(got.weight[l].to_vector(), ref.weight[l].to_vector())) << what << " weight[" << l << "]";
    EXPECT_TRUE(close_block(got.bias[l].to_vector(), ref.bias[l].to_vector())) << what << " bias[" << l << "]";
  }
}

inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}
inline bool same_bits(const train::Params<float>& a, const train::Params<float>& b) { return same_bits(a.flat, b.flat); }

/// The survival cases of a step-kernel table: the Cox loss with Breslow's or Efron's ties (tied
/// times, a third of the rows censored), or a batch with no event at all (loss and gradient 0).
enum class CoxCase { kNone, kBreslow, kEfron, kAllCensored };

/// One row of a step-kernel case table.
struct KernelCase {
  const char* name;
  bool classification;
  int n_features;
  int batch;      ///< rows in the step
  int max_batch;  ///< rows allocated (> batch: a short last batch)
  std::vector<int> hidden;
  int outputs;
  int embedding_dim;
  bool target_penalty;
  bool philox;         ///< the noise from Philox (else injected uniforms)
  int head_rows = 0;  ///< > 0: force the row-split task head with this many rows per block
  CoxCase cox = CoxCase::kNone;  ///< survival (classification false, one output): the Cox loss
  [[nodiscard]] bool survival() const { return cox != CoxCase::kNone; }
};
inline void PrintTo(const KernelCase& c, std::ostream* os) { *os << c.name; }

/// The task head a case runs: the backend's choice, or the forced row split.
inline cuda::HeadSplit head_split_of(const KernelCase& c) {
  return c.head_rows > 0 ? cuda::head_row_split(c.max_batch, c.head_rows) : cuda::head_split(c.max_batch, c.survival());
}

/// A random problem with non-zero Adam state (m2 > 0 makes the update smooth in the gradient, so
/// comparing parameters is meaningful), and the CPU step's input for it.
struct KernelProblem {
  train::ModelShape shape;
  train::Params<float> params, m1, m2;
  std::vector<float> x, values, class_weight, uniforms;
  std::vector<float> time, event;  ///< survival [n]: times on a coarse grid (so the batch has ties)
  std::vector<std::int32_t> labels, rows;
  detail::StepInput<float> input;
  kern::AdamStep<float> task{}, mask{};

  explicit KernelProblem(const KernelCase& c, unsigned seed = 5) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::uniform_real_distribution<float> uni(0.02F, 0.98F);
    const int n = c.max_batch + 11;
    shape.n_features = c.n_features;
    shape.embedding_dim = c.embedding_dim;
    shape.hidden = c.hidden;
    shape.n_outputs = c.outputs;
    params = train::Params<float>::zeros(shape);
    for (float& v : params.embedding) v = normal(rng);
    for (float& v : params.mask_weight) v = 0.3F * normal(rng);
    for (float& v : params.mask_bias) v = normal(rng);
    for (int l = 0; l < shape.n_layers(); ++l) {
      const float s = 1.0F / std::sqrt(static_cast<float>(shape.fan_in(l)));
      for (float& v : params.weight[static_cast<std::size_t>(l)]) v = s * normal(rng);
      for (float& v : params.bias[static_cast<std::size_t>(l)]) v = 0.1F * normal(rng);
    }
    m1 = train::Params<float>::zeros(shape);
    m2 = train::Params<float>::zeros(shape);
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
    if (c.survival()) {
      for (int i = 0; i < n; ++i) {
        time.push_back(std::floor(8.0F * uni(rng)));
        event.push_back(c.cox != CoxCase::kAllCensored && i % 3 != 1 ? 1.0F : 0.0F);
      }
      input.survival = true;
      input.time = time.data();
      input.event = event.data();
      input.ties = c.cox == CoxCase::kEfron ? kern::CoxTies::kEfron : kern::CoxTies::kBreslow;
    }
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

  /// The step table entry of this problem's one step.
  [[nodiscard]] cuda::StepParams step_params(const KernelCase& c) const {
    cuda::StepParams sp;
    sp.n_rows = c.batch;
    sp.subsequence = kern::kTrainStream + static_cast<std::uint64_t>(input.step);
    sp.tau = input.tau;
    sp.lambda = input.lambda;
    sp.task = task;
    sp.mask = mask;
    return sp;
  }

  /// The task head's arguments over caller-owned buffers (pre/dpre per layer, the model's
  /// layer blocks); the split is the case's, its partials buffer set by the caller.
  template <class Layer>
  [[nodiscard]] cuda::HeadArgs head_args(const KernelCase& c, const cuda::BatchArgs& batch, const Layer& layer) const {
    cuda::HeadArgs h{};
    h.batch = batch;
    h.n_layers = shape.n_layers();
    for (int l = 0; l < h.n_layers; ++l) h.layer[l] = layer(l);
    h.classification = c.classification;
    h.survival = c.survival();
    h.ties = input.ties;
    h.target_penalty = c.target_penalty;
    h.target_features = static_cast<int>(input.target_features);
    h.fit_features = c.n_features;
    return h;
  }
};

/// The CPU reference: the production step with Adam, on copies of the problem's state. A
/// gathered model (active set) passes its global column ids and the fit's D.
struct CpuReference {
  train::Params<float> v, m1, m2;
  detail::Workspace<float> ws;
  CpuReference(const KernelProblem& p, int batch, const std::int64_t* global_ids = nullptr,
               std::int64_t fit_features = 0)
      : v(p.params), m1(p.m1), m2(p.m2), ws(p.shape, batch) {
    ws.global_ids = global_ids;
    if (fit_features > 0) ws.fit_features = fit_features;
    detail::AdamSink<float> sink{v, m1, m2, p.task, p.mask, true};
    detail::cpu_step(p.input, v, ws, sink);
  }
};

}  // namespace gfs::test
