/// @file pair_products.hpp
/// @brief The pair screen's kernel: S_ab = sum_i v_i x_ia x_ib for every pair of columns a < b,
///        keeping the pairs with |S_ab| >= cutoff. Included once per instruction set by
///        cpu_backend_<isa>.cpp (after cpu_backend_impl.hpp, inside its target pragma).
///
/// A packed, register-blocked product (the shape of a GEMM micro-kernel): x is copied into panels
/// of kB columns [panel][row][kB] and v x into panels of kA columns, both zero-padded; a tile of
/// kA x kB sums stays in registers while the rows stream through, and a b-panel (n_rows x kB
/// floats) stays in L2 while every a-panel left of it passes. Each sum is accumulated over the
/// rows in ascending order by one thread, so the result does not depend on the thread count. The
/// hits go into a PairHitList (pair_hits.hpp), bounded to the strongest max_hits as it fills.
#pragma once

namespace gfs::detail {
namespace {

#if GFS_CPU_ISA_ID == 2
constexpr int kPairA = 8, kPairB = 48;  // 16 zmm accumulators (8 x 48: 245 GFLOP/s on 2 cores, 8 x 32: 227, 12 x 32: 244)
#elif GFS_CPU_ISA_ID == 1
constexpr int kPairA = 6, kPairB = 16;  // 12 ymm accumulators
#else
constexpr int kPairA = 4, kPairB = 8;  // 8 xmm accumulators
#endif

/// The packed product over row segments: for every pair a < b and every segment k of the rows
/// (rows order[seg_end[k-1]] .. order[seg_end[k] - 1]), sum_i w_i x_ia x_ib over the segment's rows
/// in their order (w = 1 when `w` is null), accumulated in float by one thread. `emit(me, a0, b0,
/// tile)` then gets a tile of them: segment k's sum of (a0 + s, b0 + t) at tile[k kTile + s kPairB
/// + t] (pairs with a >= b or b >= d are padding: emit skips them). Nothing in the region
/// allocates (the scratch comes from the caller's buffers); a throw is passed out by `lists`.
template <typename Emit>
void pair_segment_products(const float* x, std::int64_t n, std::int64_t d, const float* w,
                           const std::vector<std::int64_t>& order, const std::vector<std::int64_t>& seg_end,
                           int threads, PairHitList* lists, int n_lists, Emit&& emit) {
  const std::int64_t nb = (d + kPairB - 1) / kPairB;
  const std::int64_t na = (d + kPairA - 1) / kPairA;
  const auto n_seg = static_cast<int>(seg_end.size());
  std::vector<float> xp(static_cast<std::size_t>(nb * n * kPairB), 0.0F);
  std::vector<float> vp(static_cast<std::size_t>(na * n * kPairA), 0.0F);
  constexpr std::size_t kTile = static_cast<std::size_t>(kPairA) * kPairB;
  std::vector<float> tiles(static_cast<std::size_t>(threads) * static_cast<std::size_t>(n_seg) * kTile);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t src = order.empty() ? i : order[static_cast<std::size_t>(i)];
    const float* row = x + src * d;
    const float wi = w != nullptr ? w[src] : 1.0F;
    for (std::int64_t j = 0; j < d; ++j) {
      xp[static_cast<std::size_t>(((j / kPairB) * n + i) * kPairB + j % kPairB)] = row[j];
      vp[static_cast<std::size_t>(((j / kPairA) * n + i) * kPairA + j % kPairA)] = w != nullptr ? wi * row[j] : row[j];
    }
  }
#pragma omp parallel num_threads(threads)
  {
    const int me = omp_get_thread_num();
    float* tile = tiles.data() + static_cast<std::size_t>(me) * static_cast<std::size_t>(n_seg) * kTile;
    // The widest triangles first, so that dynamic scheduling ends evenly.
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t q = 0; q < nb; ++q) {
      // Nothing here allocates; the guard keeps that true for whoever changes it (an exception
      // must not leave an OpenMP region, and a thread leaving the loop would hang the others).
      try {
        const std::int64_t pb = nb - 1 - q;
        const std::int64_t b0 = pb * kPairB;
        const float* xb = xp.data() + pb * n * kPairB;
        const std::int64_t a_end = std::min(d, b0 + kPairB);  // a < b < b0 + kPairB
        for (std::int64_t pa = 0; pa * kPairA < a_end; ++pa) {
          const float* va = vp.data() + pa * n * kPairA;
          std::int64_t i = 0;
          for (int k = 0; k < n_seg; ++k) {
            float acc[kPairA][kPairB] = {};
            for (; i < seg_end[static_cast<std::size_t>(k)]; ++i) {
              const float* xr = xb + i * kPairB;
              const float* vr = va + i * kPairA;
              for (int s = 0; s < kPairA; ++s) {
                const float wv = vr[s];
#pragma omp simd
                for (int t = 0; t < kPairB; ++t) acc[s][t] += wv * xr[t];
              }
            }
            std::copy(&acc[0][0], &acc[0][0] + kTile, tile + static_cast<std::size_t>(k) * kTile);
          }
          emit(me, pa * kPairA, b0, static_cast<const float*>(tile));
        }
      } catch (...) {
        for (int l = 0; l < n_lists; ++l) lists[l].fail(me, std::current_exception());
      }
    }
    for (int l = 0; l < n_lists; ++l) lists[l].flush(me);
  }
}

