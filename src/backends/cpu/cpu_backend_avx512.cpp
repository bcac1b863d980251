/// @file cpu_backend_avx512.cpp
/// @brief The CPU backend compiled for the avx512 instruction set (flags in src/CMakeLists.txt).
#define GFS_CPU_ISA avx512
#include "backends/cpu/cpu_backend_impl.hpp"
