/// @file cuda_stub.cpp
/// @brief CUDA entry points of a build without CUDA: they link, and explain at run time.
#include "backends/backends.hpp"
#include "gfs/device.hpp"
#include "gfs/error.hpp"

namespace gfs {

bool built_with_cuda() { return false; }
int cuda_device_count() { return 0; }

namespace detail {
std::unique_ptr<train::Backend> make_cuda_backend(int /*ordinal*/) {
  throw Error(ErrorCode::kDeviceUnavailable,
              "gfs was built without CUDA: rebuild with -DGFS_CUDA=ON on a machine with the CUDA "
              "toolkit, or use --device cpu");
}
}  // namespace detail

}  // namespace gfs
