/// @file cuda_check.cu
/// @brief The error paths of cuda_check.cuh: messages that say which call failed and what to do.
#include <cstdio>
#include <string>

#include "gfs/error.hpp"
#include "kernels/cuda/cuda_check.cuh"

namespace gfs::cuda {
namespace {

std::string where(const char* stmt, const char* file, int line) {
  return std::string(" (in `") + stmt + "` at " + file + ":" + std::to_string(line) + ")";
}

}  // namespace

void throw_cuda_error(cudaError_t status, const char* stmt, const char* file, int line) {
  // Clears a non-sticky error so the next call does not report it again.
  (void)cudaGetLastError();
  const std::string detail = std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status);
  switch (status) {
    case cudaErrorMemoryAllocation:
      throw Error(ErrorCode::kDeviceUnavailable,
                  "CUDA device out of memory: " + detail + where(stmt, file, line) +
                      "; use fewer rows or features, a smaller batch_size, a GPU with more memory, "
                      "or --device cpu");
    case cudaErrorNoDevice:
    case cudaErrorInsufficientDriver:
    case cudaErrorInvalidDevice:
    case cudaErrorDevicesUnavailable:
    case cudaErrorSystemDriverMismatch:
    case cudaErrorCompatNotSupportedOnDevice:
      throw Error(ErrorCode::kDeviceUnavailable, "CUDA device unavailable: " + detail + where(stmt, file, line));
    case cudaErrorNoKernelImageForDevice:
    case cudaErrorUnsupportedPtxVersion:
      throw Error(ErrorCode::kDeviceUnavailable,
                  "this GPU cannot run gfs's CUDA kernels: " + detail + where(stmt, file, line) +
                      "; rebuild with CMAKE_CUDA_ARCHITECTURES set for this GPU, or use --device cpu");
    default:
      throw Error(ErrorCode::kInternal, "CUDA error " + detail + where(stmt, file, line));
  }
}

void throw_cublas_error(cublasStatus_t status, const char* stmt, const char* file, int line) {
  const std::string detail = std::string(cublasGetStatusName(status)) + ": " + cublasGetStatusString(status);
  if (status == CUBLAS_STATUS_ALLOC_FAILED)
    throw Error(ErrorCode::kDeviceUnavailable, "cuBLAS could not allocate GPU memory: " + detail +
                                                   where(stmt, file, line) + "; use a smaller problem or --device cpu");
  if (status == CUBLAS_STATUS_NOT_INITIALIZED || status == CUBLAS_STATUS_ARCH_MISMATCH)
    throw Error(ErrorCode::kDeviceUnavailable, "cuBLAS unavailable: " + detail + where(stmt, file, line));
  throw Error(ErrorCode::kInternal, "cuBLAS error " + detail + where(stmt, file, line));
}

void throw_curand_error(curandStatus_t status, const char* stmt, const char* file, int line) {
  const std::string detail = "curandStatus " + std::to_string(static_cast<int>(status));
  if (status == CURAND_STATUS_ALLOCATION_FAILED || status == CURAND_STATUS_INITIALIZATION_FAILED)
    throw Error(ErrorCode::kDeviceUnavailable, "cuRAND unavailable: " + detail + where(stmt, file, line));
  throw Error(ErrorCode::kInternal, "cuRAND error " + detail + where(stmt, file, line));
}

void report_cuda_error(const char* what, const char* stmt, const char* file, int line) noexcept {
  // Destructors cannot throw; losing a failed cudaFree is harmless, hiding it would not be.
  std::fprintf(stderr, "gfs: CUDA cleanup failed: %s (in `%s` at %s:%d)\n", what, stmt, file, line);
}

}  // namespace gfs::cuda
