/// @file simt.hpp
/// @brief The execution context the CUDA kernel bodies are written against, so each body is one
///        template compiled twice: by nvcc with DeviceCtx (the CUDA builtins) inside the __global__
///        wrappers, and by the host compiler with the block emulator's context (tests/simt/).
///
/// A context offers: thread/block indices and dimensions (x only for threads; x and y for blocks),
/// the block barrier, warp shuffles/ballot/syncwarp with an explicit member mask, and the block's
/// dynamic shared memory. Static shared memory is a plain struct the wrapper declares __shared__
/// and passes by reference (the emulator allocates and poisons it per block).
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#include <cuda_runtime.h>
#define GFS_DEVICE __device__ __forceinline__
#define GFS_UNROLL _Pragma("unroll")
#else
#define GFS_DEVICE inline
#define GFS_UNROLL
#endif

namespace gfs::cuda {

inline constexpr unsigned kFullWarpMask = 0xFFFFFFFFU;

#if defined(__CUDACC__)
/// The CUDA builtins behind the context interface (all calls inline to the builtin).
struct DeviceCtx {
  __device__ __forceinline__ int tid() const { return static_cast<int>(threadIdx.x); }
  __device__ __forceinline__ int block_dim() const { return static_cast<int>(blockDim.x); }
  __device__ __forceinline__ int bid_x() const { return static_cast<int>(blockIdx.x); }
  __device__ __forceinline__ int bid_y() const { return static_cast<int>(blockIdx.y); }
  __device__ __forceinline__ int grid_x() const { return static_cast<int>(gridDim.x); }
  __device__ __forceinline__ int grid_y() const { return static_cast<int>(gridDim.y); }
  __device__ __forceinline__ void sync() const { __syncthreads(); }
  __device__ __forceinline__ void syncwarp(unsigned mask = kFullWarpMask) const { __syncwarp(mask); }
  __device__ __forceinline__ float shfl_xor(unsigned mask, float v, int lane_mask) const {
    return __shfl_xor_sync(mask, v, lane_mask);
  }
  __device__ __forceinline__ unsigned ballot(unsigned mask, bool pred) const { return __ballot_sync(mask, pred); }
  template <typename T>
  __device__ __forceinline__ T* dynamic_shared() const {
    extern __shared__ float4 gfs_dynamic_shared[];  // one declaration for every kernel: 16-byte aligned
    return reinterpret_cast<T*>(gfs_dynamic_shared);
  }
};
#endif

}  // namespace gfs::cuda
