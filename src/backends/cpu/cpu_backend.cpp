/// @file cpu_backend.cpp
/// @brief Picks the CPU backend variant for the instruction sets this processor supports.
#include <memory>
#include <utility>
#include <vector>

#include "backends/backends.hpp"
#include "train/backend.hpp"

namespace gfs::detail {

std::unique_ptr<train::Backend> make_cpu_backend_avx512(int threads);
std::unique_ptr<train::Backend> make_cpu_backend_avx2(int threads);
std::unique_ptr<train::Backend> make_cpu_backend_generic(int threads);
void cpu_column_evidence_avx512(const train::Params<float>&, const train::HeldOutRows&, const std::vector<char>&, int,
                                train::ColumnEvidence&);
void cpu_column_evidence_avx2(const train::Params<float>&, const train::HeldOutRows&, const std::vector<char>&, int,
                              train::ColumnEvidence&);
void cpu_column_evidence_generic(const train::Params<float>&, const train::HeldOutRows&, const std::vector<char>&, int,
                                 train::ColumnEvidence&);

void cpu_pair_products_avx512(const float*, std::int64_t, std::int64_t, const float*, float, int, std::vector<PairSum>&,
                              std::size_t);
void cpu_pair_products_avx2(const float*, std::int64_t, std::int64_t, const float*, float, int, std::vector<PairSum>&,
                            std::size_t);
void cpu_pair_products_generic(const float*, std::int64_t, std::int64_t, const float*, float, int,
                               std::vector<PairSum>&, std::size_t);

void cpu_pair_class_products_avx512(const float*, std::int64_t, std::int64_t, const int*, int, const std::vector<int>&,
                                    const std::vector<float>&, int, std::vector<std::vector<PairSum>>&, std::size_t);
void cpu_pair_class_products_avx2(const float*, std::int64_t, std::int64_t, const int*, int, const std::vector<int>&,
                                  const std::vector<float>&, int, std::vector<std::vector<PairSum>>&, std::size_t);
void cpu_pair_class_products_generic(const float*, std::int64_t, std::int64_t, const int*, int, const std::vector<int>&,
                                     const std::vector<float>&, int, std::vector<std::vector<PairSum>>&, std::size_t);
void cpu_draw_counts_avx512(const std::int64_t*, std::int64_t, std::uint64_t, int, int, std::int32_t*);
void cpu_draw_counts_avx2(const std::int64_t*, std::int64_t, std::uint64_t, int, int, std::int32_t*);
void cpu_draw_counts_generic(const std::int64_t*, std::int64_t, std::uint64_t, int, int, std::int32_t*);

namespace {

enum class Isa { kAvx512, kAvx2, kGeneric };

Isa best_isa() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq"))
    return Isa::kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::kAvx2;
#endif
  return Isa::kGeneric;
}

/// Calls the variant of a function compiled for the best instruction set this processor has (the
/// one dispatch: every entry point below is a line).
template <typename Fn, typename... Args>
decltype(auto) on_best_isa(Fn* avx512, Fn* avx2, Fn* generic, Args&&... args) {
  switch (best_isa()) {
    case Isa::kAvx512:
      return avx512(std::forward<Args>(args)...);
    case Isa::kAvx2:
      return avx2(std::forward<Args>(args)...);
    case Isa::kGeneric:
      break;
  }
  return generic(std::forward<Args>(args)...);
}

}  // namespace

std::unique_ptr<train::Backend> make_cpu_backend(int threads) {
  return on_best_isa(make_cpu_backend_avx512, make_cpu_backend_avx2, make_cpu_backend_generic, threads);
}

void cpu_pair_products(const float* x, std::int64_t n, std::int64_t d, const float* v, float cutoff, int threads,
                       std::vector<PairSum>& hits, std::size_t max_hits) {
  on_best_isa(cpu_pair_products_avx512, cpu_pair_products_avx2, cpu_pair_products_generic, x, n, d, v, cutoff, threads,
              hits, max_hits);
}

void cpu_pair_class_products(const float* x, std::int64_t n, std::int64_t d, const int* labels, int classes,
                             const std::vector<int>& outputs, const std::vector<float>& cutoffs, int threads,
                             std::vector<std::vector<PairSum>>& hits, std::size_t max_hits) {
  on_best_isa(cpu_pair_class_products_avx512, cpu_pair_class_products_avx2, cpu_pair_class_products_generic, x, n, d,
              labels, classes, outputs, cutoffs, threads, hits, max_hits);
}

void cpu_draw_counts(const std::int64_t* first_word, std::int64_t n_columns, std::uint64_t seed, int n_draws,
                     int threads, std::int32_t* counts) {
  on_best_isa(cpu_draw_counts_avx512, cpu_draw_counts_avx2, cpu_draw_counts_generic, first_word, n_columns, seed,
              n_draws, threads, counts);
}

void cpu_column_evidence(const train::Params<float>& params, const train::HeldOutRows& held_out,
                         const std::vector<char>& active, int threads, train::ColumnEvidence& out) {
  on_best_isa(cpu_column_evidence_avx512, cpu_column_evidence_avx2, cpu_column_evidence_generic, params, held_out,
              active, threads, out);
}

}  // namespace gfs::detail
