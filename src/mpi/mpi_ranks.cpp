/// @file mpi_ranks.cpp
/// @brief train::Ranks over MPI_COMM_WORLD, and gfs::mpi::Session.
///
/// Reduce::exchange is one MPI_Allgatherv of the chunk slots' used floats: rank r contributes the
/// slots of its own chunks, every rank receives all of them and then adds the chunks in chunk
/// order, as one process would, so the sums do not depend on the number of ranks.
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "gfs/error.hpp"
#include "gfs/mpi.hpp"
#include "train/ranks.hpp"

namespace gfs {
namespace {

void check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw Error(ErrorCode::kInternal, std::string(what) + " failed: " + std::string(text, static_cast<std::size_t>(len)));
}

/// Every rank's `mine` concatenated in rank order into `all` (MPI_Allgatherv); `what` names it in an error.
void allgather(MPI_Comm comm, int size, const std::vector<float>& mine, std::vector<float>& all, const char* what) {
  if (mine.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw Error(ErrorCode::kInvalidArgument, std::string(what) + ": more values than one MPI call carries (2^31 - 1)");
  int n = static_cast<int>(mine.size());
  std::vector<int> counts(static_cast<std::size_t>(size)), displs(static_cast<std::size_t>(size));
  check(MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, comm), "MPI_Allgather of block sizes");
  std::int64_t total = 0;
  for (int r = 0; r < size; ++r) {
    displs[static_cast<std::size_t>(r)] =
        static_cast<int>(std::min<std::int64_t>(total, std::numeric_limits<int>::max()));
    total += counts[static_cast<std::size_t>(r)];
  }
  // Every rank sees the same total: all refuse alike, before the call that would overflow.
  if (total > std::numeric_limits<int>::max())
    throw Error(ErrorCode::kInvalidArgument, std::string(what) + ": more values than one MPI call carries (2^31 - 1)");
  all.resize(static_cast<std::size_t>(total));
  check(MPI_Allgatherv(mine.data(), n, MPI_FLOAT, all.data(), counts.data(), displs.data(), MPI_FLOAT, comm), what);
}

class MpiReduce final : public train::Reduce {
 public:
  MpiReduce(MPI_Comm comm, int size) : comm_(comm), size_(size) {}
  void gather(const std::vector<float>& mine, std::vector<float>& all) override {
    allgather(comm_, size_, mine, all, "MPI_Allgatherv of the ranks' blocks");
  }
  void exchange(Point, float* slots, std::size_t stride, std::size_t used, int first, int last, int n_chunks) override {
    // The rank partition of the chunks (train::Ranks::block), in floats of `used` per chunk.
    counts_.resize(static_cast<std::size_t>(size_));
    displs_.resize(static_cast<std::size_t>(size_));
    for (int r = 0; r < size_; ++r) {
      const int c0 = n_chunks * r / size_, c1 = n_chunks * (r + 1) / size_;
      counts_[static_cast<std::size_t>(r)] = static_cast<int>(static_cast<std::size_t>(c1 - c0) * used);
      displs_[static_cast<std::size_t>(r)] = static_cast<int>(static_cast<std::size_t>(c0) * used);
    }
    send_.resize(static_cast<std::size_t>(last - first) * used);
    for (int c = first; c < last; ++c)
      std::copy(slots + stride * static_cast<std::size_t>(c), slots + stride * static_cast<std::size_t>(c) + used,
                send_.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(c - first) * used));
    recv_.resize(static_cast<std::size_t>(n_chunks) * used);
    check(MPI_Allgatherv(send_.data(), static_cast<int>(send_.size()), MPI_FLOAT, recv_.data(), counts_.data(),
                         displs_.data(), MPI_FLOAT, comm_),
          "MPI_Allgatherv of the partial sums");
    for (int c = 0; c < n_chunks; ++c) {
      if (c >= first && c < last) continue;
      std::copy(recv_.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(c) * used),
                recv_.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(c + 1) * used),
                slots + stride * static_cast<std::size_t>(c));
    }
  }

 private:
  MPI_Comm comm_;
  int size_;
  std::vector<int> counts_, displs_;
  std::vector<float> send_, recv_;
};

class MpiRanks final : public train::Ranks {
 public:
  explicit MpiRanks(MPI_Comm comm) : comm_(comm) {
    check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
    reduce_ = std::make_unique<MpiReduce>(comm_, size_);
  }
  [[nodiscard]] int rank() const override { return rank_; }
  [[nodiscard]] int size() const override { return size_; }
  train::Reduce& reduce() override { return *reduce_; }
  std::string first_error(const std::string& mine) override {
    // Every rank's length, then the lowest rank with a message sends it to all.
    const int n = static_cast<int>(mine.size());
    std::vector<int> lengths(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&n, 1, MPI_INT, lengths.data(), 1, MPI_INT, comm_), "MPI_Allgather of error lengths");
    for (int r = 0; r < size_; ++r) {
      const int len = lengths[static_cast<std::size_t>(r)];
      if (len == 0) continue;
      std::string text = r == rank_ ? mine : std::string(static_cast<std::size_t>(len), '\0');
      check(MPI_Bcast(text.data(), len, MPI_CHAR, r, comm_), "MPI_Bcast of an error");
      return text;
    }
    return "";
  }
  bool any(bool flag) override {
    int mine = flag ? 1 : 0, out = 0;
    check(MPI_Allreduce(&mine, &out, 1, MPI_INT, MPI_MAX, comm_), "MPI_Allreduce of a flag");
    return out != 0;
  }

 private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  std::unique_ptr<MpiReduce> reduce_;
};

}  // namespace

namespace train {
std::unique_ptr<Ranks> world_ranks() {
  int up = 0;
  MPI_Initialized(&up);
  if (up == 0)
    throw Error(ErrorCode::kInvalidArgument, "a feature-parallel fit needs MPI initialised (gfs::mpi::Session)");
  return std::make_unique<MpiRanks>(MPI_COMM_WORLD);
}
std::unique_ptr<Ranks> comm_ranks(std::int64_t fortran_handle) {
  int up = 0;
  MPI_Initialized(&up);
  if (up == 0)
    throw Error(ErrorCode::kInvalidArgument, "a feature-parallel fit needs MPI initialised (gfs::mpi::Session)");
  const MPI_Comm comm = MPI_Comm_f2c(static_cast<MPI_Fint>(fortran_handle));
  if (comm == MPI_COMM_NULL)
    throw Error(ErrorCode::kInvalidArgument, "the communicator given for a feature-parallel fit is MPI_COMM_NULL");
  return std::make_unique<MpiRanks>(comm);
}
}  // namespace train

namespace mpi {

bool available() { return true; }

Session::Session(int* argc, char*** argv) {
  int up = 0;
  MPI_Initialized(&up);
  if (up == 0) {
    int provided = 0;
    check(MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
    owner_ = true;
  }
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

Session::~Session() {
  int down = 0;
  MPI_Finalized(&down);
  if (owner_ && down == 0) MPI_Finalize();
}

void Session::abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);  // MPI_Abort does not return; this keeps [[noreturn]] honest
}

}  // namespace mpi
}  // namespace gfs
