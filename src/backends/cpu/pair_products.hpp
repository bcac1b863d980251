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

void pair_products(const float* x, std::int64_t n, std::int64_t d, const float* v, float cutoff, int threads,
                   std::vector<PairSum>& hits, std::size_t max_hits) {
  const std::int64_t nb = (d + kPairB - 1) / kPairB;
  const std::int64_t na = (d + kPairA - 1) / kPairA;
  std::vector<float> xp(static_cast<std::size_t>(nb * n * kPairB), 0.0F);
  std::vector<float> vp(static_cast<std::size_t>(na * n * kPairA), 0.0F);
  PairHitList list(max_hits, threads);  // every buffer allocated here, outside the parallel regions
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = x + i * d;
    for (std::int64_t j = 0; j < d; ++j) {
      xp[static_cast<std::size_t>(((j / kPairB) * n + i) * kPairB + j % kPairB)] = row[j];
      vp[static_cast<std::size_t>(((j / kPairA) * n + i) * kPairA + j % kPairA)] = v[i] * row[j];
    }
  }
#pragma omp parallel num_threads(threads)
  {
    const int me = omp_get_thread_num();
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
          float acc[kPairA][kPairB] = {};
          for (std::int64_t i = 0; i < n; ++i) {
            const float* xr = xb + i * kPairB;
            const float* vr = va + i * kPairA;
            for (int s = 0; s < kPairA; ++s) {
              const float w = vr[s];
#pragma omp simd
              for (int t = 0; t < kPairB; ++t) acc[s][t] += w * xr[t];
            }
          }
          for (int s = 0; s < kPairA; ++s) {
            const std::int64_t a = pa * kPairA + s;
            for (int t = 0; t < kPairB; ++t) {
              const std::int64_t b = b0 + t;
              if (a < b && b < d && std::fabs(acc[s][t]) >= cutoff)
                list.add(me, PairSum{static_cast<std::int32_t>(a), static_cast<std::int32_t>(b), acc[s][t]});
            }
          }
        }
      } catch (...) {
        list.fail(me, std::current_exception());
      }
    }
    list.flush(me);
  }
  list.take(hits);  // rethrows a thread's exception here, outside the region
}

}  // namespace

void GFS_CPU_CAT(cpu_pair_products_, GFS_CPU_ISA)(const float* x, std::int64_t n, std::int64_t d, const float* v,
                                                  float cutoff, int threads, std::vector<PairSum>& hits,
                                                  std::size_t max_hits) {
  pair_products(x, n, d, v, cutoff, threads > 0 ? threads : omp_get_max_threads(), hits, max_hits);
}

}  // namespace gfs::detail
