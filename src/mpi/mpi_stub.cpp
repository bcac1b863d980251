/// @file mpi_stub.cpp
/// @brief A build without MPI: the MPI entry points exist and say so.
#include <cstdlib>

#include "gfs/error.hpp"
#include "gfs/mpi.hpp"
#include "train/ranks.hpp"

namespace gfs {
namespace {
[[noreturn]] void no_mpi() {
  throw Error(ErrorCode::kInvalidArgument,
              "gfs was built without MPI: rebuild with -DGFS_MPI=ON (Debian: apt-get install libopenmpi-dev "
              "openmpi-bin) for feature-parallel fits");
}
}  // namespace

namespace train {
std::unique_ptr<Ranks> world_ranks() { no_mpi(); }
std::unique_ptr<Ranks> comm_ranks(std::int64_t) { no_mpi(); }
}  // namespace train

namespace mpi {
bool available() { return false; }
Session::Session(int*, char***) { no_mpi(); }
Session::~Session() = default;
void Session::abort(int code) { std::exit(code); }
}  // namespace mpi
}  // namespace gfs
