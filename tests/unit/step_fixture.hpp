/// @file step_fixture.hpp
/// @brief A small random GFSNetwork problem in double or float for tests of cpu_step().
#pragma once

#include <omp.h>

#include <cstdint>
#include <random>
#include <vector>

#include "backends/cpu/cpu_step.hpp"
#include "backends/cpu/sinks.hpp"
#include "train/model.hpp"

namespace gfs::test {

/// A problem with every parameter block non-zero (phi included) so no gradient path is trivially 0.
template <typename T>
struct StepProblem {
  train::ModelShape shape;
  train::Params<T> params;
  std::vector<T> x, values, class_weight, uniforms, time, event;
  std::vector<std::int32_t> labels, rows;
  detail::StepInput<T> input;

  StepProblem(bool classification, int d = 7, int batch = 4, std::vector<int> hidden = {5, 3}, int outputs = 3,
              unsigned seed = 11) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> uni(0.05, 0.95);
    const int n = batch + 3;
    shape.n_features = d;
    shape.embedding_dim = 4;
    shape.hidden = std::move(hidden);
    shape.n_outputs = outputs;
    params = train::Params<T>(shape);
    params.for_each_block([&](train::Span<T> v) {
      for (T& p : v) p = T(0.5 * normal(rng));
    });
    x.resize(static_cast<std::size_t>(n) * d);
    for (T& v : x) v = T(normal(rng));
    values.resize(static_cast<std::size_t>(n) * outputs);
    for (T& v : values) v = T(normal(rng));
    labels.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = i % outputs;
    class_weight.resize(static_cast<std::size_t>(outputs));
    for (int c = 0; c < outputs; ++c) class_weight[static_cast<std::size_t>(c)] = T(1);
    uniforms.resize(static_cast<std::size_t>(d));
    for (T& u : uniforms) u = T(uni(rng));
    for (int b = 0; b < batch; ++b) rows.push_back((2 * b + 1) % n);
    input.x = x.data();
    input.rows = rows.data();
    input.batch = batch;
    input.labels = labels.data();
    input.class_weight = class_weight.data();
    input.values = values.data();
    input.classification = classification;
    input.tau = T(0.8);
    input.lambda = T(0.7);
    input.injected_uniforms = uniforms.data();
  }

  /// Makes it a survival problem (construct it with one output): times with ties among the batch's
  /// rows (every value appears twice) and `events` chosen per row by `event_of(row)`.
  template <typename EventOf>
  void make_survival(kern::CoxTies ties, EventOf event_of) {
    const std::size_t n = labels.size();
    time.resize(n);
    event.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      time[i] = T(1 + static_cast<int>(i / 2));  // rows 2k and 2k + 1 share a time
      event[i] = event_of(static_cast<int>(i)) ? T(1) : T(0);
    }
    input.classification = false;
    input.survival = true;
    input.time = time.data();
    input.event = event.data();
    input.ties = ties;
  }

  /// Loss and gradients of one step at the current parameters (single thread unless threads > 1).
  double loss_and_grad(train::Params<T>* grad, int threads = 1) {
    train::Params<T> sink_grad(shape);
    detail::Workspace<T> ws(shape, input.batch);
    detail::GradSink<T> sink{sink_grad};
#pragma omp parallel num_threads(threads)
    detail::cpu_step(input, params, ws, sink);
    if (grad != nullptr) *grad = sink_grad;
    last_terms = ws.terms;
    last_pre = ws.pre;
    last_mask = ws.mask;
    return ws.terms.loss;
  }

  detail::StepTerms last_terms;
  std::vector<std::vector<T>> last_pre;
  std::vector<T> last_mask;
};

}  // namespace gfs::test
