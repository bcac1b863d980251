/// @file ranks.hpp
/// @brief The processes of one feature-parallel fit: each trains a contiguous block of the fit's
///        column chunks; what the trainer asks of the transport (MPI) between them.
///
/// Rank r of P holds chunks [C r / P, C (r + 1) / P) of ColumnChunks(D) (C chunks). Per step the
/// backend's Reduce (reduce()) joins the blocks' partial sums; per epoch the trainer gathers the
/// logits (gather) and agrees on stopping (any). No MPI type appears here: src/mpi/
/// implements it, and a build without MPI has no implementation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gfs/error.hpp"
#include "train/plan.hpp"
#include "train/reduce.hpp"

namespace gfs::train {

class Ranks {
 public:
  virtual ~Ranks() = default;
  [[nodiscard]] virtual int rank() const = 0;
  [[nodiscard]] virtual int size() const = 0;
  /// The reduce policy joining every rank's block (Reduce::exchange as one allgather).
  virtual Reduce& reduce() = 0;
  /// Every rank's `mine` (this rank's block of a per-column quantity, `mine.size()` floats; a block
  /// after another in rank order) concatenated into `all` on every rank: the reduce's gather.
  void gather(const std::vector<float>& mine, std::vector<float>& all) { reduce().gather(mine, all); }
  /// True on every rank when `flag` is true on one (a stop request must end the same epoch everywhere).
  virtual bool any(bool flag) = 0;
  /// The lowest rank's non-empty `mine`, on every rank ("" when all are empty): a problem one rank
  /// finds in its own block (a NaN) must end every rank's fit, not leave the others waiting.
  virtual std::string first_error(const std::string& mine) = 0;

  /// The block of rank `r` of `p` over the chunks of a fit with `d` columns (x given with `stride`).
  static FeatureBlock block(std::int64_t d, int r, int p, std::int64_t stride) {
    const int c = ColumnChunks(d).count;
    return FeatureBlock::chunks(d, c * r / p, c * (r + 1) / p, stride);
  }
};

/// Throws on every rank the problem the lowest rank with one found (`problem` and its `code`; ""
/// none): a problem one rank sees (its own input, its own checkpoint file) ends every rank's fit
/// with the same error, so that none is left waiting in a collective. Returns when none has one.
inline void throw_agreed(Ranks& ranks, const std::string& problem, ErrorCode code) {
  // The code travels in front of the message ("4:...").
  const std::string agreed =
      ranks.first_error(problem.empty() ? "" : std::to_string(static_cast<int>(code)) + ":" + problem);
  if (agreed.empty()) return;
  const std::size_t colon = agreed.find(':');
  throw Error(static_cast<ErrorCode>(std::stoi(agreed.substr(0, colon))), agreed.substr(colon + 1));
}

/// Throws gfs::Error (kInvalidArgument) when `d` columns make fewer column chunks than `p` ranks.
inline void check_rank_count(std::int64_t d, int p) {
  const int chunks = ColumnChunks(d).count;
  if (p > chunks)
    throw Error(ErrorCode::kInvalidArgument, std::to_string(d) + " features make " + std::to_string(chunks) +
                                                 " column chunks, fewer than " + std::to_string(p) +
                                                 " ranks: run at most " + std::to_string(chunks) + " ranks");
}

/// The ranks of MPI_COMM_WORLD (MPI must be initialised). Throws gfs::Error (kInvalidArgument) in a
/// build without MPI.
std::unique_ptr<Ranks> world_ranks();
/// The ranks of the communicator whose Fortran handle (MPI_Comm_c2f) is `fortran_handle`: a
/// portable integer, so that no MPI type crosses libgfs's interface.
std::unique_ptr<Ranks> comm_ranks(std::int64_t fortran_handle);

}  // namespace gfs::train
