/// @file draw_counts.hpp
/// @brief The hard-draw scores' kernel (outputs.hpp, hard_draw_scores): for every column j and
///        draw d, whether Philox word j of subsequence kScoreStream + d is at least the column's
///        integer threshold. Included once per instruction set by cpu_backend_<isa>.cpp (after
///        cpu_backend_impl.hpp, inside its target pragma).
///
/// The test is on the raw 32-bit words, so every instruction set counts exactly the same: the
/// caller turns each column's threshold on the uniform, u > exp(-e^w), into the first word whose
/// uniform passes it (uint_to_uniform is monotone). Philox runs on one block per 64-bit SIMD lane
/// (GCC vector types, so each ISA gets its width), and a chunk of 16 blocks (64 columns) keeps its
/// counts in registers across every draw.
#pragma once

namespace gfs::detail {
namespace {

#if GFS_CPU_ISA_ID == 2
constexpr int kDrawVectorBytes = 64;
#elif GFS_CPU_ISA_ID == 1
constexpr int kDrawVectorBytes = 32;
#else
constexpr int kDrawVectorBytes = 16;
#endif
/// 32-bit Philox words, one per 64-bit lane: the 32 x 32 -> 64-bit products are lane-wise.
using DrawWords = std::uint64_t __attribute__((vector_size(kDrawVectorBytes)));
constexpr int kDrawLanes = kDrawVectorBytes / 8;
constexpr int kDrawVectors = 16 / kDrawLanes;  // 16 blocks (64 columns) per chunk on every ISA
constexpr int kDrawBlocks = kDrawVectors * kDrawLanes;
constexpr std::uint64_t kLow = 0xFFFFFFFFULL;

void draw_counts(const std::int64_t* first_word, std::int64_t n_columns, std::uint64_t seed, int n_draws, int threads,
                 std::int32_t* counts) {
  const std::int64_t n_blocks = (n_columns + 3) / 4;
  const std::int64_t n_chunks = (n_blocks + kDrawBlocks - 1) / kDrawBlocks;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t chunk = 0; chunk < n_chunks; ++chunk) {
    const std::int64_t q0 = chunk * kDrawBlocks;
    // The chunk's thresholds by word w and block: column 4 (q0 + block) + w. A column past the end
    // never counts (no word reaches 2^32).
    DrawWords limit[4][kDrawVectors], count[4][kDrawVectors], block[kDrawVectors];
    for (int v = 0; v < kDrawVectors; ++v)
      for (int l = 0; l < kDrawLanes; ++l) {
        const std::int64_t q = q0 + v * kDrawLanes + l;
        block[v][l] = static_cast<std::uint64_t>(q);
        for (int w = 0; w < 4; ++w) {
          const std::int64_t j = 4 * q + w;
          limit[w][v][l] = static_cast<std::uint64_t>(j < n_columns ? first_word[j] : std::int64_t{1} << 32);
          count[w][v][l] = 0;
        }
      }
    for (int d = 0; d < n_draws; ++d) {
      const std::uint64_t sub = kern::kScoreStream + static_cast<std::uint64_t>(d);
      for (int v = 0; v < kDrawVectors; ++v) {
        DrawWords c0 = block[v] & kLow, c1 = block[v] >> 32, c2 = c0 * 0 + (sub & kLow), c3 = c0 * 0 + (sub >> 32);
        std::uint64_t k0 = seed & kLow, k1 = seed >> 32;
        for (int round = 0; round < 10; ++round) {  // kern::philox4x32_10, lane-wise
          // Both factors are below 2^32 (the masks say so, and let the compiler use a 32 x 32 multiply).
          const DrawWords p0 = (c0 & kLow) * 0xD2511F53ULL, p1 = (c2 & kLow) * 0xCD9E8D57ULL;
          c0 = (p1 >> 32) ^ c1 ^ k0;
          c1 = p1 & kLow;
          c2 = (p0 >> 32) ^ c3 ^ k1;
          c3 = p0 & kLow;
          k0 = (k0 + 0x9E3779B9ULL) & kLow;
          k1 = (k1 + 0xBB67AE85ULL) & kLow;
        }
        // A true comparison is all ones (-1): subtracting it counts one.
        count[0][v] -= static_cast<DrawWords>(c0 >= limit[0][v]);
        count[1][v] -= static_cast<DrawWords>(c1 >= limit[1][v]);
        count[2][v] -= static_cast<DrawWords>(c2 >= limit[2][v]);
        count[3][v] -= static_cast<DrawWords>(c3 >= limit[3][v]);
      }
    }
    for (int v = 0; v < kDrawVectors; ++v)
      for (int l = 0; l < kDrawLanes; ++l)
        for (int w = 0; w < 4; ++w) {
          const std::int64_t j = 4 * (q0 + v * kDrawLanes + l) + w;
          if (j < n_columns) counts[j] = static_cast<std::int32_t>(count[w][v][l]);
        }
  }
}

}  // namespace

void GFS_CPU_CAT(cpu_draw_counts_, GFS_CPU_ISA)(const std::int64_t* first_word, std::int64_t n_columns,
                                                std::uint64_t seed, int n_draws, int threads, std::int32_t* counts) {
  draw_counts(first_word, n_columns, seed, n_draws, threads > 0 ? threads : omp_get_max_threads(), counts);
}

}  // namespace gfs::detail
