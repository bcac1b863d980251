/// @file cpu_backend_generic.cpp
/// @brief The CPU backend compiled for the generic instruction set (flags in src/CMakeLists.txt).
#define GFS_CPU_ISA generic
#include "backends/cpu/cpu_backend_impl.hpp"
