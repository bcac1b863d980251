/// @file reduce.hpp
/// @brief Where partial sums leave a column block: the reduce policy a backend calls.
///
/// A backend that holds a block of the fit's columns (FeatureBlock) forms partial sums per chunk of
/// the fit's fixed ColumnChunks. Twice per step they must become whole before training goes on:
///   kForward   after the masked matmul: per chunk [sum of m_j, z0 partial [B, H0]]
///   kBackward  after the feature-side backward: per chunk the embedding gradient [d_e]
/// exchange() fills in the chunks other participants own; every participant then adds all chunks
/// in chunk order, so the sums (and the whole fit) are bit-identical to one backend holding every
/// column, whatever the split. A backend holding every column needs no exchange: nullptr.
/// Between epochs of an active-set fit, gather() joins what each block holds whole: its columns'
/// logits (every participant then decides the same active set) and, for a small active set, its
/// share of the set's columns and parameters (every participant then trains the same gathered
/// model, as one process would; train/active_set.hpp).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace gfs::train {

class Reduce {
 public:
  enum class Point { kForward = 0, kBackward = 1 };
  virtual ~Reduce() = default;
  /// `slots` holds n_chunks slots of `stride` floats; this participant filled the first `used`
  /// floats of slots [first, last). On return the first `used` floats of every slot are filled.
  virtual void exchange(Point where, float* slots, std::size_t stride, std::size_t used, int first, int last,
                        int n_chunks) = 0;
  /// Every participant's `mine` (any length) concatenated in participant order (the order of their
  /// column blocks) into `all`, on every participant.
  virtual void gather(const std::vector<float>& mine, std::vector<float>& all) = 0;
};

/// Participants in one process (threads, one backend each): each exchange is a rendezvous through
/// a shared buffer. The in-memory policy of the tests; the MPI policy implements the same call.
class LocalReduce {
 public:
  explicit LocalReduce(int participants) : participants_(participants) {}
  /// The policy for one participant (keep LocalReduce alive while it is used).
  Reduce& participant(int rank);

 private:
  class Member;
  void exchange(const float* slots, float* out, std::size_t stride, std::size_t used, int first, int last,
                int n_chunks);
  void gather(int rank, const std::vector<float>& mine, std::vector<float>& all);
  void arrive();

  int participants_;
  std::mutex mutex_;
  std::condition_variable cv_;
  int waiting_ = 0;
  std::size_t generation_ = 0;
  std::vector<float> shared_;
  std::vector<std::vector<float>> parts_;  // gather(): each participant's
  std::vector<std::unique_ptr<Reduce>> members_;
};

}  // namespace gfs::train
