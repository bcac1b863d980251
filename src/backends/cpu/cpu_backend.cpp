/// @file cpu_backend.cpp
/// @brief Picks the CPU backend variant for the instruction sets this processor supports.
#include <memory>

#include "backends/backend.hpp"

namespace gfs::detail {

std::unique_ptr<Backend> make_cpu_backend_avx512(int threads);
std::unique_ptr<Backend> make_cpu_backend_avx2(int threads);
std::unique_ptr<Backend> make_cpu_backend_generic(int threads);

std::unique_ptr<Backend> make_cpu_backend(int threads) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq"))
    return make_cpu_backend_avx512(threads);
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return make_cpu_backend_avx2(threads);
#endif
  return make_cpu_backend_generic(threads);
}

}  // namespace gfs::detail
