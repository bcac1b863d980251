/// @file reduce.cpp
/// @brief LocalReduce: the in-process reduce policy.
#include "train/reduce.hpp"

#include <algorithm>
#include <memory>

namespace gfs::train {

class LocalReduce::Member final : public Reduce {
 public:
  Member(LocalReduce& group, int rank) : group_(group), rank_(rank) {}
  void exchange(Point, float* slots, std::size_t stride, std::size_t used, int first, int last, int n_chunks) override {
    group_.exchange(slots, slots, stride, used, first, last, n_chunks);
  }
  void gather(const std::vector<float>& mine, std::vector<float>& all) override { group_.gather(rank_, mine, all); }

 private:
  LocalReduce& group_;
  int rank_;
};

Reduce& LocalReduce::participant(int rank) {
  std::lock_guard<std::mutex> lock(mutex_);
  while (static_cast<int>(members_.size()) <= rank)
    members_.push_back(std::make_unique<Member>(*this, static_cast<int>(members_.size())));
  return *members_[static_cast<std::size_t>(rank)];
}

void LocalReduce::arrive() {
  std::unique_lock<std::mutex> lock(mutex_);
  const std::size_t gen = generation_;
  if (++waiting_ == participants_) {
    waiting_ = 0;
    ++generation_;
    cv_.notify_all();
  } else {
    cv_.wait(lock, [&] { return generation_ != gen; });
  }
}

void LocalReduce::exchange(const float* slots, float* out, std::size_t stride, std::size_t used, int first, int last,
                           int n_chunks) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::size_t need = stride * static_cast<std::size_t>(n_chunks);
    if (shared_.size() < need) shared_.resize(need);
    for (int c = first; c < last; ++c)
      std::copy(slots + stride * static_cast<std::size_t>(c), slots + stride * static_cast<std::size_t>(c) + used,
                shared_.begin() + static_cast<std::ptrdiff_t>(stride * static_cast<std::size_t>(c)));
  }
  arrive();  // every participant has written its chunks
  for (int c = 0; c < n_chunks; ++c) {
    if (c >= first && c < last) continue;
    const auto at = static_cast<std::ptrdiff_t>(stride * static_cast<std::size_t>(c));
    std::copy(shared_.begin() + at, shared_.begin() + at + static_cast<std::ptrdiff_t>(used),
              out + stride * static_cast<std::size_t>(c));
  }
  arrive();  // every participant has read: the buffer may be written again
}

void LocalReduce::gather(int rank, const std::vector<float>& mine, std::vector<float>& all) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (parts_.size() < static_cast<std::size_t>(participants_)) parts_.resize(static_cast<std::size_t>(participants_));
    parts_[static_cast<std::size_t>(rank)] = mine;
  }
  arrive();  // every participant has written its part
  all.clear();
  for (const std::vector<float>& part : parts_) all.insert(all.end(), part.begin(), part.end());
  arrive();  // every participant has read
}

}  // namespace gfs::train