void pair_products(const float* x, std::int64_t n, std::int64_t d, const float* v, float cutoff, int threads,
                   std::vector<PairSum>& hits, std::size_t max_hits) {
  PairHitList list(max_hits, threads);  // every buffer allocated here, outside the parallel regions
  pair_segment_products(x, n, d, v, {}, {n}, threads, &list, 1,
                        [&](int me, std::int64_t a0, std::int64_t b0, const float* tile) {
                          for (int s = 0; s < kPairA; ++s) {
                            const float* row = tile + s * kPairB;
                            float top = 0;  // most rows of a tile hold no hit: one vector max decides
#pragma omp simd reduction(max : top)
                            for (int t = 0; t < kPairB; ++t) top = std::max(top, std::fabs(row[t]));
                            if (top < cutoff) continue;
                            const std::int64_t a = a0 + s;
                            for (int t = 0; t < kPairB; ++t) {
                              const std::int64_t b = b0 + t;
                              if (a < b && b < d && std::fabs(row[t]) >= cutoff)
                                list.add(me, PairSum{static_cast<std::int32_t>(a), static_cast<std::int32_t>(b), row[t]});
                            }
                          }
                        });
  list.take(hits);  // rethrows a thread's exception here, outside the region
}

void pair_class_products(const float* x, std::int64_t n, std::int64_t d, const int* labels, int classes,
                         const std::vector<int>& outputs, const std::vector<float>& cutoffs, int threads,
                         std::vector<std::vector<PairSum>>& hits, std::size_t max_hits) {
  // The rows grouped by class (stably), one segment per class.
  std::vector<std::int64_t> order, seg_end;
  for (int c = 0; c < classes; ++c) {
    for (std::int64_t i = 0; i < n; ++i)
      if (labels[i] == c) order.push_back(i);
    seg_end.push_back(static_cast<std::int64_t>(order.size()));
  }
  std::vector<float> share(static_cast<std::size_t>(classes));
  for (int c = 0; c < classes; ++c)
    share[static_cast<std::size_t>(c)] =
        static_cast<float>(static_cast<double>(seg_end[static_cast<std::size_t>(c)] - (c > 0 ? seg_end[static_cast<std::size_t>(c - 1)] : 0)) /
                           static_cast<double>(n));
  const auto n_out = static_cast<int>(outputs.size());
  std::vector<PairHitList> lists;
  lists.reserve(outputs.size());
  for (int o = 0; o < n_out; ++o) lists.emplace_back(max_hits, threads);
  constexpr std::size_t kTile = static_cast<std::size_t>(kPairA) * kPairB;
  pair_segment_products(
      x, n, d, nullptr, order, seg_end, threads, lists.data(), n_out,
      [&](int me, std::int64_t a0, std::int64_t b0, const float* tile) {
        for (int s = 0; s < kPairA; ++s) {
          float all[kPairB] = {};  // sum_c T_c: the pair's sum over every row
          for (int c = 0; c < classes; ++c) {
            const float* tc = tile + static_cast<std::size_t>(c) * kTile + s * kPairB;
#pragma omp simd
            for (int t = 0; t < kPairB; ++t) all[t] += tc[t];
          }
          for (int o = 0; o < n_out; ++o) {
            const auto c = static_cast<std::size_t>(outputs[static_cast<std::size_t>(o)]);
            const float* tc = tile + c * kTile + s * kPairB;
            const float sh = share[c], cut = cutoffs[static_cast<std::size_t>(o)];
            float sum[kPairB];  // sum_i (1[y_i = c] - share_c) x_ia x_ib
            float top = 0;
#pragma omp simd reduction(max : top)
            for (int t = 0; t < kPairB; ++t) {
              sum[t] = tc[t] - sh * all[t];
              top = std::max(top, std::fabs(sum[t]));
            }
            if (top < cut) continue;
            const std::int64_t a = a0 + s;
            for (int t = 0; t < kPairB; ++t) {
              const std::int64_t b = b0 + t;
              if (a < b && b < d && std::fabs(sum[t]) >= cut)
                lists[static_cast<std::size_t>(o)].add(
                    me, PairSum{static_cast<std::int32_t>(a), static_cast<std::int32_t>(b), sum[t]});
            }
          }
        }
      });
  hits.resize(outputs.size());
  for (int o = 0; o < n_out; ++o) lists[static_cast<std::size_t>(o)].take(hits[static_cast<std::size_t>(o)]);
}

}  // namespace

void GFS_CPU_CAT(cpu_pair_products_, GFS_CPU_ISA)(const float* x, std::int64_t n, std::int64_t d, const float* v,
                                                  float cutoff, int threads, std::vector<PairSum>& hits,
                                                  std::size_t max_hits) {
  pair_products(x, n, d, v, cutoff, threads > 0 ? threads : omp_get_max_threads(), hits, max_hits);
}

void GFS_CPU_CAT(cpu_pair_class_products_, GFS_CPU_ISA)(const float* x, std::int64_t n, std::int64_t d,
                                                        const int* labels, int classes, const std::vector<int>& outputs,
                                                        const std::vector<float>& cutoffs, int threads,
                                                        std::vector<std::vector<PairSum>>& hits, std::size_t max_hits) {
  pair_class_products(x, n, d, labels, classes, outputs, cutoffs, threads > 0 ? threads : omp_get_max_threads(), hits,
                      max_hits);
}

}  // namespace gfs::detail
