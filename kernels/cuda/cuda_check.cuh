/// @file cuda_check.cuh
/// @brief One way to check every cudart, cuBLAS and cuRAND call: GFS_CUDA_CHECK(stmt) throws a
///        gfs::Error naming the statement, file and line; GFS_CUDA_CHECK_NOTHROW reports to stderr
///        (for destructors); GFS_CUDA_CHECK_LAUNCH() after every kernel launch.
///
/// Out-of-memory and missing-device failures become ErrorCode::kDeviceUnavailable (the user can act
/// on them: smaller data, another device); everything else is kInternal (a bug or a broken GPU).
/// Build with -DGFS_CUDA_SYNC_CHECK=ON to synchronise after each launch, so an asynchronous fault
/// is reported at the kernel that caused it.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <curand.h>

namespace gfs::cuda {

[[noreturn]] void throw_cuda_error(cudaError_t status, const char* stmt, const char* file, int line);
[[noreturn]] void throw_cublas_error(cublasStatus_t status, const char* stmt, const char* file, int line);
[[noreturn]] void throw_curand_error(curandStatus_t status, const char* stmt, const char* file, int line);
void report_cuda_error(const char* what, const char* stmt, const char* file, int line) noexcept;

inline void check(cudaError_t status, const char* stmt, const char* file, int line) {
  if (status != cudaSuccess) throw_cuda_error(status, stmt, file, line);
}
inline void check(cublasStatus_t status, const char* stmt, const char* file, int line) {
  if (status != CUBLAS_STATUS_SUCCESS) throw_cublas_error(status, stmt, file, line);
}
inline void check(curandStatus_t status, const char* stmt, const char* file, int line) {
  if (status != CURAND_STATUS_SUCCESS) throw_curand_error(status, stmt, file, line);
}

inline void check_nothrow(cudaError_t status, const char* stmt, const char* file, int line) noexcept {
  if (status != cudaSuccess) report_cuda_error(cudaGetErrorString(status), stmt, file, line);
}
inline void check_nothrow(cublasStatus_t status, const char* stmt, const char* file, int line) noexcept {
  if (status != CUBLAS_STATUS_SUCCESS) report_cuda_error(cublasGetStatusString(status), stmt, file, line);
}

/// After a launch: the launch error, and with GFS_CUDA_SYNC_CHECK the kernel's own error. A stream
/// being captured into a graph cannot be synchronised, so the sync is skipped while capturing.
inline void check_launch(cudaStream_t stream, const char* kernel, const char* file, int line) {
  check(cudaGetLastError(), kernel, file, line);
#if defined(GFS_CUDA_SYNC_CHECK)
  cudaStreamCaptureStatus capture = cudaStreamCaptureStatusNone;
  check(cudaStreamIsCapturing(stream, &capture), kernel, file, line);
  if (capture == cudaStreamCaptureStatusNone) check(cudaStreamSynchronize(stream), kernel, file, line);
#else
  (void)stream;
#endif
}

}  // namespace gfs::cuda

#define GFS_CUDA_CHECK(stmt) ::gfs::cuda::check((stmt), #stmt, __FILE__, __LINE__)
#define GFS_CUDA_CHECK_NOTHROW(stmt) ::gfs::cuda::check_nothrow((stmt), #stmt, __FILE__, __LINE__)
#define GFS_CUDA_CHECK_LAUNCH(stream, kernel) ::gfs::cuda::check_launch((stream), kernel, __FILE__, __LINE__)
