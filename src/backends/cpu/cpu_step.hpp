/// @file cpu_step.hpp
/// @brief One GFSNetwork training step on the CPU, written once for float (training) and double
///        (the finite-difference reference of the tests), fused feature-wise for OpenMP.
///
/// Every thread of an OpenMP team calls cpu_step(); the columns are the fit's fixed chunks
/// (train::ColumnChunks, independent of the thread count, so results do not depend on it), the
/// backend holds a range of them (a train::FeatureBlock, all of them unless columns are split
/// between backends) and each thread owns a contiguous range of those. Per step:
///   A  [parallel, per chunk]  w = phi e + b, Philox noise, mask m, masked matmul partial sums
///   B  [one thread]           exchange the partials (train::Reduce), add them in chunk order, task
///                             MLP forward, loss, penalty, task MLP backward -> dz0
///   C  [parallel, per chunk]  feature-side backward: G_j = X_b[:,j]^T dz0, dW0_j, dm_j, dw_j, de;
///                             hand the gradients to the Sink (Adam, or store them for tests)
///   D  [one thread]           exchange and add the de partials, hand de to the Sink
/// The Sink decides what happens to gradients, so the tests check exactly the code that trains.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "backends/cpu/team_barrier.hpp"
#include "kernels/math.hpp"
#include "kernels/philox.hpp"
#include "train/model.hpp"
#include "train/plan.hpp"
#include "train/reduce.hpp"

#ifndef GFS_CPU_ISA
#define GFS_CPU_ISA portable
#endif

