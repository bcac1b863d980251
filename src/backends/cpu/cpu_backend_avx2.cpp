/// @file cpu_backend_avx2.cpp
/// @brief The CPU backend compiled for the avx2 instruction set (flags in src/CMakeLists.txt).
#define GFS_CPU_ISA avx2
#include "backends/cpu/cpu_backend_impl.hpp"
