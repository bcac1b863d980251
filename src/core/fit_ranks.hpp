/// @file fit_ranks.hpp
/// @brief The processes of a fit, as the pipeline sees them: one process, or a feature-parallel
///        fit's MPI ranks. Every operation is the identity (or nothing) in one process, so the
///        pipeline in core/trainer.cpp reads the same whatever the rank count.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gfs/config.hpp"
#include "gfs/error.hpp"
#include "train/plan.hpp"
#include "train/ranks.hpp"

namespace gfs::detail {

struct Parallel;

class FitRanks {
 public:
  /// The ranks of `how` (one process when it is off or has one rank). Refuses what ranks cannot
  /// do (CUDA ranks) and more ranks than the fit has column chunks.
  FitRanks(const Parallel& how, const Config& config, std::int64_t n_features);

  /// Several ranks, each training a block of the columns.
  [[nodiscard]] bool split() const { return ranks_ != nullptr; }
  [[nodiscard]] int count() const { return ranks_ != nullptr ? ranks_->size() : 1; }
  /// The ranks (nullptr in one process).
  [[nodiscard]] train::Ranks* ranks() const { return ranks_.get(); }
  /// What joins the blocks' partial sums in a step (nullptr in one process).
  [[nodiscard]] train::Reduce* reduce() const { return ranks_ != nullptr ? &ranks_->reduce() : nullptr; }
  /// The columns this process trains of a fit with `n_features` columns, x rows `stride` apart.
  [[nodiscard]] train::FeatureBlock block(std::int64_t n_features, std::int64_t stride) const;
  /// Each rank's first column and count (empty in one process): Result::rank_columns.
  [[nodiscard]] std::vector<std::array<std::int64_t, 2>> rank_columns(std::int64_t n_features) const;
  /// The device a backend opens for `asked`: ranks train on the CPU.
  [[nodiscard]] Device device(const Device& asked) const { return ranks_ != nullptr ? Device::cpu() : asked; }
  /// Every rank's `mine` (its block of a per-column quantity) joined in rank order into `all`.
  void gather(const std::vector<float>& mine, std::vector<float>& all) const;
  /// gather() of a buffer the caller refills (each epoch's logits): in one process `mine` and
  /// `all` trade storage instead of copying.
  void gather_buffer(std::vector<float>& mine, std::vector<float>& all) const;
  /// Every member's [members, D] from this rank's [members, block], member by member.
  [[nodiscard]] std::vector<float> gather_members(const std::vector<float>& mine, int members) const;
  /// Throws `problem` (with `code`) on every rank when any rank has one ("" none), so that no rank
  /// is left waiting in a collective; in one process, throws it when it is not empty.
  void agree(const std::string& problem, ErrorCode code) const;

 private:
  std::unique_ptr<train::Ranks> ranks_;
};

}  // namespace gfs::detail