namespace gfs::detail {
// Each instruction-set variant of the CPU backend gets its own copy of these templates (see
// cpu_backend_<isa>.cpp): distinct names, so the linker cannot merge code built for different ISAs.
inline namespace GFS_CPU_ISA {

using train::ColumnChunks;
using train::FeatureBlock;
using train::ModelShape;
using train::Params;
using train::ParamView;

/// Everything a step reads besides the parameters.
template <typename T>
struct StepInput {
  const T* x = nullptr;                ///< the block's columns of row r start at x + r * x_stride
  const std::int32_t* rows = nullptr;  ///< the batch's row indices [B]
  int batch = 0;
  const std::int32_t* labels = nullptr;  ///< classification [N]
  const T* class_weight = nullptr;       ///< classification [C]
  const T* values = nullptr;             ///< regression [N, O]
  bool classification = true;
  bool survival = false;                 ///< Cox partial likelihood (classification false)
  const T* time = nullptr;               ///< survival [N]
  const T* event = nullptr;              ///< survival [N]: 1 event, 0 censored
  kern::CoxTies ties = kern::CoxTies::kBreslow;
  T tau = 1;
  T lambda = 1;
  kern::SelectPenalty penalty = kern::SelectPenalty::kMean;
  T target_features = 0;
  T penalty_norm = 0;  ///< the mean penalty is sum_j c_j m_j / penalty_norm (0: the fit's D)
  /// [the fit's D] the penalty's cost c_j of each global column (Config::feature_cost); nullptr: 1.
  const float* cost = nullptr;
  std::uint64_t seed = 0;
  std::int64_t step = 0;                 ///< global step: the noise subsequence
  const T* injected_uniforms = nullptr;  ///< [D] tests only: replaces the Philox draw
  bool embedding_grad = true;            ///< false skips dL/de (a frozen embedding never reads it)
  train::Reduce* reduce = nullptr;       ///< joins column blocks; nullptr: this block is every column
};

/// Loss terms of one step.
struct StepTerms {
  double loss = 0, task_loss = 0, select_loss = 0, mean_mask = 0;
};

/// Features per tile of phase C.
inline constexpr int kTile = 64;

/// Scratch of a step, sized once for the largest batch. Columns are the block's (local index
/// j = global index - block.first()); partial sums have a slot for every chunk of the fit.
template <typename T>
struct Workspace {
  ModelShape shape;
  FeatureBlock block;
  ColumnChunks chunks;  ///< the fit's
  std::int64_t first = 0;
  int max_batch = 0;
  std::vector<T> logits, uniforms, mask;  // [count]
  std::vector<T> forward_partial;         // [chunks, forward_slot()]: sum of m, of c m, then z0 [B, H0]
  std::vector<T> de_partial;              // [chunks, d_e]
  std::vector<std::vector<T>> pre, post;  // per layer [B, fan_out]: z and relu(z)
  std::vector<std::vector<T>> dpre;       // per layer [B, fan_out]: dL/dz
  std::vector<T> grad_w, grad_b, grad_e;  // head layer gradients, embedding gradient
  std::vector<T> tile_scratch;            // [chunks, tile_stride()]: phase C gradient tiles
  std::vector<T> cox;                     // survival [4, max_batch]: the batch's times, events, denominators, tie shares
  T dsel_dm = 0;                          // lambda * dL_select / dm_j (times c_j with costs)
  /// A gathered model (active set): local column j is global column global_ids[j] (its noise key),
  /// and the penalty is normalised by the fit's D, fit_features. nullptr: j + first.
  const std::int64_t* global_ids = nullptr;
  std::int64_t fit_features = 0;
  /// After compact(): the local columns of the fit's chunk c are [bounds[c - c0], bounds[c - c0 + 1])
  /// (c0 = block.first_chunk). Empty: the block's own columns, chunks.begin(c) - first.
  std::vector<std::int64_t> bounds;
  StepTerms terms;
  TeamBarrier barrier;

  Workspace(const ModelShape& s, int batch) : Workspace(s, FeatureBlock::whole(s.n_features), batch) {}
  Workspace(const ModelShape& s, const FeatureBlock& b, int batch)
      : shape(s), block(b), chunks(b.total), first(b.first()), max_batch(batch), fit_features(b.total) {
    const auto D = static_cast<std::size_t>(s.n_features);
    const auto h0 = static_cast<std::size_t>(s.fan_out(0));
    const auto de = static_cast<std::size_t>(s.embedding_dim);
    logits.resize(D);
    uniforms.resize(D);
    mask.resize(D);
    forward_partial.resize(static_cast<std::size_t>(chunks.count) * forward_slot());
    de_partial.resize(static_cast<std::size_t>(chunks.count) * de);
    std::size_t widest = 0;
    for (int l = 0; l < s.n_layers(); ++l) {
      const auto n = static_cast<std::size_t>(batch) * s.fan_out(l);
      pre.emplace_back(n);
      post.emplace_back(n);
      dpre.emplace_back(n);
      if (l > 0) widest = std::max<std::size_t>(widest, static_cast<std::size_t>(s.fan_in(l)) * s.fan_out(l));
    }
    grad_w.resize(widest);
    grad_b.resize(static_cast<std::size_t>(s.max_width()) > h0 ? s.max_width() : h0);
    grad_e.resize(de);
    tile_scratch.resize(static_cast<std::size_t>(chunks.count) * tile_stride());
    cox.resize(4 * static_cast<std::size_t>(batch));
  }
  /// Floats per chunk of forward_partial before its z0 partial: the chunk's sum of m and of c m.
  static constexpr std::size_t kSlotSums = 2;
  /// Floats per chunk of forward_partial: its sums, then its z0 partial [max_batch, H0].
  [[nodiscard]] std::size_t forward_slot() const {
    return kSlotSums + static_cast<std::size_t>(max_batch) * static_cast<std::size_t>(shape.fan_out(0));
  }
  /// The global column of local column j (the noise key and the cost's index).
  [[nodiscard]] std::int64_t global(std::int64_t j) const { return global_ids != nullptr ? global_ids[j] : first + j; }
  /// Local columns of chunk c.
  [[nodiscard]] std::int64_t begin(int c) const {
    return bounds.empty() ? chunks.begin(c) - first : bounds[static_cast<std::size_t>(c - block.first_chunk)];
  }
  [[nodiscard]] std::int64_t end(int c) const {
    return bounds.empty() ? chunks.end(c) - first : bounds[static_cast<std::size_t>(c + 1 - block.first_chunk)];
  }
  /// Makes this the workspace of a gathered model whose local column j is global column ids[j]
  /// (ascending, `count` of them, all in the block): each column stays in its fit chunk, so the
  /// chunks' partial sums, and their sum in chunk order, do not depend on how the fit's columns
  /// are split between blocks. A chunk without a gathered column adds an exact zero.
  void compact(const std::int64_t* ids, std::int64_t count) {
    global_ids = ids;
    first = 0;
    bounds.resize(static_cast<std::size_t>(block.last_chunk - block.first_chunk) + 1);
    for (int c = block.first_chunk; c <= block.last_chunk; ++c)
      bounds[static_cast<std::size_t>(c - block.first_chunk)] =
          std::lower_bound(ids, ids + count, chunks.begin(c)) - ids;
  }
  /// A tile's gradients: dW0 [kTile, H0], dphi [kTile, d_e], dw [kTile].
  [[nodiscard]] std::size_t tile_stride() const {
    return static_cast<std::size_t>(kTile) * (shape.fan_out(0) + shape.embedding_dim + 1);
  }
};

namespace step_detail {

/// The chunks [first, last) of the block's [c0, c1) owned by thread `tid` of `nthreads`.
inline void owned_chunks(int c0, int c1, int tid, int nthreads, int& first, int& last) {
  const int n = c1 - c0;
  first = c0 + n * tid / nthreads;
  last = c0 + n * (tid + 1) / nthreads;
}

/// z[b, :] = sum_j x[rows[b], j] m_j W0[j, :] over j in [j0, j1), for a first layer of H units
/// known at compile time: the row's sums stay in registers (a local array the compiler knows is
/// not W0), added in the same order as the generic loop, so the bits are the same.
template <int H, typename T>
void masked_matmul_rows(const StepInput<T>& in, const T* mask, const T* w0, std::int64_t j0, std::int64_t j1,
                        std::int64_t stride, T* zp) {
  for (int b = 0; b < in.batch; ++b) {
    const T* xr = in.x + static_cast<std::int64_t>(in.rows[b]) * stride;
    T acc[H] = {};
    for (std::int64_t j = j0; j < j1; ++j) {
      const T xm = xr[j] * mask[j];
      const T* w0j = w0 + j * H;
#pragma omp simd
      for (int h = 0; h < H; ++h) acc[h] += xm * w0j[h];
    }
    std::copy(acc, acc + H, zp + static_cast<std::size_t>(b) * H);
  }
}

/// Phase A for chunk c: logits, noise, mask, and the chunk's partial of X_b diag(m) W0 (the mask
/// is applied to x on the fly: (x_bj m_j) W0_j, so diag(m) W0 is never stored).
template <typename T>
void mask_and_matmul_chunk(const StepInput<T>& in, const ParamView<T>& p, Workspace<T>& ws, int c) {
  const std::int64_t j0 = ws.begin(c), j1 = ws.end(c), stride = ws.block.x_stride;
  const int de = ws.shape.embedding_dim, h0 = ws.shape.fan_out(0);
  const T* e = p.embedding.data();
  T* logits = ws.logits.data();
  T* uniforms = ws.uniforms.data();
  T* mask = ws.mask.data();
  for (std::int64_t j = j0; j < j1; ++j) {
    const T* phi = &p.mask_weight[static_cast<std::size_t>(j) * de];
    T w = 0;
#pragma omp simd reduction(+ : w)
    for (int k = 0; k < de; ++k) w += phi[k] * e[k];
    logits[j] = p.mask_bias[static_cast<std::size_t>(j)] + w;
  }
  if (in.injected_uniforms != nullptr) {
    std::copy(in.injected_uniforms + j0, in.injected_uniforms + j1, uniforms + j0);
  } else if (ws.global_ids != nullptr) {
    // A gathered model: the noise of local column j is global column global_ids[j]'s.
    kern::Philox4 block{};
    std::uint64_t held = ~std::uint64_t(0);
    for (std::int64_t j = j0; j < j1; ++j) {
      const auto g = static_cast<std::uint64_t>(ws.global_ids[j]);
      if ((g >> 2) != held) {
        held = g >> 2;
        block = kern::philox_block(in.seed, kern::kTrainStream + in.step, held);
      }
      uniforms[j] = T(kern::uint_to_uniform(block.v[g & 3]));
    }
  } else {
    // Keyed by the global column index: a block draws exactly the whole matrix's noise.
    kern::Philox4 block{};
    for (std::int64_t j = j0; j < j1; ++j) {
      const auto g = static_cast<std::uint64_t>(ws.first + j);
      if (j == j0 || (g & 3) == 0) block = kern::philox_block(in.seed, kern::kTrainStream + in.step, g >> 2);
      uniforms[j] = T(kern::uint_to_uniform(block.v[g & 3]));
    }
  }
  T mask_sum = 0;
  const T tau = in.tau;
#pragma omp simd reduction(+ : mask_sum)
  for (std::int64_t j = j0; j < j1; ++j) {
    const T m = kern::gumbel_sigmoid_mask(logits[j], kern::gumbel_noise(uniforms[j]), tau);
    mask[j] = m;
    mask_sum += m;
  }
  T* slot = &ws.forward_partial[static_cast<std::size_t>(c) * ws.forward_slot()];
  slot[0] = mask_sum;
  slot[1] = mask_sum;
  if (in.cost != nullptr) {
    T cost_sum = 0;
    for (std::int64_t j = j0; j < j1; ++j) cost_sum += T(in.cost[ws.global(j)]) * mask[j];
    slot[1] = cost_sum;
  }
  T* zp = slot + Workspace<T>::kSlotSums;
  const T* w0 = p.weight[0].data();
  if (h0 == 32) return masked_matmul_rows<32>(in, mask, w0, j0, j1, stride, zp);
  std::fill(zp, zp + static_cast<std::size_t>(in.batch) * h0, T(0));
  for (int b = 0; b < in.batch; ++b) {
    const T* xr = in.x + static_cast<std::int64_t>(in.rows[b]) * stride;
    T* z = zp + static_cast<std::size_t>(b) * h0;
    for (std::int64_t j = j0; j < j1; ++j) {
      const T xm = xr[j] * mask[j];
      const T* w0j = w0 + j * h0;
#pragma omp simd
      for (int h = 0; h < h0; ++h) z[h] += xm * w0j[h];
    }
  }
}

/// Task loss of the batch: fills dpre[last] with dL_task/d(output) and returns the loss.
template <typename T>
T task_loss_and_grad(const StepInput<T>& in, Workspace<T>& ws) {
  const int last = ws.shape.n_layers() - 1, n_out = ws.shape.n_outputs;
  const T* out = ws.pre[static_cast<std::size_t>(last)].data();
  T* dout = ws.dpre[static_cast<std::size_t>(last)].data();
  T loss = 0;
  if (in.survival) {
    // The risk sets couple the batch's rows: gather its times and events, then the shared math.
    const int B = in.batch;
    T* time = ws.cox.data();
    T* event = time + ws.max_batch;
    for (int b = 0; b < B; ++b) {
      time[b] = in.time[in.rows[b]];
      event[b] = in.event[in.rows[b]];
    }
    return kern::cox_batch_loss(out, time, event, B, in.ties, event + ws.max_batch, event + 2 * ws.max_batch, dout);
  }
  if (in.classification) {
    T total_weight = 0;
    for (int b = 0; b < in.batch; ++b) total_weight += in.class_weight[in.labels[in.rows[b]]];
    // A batch made only of zero-weight classes carries no task signal (not 0/0).
    const T inv_total = total_weight > T(0) ? T(1) / total_weight : T(0);
    for (int b = 0; b < in.batch; ++b) {
      const int label = in.labels[in.rows[b]];
      const T scale = in.class_weight[label] * inv_total;
      loss += scale * kern::softmax_xent_row(out + b * n_out, n_out, label, scale, dout + b * n_out);
    }
  } else {
    const T scale = T(1) / (T(in.batch) * T(n_out));
    for (int b = 0; b < in.batch; ++b) {
      const T* y = in.values + static_cast<std::int64_t>(in.rows[b]) * n_out;
      loss += scale * kern::squared_error_row(out + b * n_out, y, n_out, scale, dout + b * n_out);
    }
  }
  return loss;
}

/// Phase B: reduce the partial sums, run the task MLP forward and backward, set the penalty.
template <typename T, typename Sink>
void head_forward_backward(const StepInput<T>& in, const ParamView<T>& p, Workspace<T>& ws, Sink& sink) {
  const ModelShape& s = ws.shape;
  const int B = in.batch, L = s.n_layers(), h0 = s.fan_out(0);
  const std::size_t slot = ws.forward_slot();
  // Chunks held by other column blocks arrive here (Reduce); then every participant adds all
  // chunks in the same order.
  if constexpr (std::is_same_v<T, float>)
    if (in.reduce != nullptr)
      in.reduce->exchange(train::Reduce::Point::kForward, ws.forward_partial.data(), slot,
                          Workspace<T>::kSlotSums + static_cast<std::size_t>(B) * h0, ws.block.first_chunk,
                          ws.block.last_chunk, ws.chunks.count);
  // Layer 0 pre-activation: bias + sum of the chunk partials, in chunk order.
  T* z0 = ws.pre[0].data();
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < h0; ++h) z0[b * h0 + h] = p.bias[0][h];
  for (int c = 0; c < ws.chunks.count; ++c) {
    const T* zp = &ws.forward_partial[static_cast<std::size_t>(c) * slot + Workspace<T>::kSlotSums];
    for (int i = 0; i < B * h0; ++i) z0[i] += zp[i];
  }
  for (int l = 0; l < L; ++l) {
    const int fi = static_cast<int>(s.fan_in(l)), fo = s.fan_out(l);
    T* z = ws.pre[l].data();
    if (l > 0) {
      const T* a = ws.post[l - 1].data();
      for (int b = 0; b < B; ++b) kern::dense_row(a + b * fi, p.weight[l].data(), p.bias[l].data(), fi, fo, z + b * fo);
    }
    if (l + 1 < L)
      for (int i = 0; i < B * fo; ++i) ws.post[l][i] = kern::relu(z[i]);
  }
  const T task = task_loss_and_grad(in, ws);
  // Backward through layers L-1 .. 1; dpre[l] holds dL/dz_l.
  for (int l = L - 1; l >= 1; --l) {
    const int fi = static_cast<int>(s.fan_in(l)), fo = s.fan_out(l);
    const T* dz = ws.dpre[l].data();
    const T* a = ws.post[l - 1].data();
    std::fill(ws.grad_w.begin(), ws.grad_w.begin() + fi * fo, T(0));
    std::fill(ws.grad_b.begin(), ws.grad_b.begin() + fo, T(0));
    for (int b = 0; b < B; ++b) {
      for (int o = 0; o < fo; ++o) ws.grad_b[o] += dz[b * fo + o];
      for (int i = 0; i < fi; ++i)
        for (int o = 0; o < fo; ++o) ws.grad_w[i * fo + o] += a[b * fi + i] * dz[b * fo + o];
    }
    T* dprev = ws.dpre[l - 1].data();
    const T* zprev = ws.pre[l - 1].data();
    for (int b = 0; b < B; ++b)
      for (int i = 0; i < fi; ++i) {
        const T* wr = &p.weight[l][static_cast<std::size_t>(i) * fo];
        T acc = 0;
        for (int o = 0; o < fo; ++o) acc += wr[o] * dz[b * fo + o];
        dprev[b * fi + i] = kern::relu_backward(zprev[b * fi + i], acc);
      }
    sink.layer(l, ws.grad_w.data(), ws.grad_b.data());  // after W_l was read for dprev
  }
  std::fill(ws.grad_b.begin(), ws.grad_b.begin() + h0, T(0));
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < h0; ++h) ws.grad_b[h] += ws.dpre[0][b * h0 + h];
  sink.layer(0, nullptr, ws.grad_b.data());  // W0 is handled feature by feature in phase C

  T mask_sum = 0, cost_sum = 0;
  for (int c = 0; c < ws.chunks.count; ++c) {
    mask_sum += ws.forward_partial[static_cast<std::size_t>(c) * slot];
    cost_sum += ws.forward_partial[static_cast<std::size_t>(c) * slot + 1];
  }
  const T D = T(ws.fit_features);
  const kern::PenaltyTerms<T> pen = kern::selection_penalty(in.penalty, mask_sum, D, in.target_features,
                                                            in.penalty_norm > T(0) ? in.penalty_norm : D, cost_sum);
  ws.dsel_dm = in.lambda * pen.grad_per_mask;
  ws.terms = StepTerms{double(task + in.lambda * pen.value), double(task), double(pen.value), double(pen.mean_mask)};
}

/// Phase C for chunk c: the feature side of the backward pass. Features go in tiles of kTile so
/// the sink sees contiguous gradient blocks (long vector loops) that stay in L1.
template <typename T, typename Sink>
void feature_backward_chunk(const StepInput<T>& in, const ParamView<T>& p, Workspace<T>& ws, Sink& sink, int c) {
  const std::int64_t j0 = ws.begin(c), j1 = ws.end(c), stride = ws.block.x_stride;
  const int de = ws.shape.embedding_dim, h0 = ws.shape.fan_out(0);
  const T* dz0 = ws.dpre[0].data();
  const T* e = p.embedding.data();
  T* de_part = &ws.de_partial[static_cast<std::size_t>(c) * de];
  std::fill(de_part, de_part + de, T(0));
  T* grad_w0 = &ws.tile_scratch[static_cast<std::size_t>(c) * ws.tile_stride()];
  T* grad_phi = grad_w0 + kTile * h0;
  T* grad_logit = grad_phi + kTile * de;
  for (std::int64_t t0 = j0; t0 < j1; t0 += kTile) {
    const int n = static_cast<int>(std::min<std::int64_t>(kTile, j1 - t0));
    // G_j = sum_b x[b, j] dz0[b, :], kept in grad_w0 until it is scaled by m_j below.
    std::fill(grad_w0, grad_w0 + n * h0, T(0));
    for (int b = 0; b < in.batch; ++b) {
      const T* xr = in.x + static_cast<std::int64_t>(in.rows[b]) * stride + t0;
      const T* dz = dz0 + b * h0;
      for (int i = 0; i < n; ++i) {
        const T xv = xr[i];
        T* g = grad_w0 + i * h0;
#pragma omp simd
        for (int h = 0; h < h0; ++h) g[h] += xv * dz[h];
      }
    }
    for (int i = 0; i < n; ++i) {
      const T* w0 = &p.weight[0][static_cast<std::size_t>(t0 + i) * h0];
      T* g = grad_w0 + i * h0;
      const T m = ws.mask[static_cast<std::size_t>(t0 + i)];
      T dm = 0;
#pragma omp simd reduction(+ : dm)
      for (int h = 0; h < h0; ++h) {
        dm += w0[h] * g[h];  // W0 before its update
        g[h] *= m;
      }
      const T dsel = in.cost != nullptr ? ws.dsel_dm * T(in.cost[ws.global(t0 + i)]) : ws.dsel_dm;
      grad_logit[i] = (dm + dsel) * kern::mask_grad_wrt_logit(m, in.tau);
    }
    const T* __restrict phi = &p.mask_weight[static_cast<std::size_t>(t0) * de];
    T* __restrict gphi = grad_phi;
    T* __restrict dep = de_part;
    for (int i = 0; i < n; ++i) {
      const T dw = grad_logit[i];
#pragma omp simd
      for (int k = 0; k < de; ++k) gphi[i * de + k] = dw * e[k];
    }
    if (in.embedding_grad) {
      for (int i = 0; i < n; ++i) {
        const T dw = grad_logit[i];
#pragma omp simd
        for (int k = 0; k < de; ++k) dep[k] += dw * phi[i * de + k];  // phi before its update
      }
    }
    sink.features(t0, n, grad_w0, grad_phi, grad_logit);
  }
}

}  // namespace step_detail

