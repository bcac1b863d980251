/// @file cpu_backend_avx512.cpp
/// @brief The CPU backend compiled for the avx512 instruction set.
///
/// Only the backend's own templates are compiled for the wider ISA, through `#pragma GCC target`
/// around their inclusion: the standard library and the shared math are included first, with the
/// baseline target, so no out-of-line copy of them can carry avx512 instructions into code that
/// runs on a processor without them (the shared math is inlined into the hot loops anyway).
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backends/backends.hpp"
#include "backends/cpu/pair_hits.hpp"
#include "gfs/error.hpp"
#include "kernels/math.hpp"
#include "kernels/philox.hpp"
#include "train/backend.hpp"
#include "train/model.hpp"

#define GFS_CPU_ISA avx512
#define GFS_CPU_ISA_ID 2  // 2 avx512, 1 avx2, 0 generic
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,bmi,bmi2,f16c,popcnt,sse4.2", "prefer-vector-width=512")
#define GFS_CPU_TARGET_PUSHED
#endif
#include "backends/cpu/cpu_backend_impl.hpp"
#include "backends/cpu/cpu_step.hpp"
#include "backends/cpu/evidence.hpp"
#include "backends/cpu/sinks.hpp"
#include "backends/cpu/pair_products.hpp"
#include "backends/cpu/draw_counts.hpp"
#ifdef GFS_CPU_TARGET_PUSHED
#pragma GCC pop_options
#endif