/// One step of `members` models at once (stability members trained together): member m reads
/// in[m] and p[m], works in *ws[m] and hands its gradients to sink[m]. Call from every thread of
/// an OpenMP parallel region (or outside one: then it runs on one thread). The team shares the
/// (member, chunk) pairs of the feature-wise phases and the members' heads; the barrier is
/// ws[0]'s. ws[m]->terms holds member m's loss terms afterwards. Results do not depend on the team
/// size: each member's arithmetic is the one-model step's, in the same order.
template <typename T, typename Sink>
void cpu_step_members(const StepInput<T>* in, const ParamView<T>* p, Workspace<T>* const* ws, Sink* sink, int members) {
  const int tid = omp_get_thread_num(), team = omp_get_num_threads();
  Workspace<T>& lead = *ws[0];
  // The (member, chunk) pairs in member order; members may hold different numbers of chunks (a
  // gathered active set each).
  constexpr int kInline = 16;
  int offsets_inline[kInline + 1];
  std::vector<int> offsets_heap;
  int* offsets = offsets_inline;
  if (members > kInline) {
    offsets_heap.resize(static_cast<std::size_t>(members) + 1);
    offsets = offsets_heap.data();
  }
  offsets[0] = 0;
  for (int m = 0; m < members; ++m) offsets[m + 1] = offsets[m] + (ws[m]->block.last_chunk - ws[m]->block.first_chunk);
  int first = 0, last = 0;
  step_detail::owned_chunks(0, offsets[members], tid, team, first, last);
  const auto pair_of = [&](int i, int& m, int& c) {
    m = static_cast<int>(std::upper_bound(offsets, offsets + members + 1, i) - offsets) - 1;
    c = ws[m]->block.first_chunk + (i - offsets[m]);
  };
  for (int i = first, m = 0, c = 0; i < last; ++i) {
    pair_of(i, m, c);
    step_detail::mask_and_matmul_chunk(in[m], p[m], *ws[m], c);
  }
  lead.barrier.wait(team);
  for (int m = tid; m < members; m += team) step_detail::head_forward_backward(in[m], p[m], *ws[m], sink[m]);
  lead.barrier.wait(team);
  for (int i = first, m = 0, c = 0; i < last; ++i) {
    pair_of(i, m, c);
    step_detail::feature_backward_chunk(in[m], p[m], *ws[m], sink[m], c);
  }
  lead.barrier.wait(team);
  for (int m = tid; m < members; m += team) {
    Workspace<T>& w = *ws[m];
    const int de = w.shape.embedding_dim;
    if constexpr (std::is_same_v<T, float>)
      if (in[m].reduce != nullptr && in[m].embedding_grad)
        in[m].reduce->exchange(train::Reduce::Point::kBackward, w.de_partial.data(), static_cast<std::size_t>(de),
                               static_cast<std::size_t>(de), w.block.first_chunk, w.block.last_chunk, w.chunks.count);
    std::fill(w.grad_e.begin(), w.grad_e.end(), T(0));
    for (int c = 0; c < w.chunks.count; ++c)
      for (int k = 0; k < de; ++k) w.grad_e[k] += w.de_partial[static_cast<std::size_t>(c) * de + k];
    sink[m].embedding(w.grad_e.data());
  }
  lead.barrier.wait(team);
}

/// One step of one model (see cpu_step_members).
template <typename T, typename Sink>
void cpu_step(const StepInput<T>& in, const ParamView<T>& p, Workspace<T>& ws, Sink& sink) {
  Workspace<T>* w = &ws;
  cpu_step_members(&in, &p, &w, &sink, 1);
}

}  // namespace GFS_CPU_ISA
}  // namespace gfs::detail
