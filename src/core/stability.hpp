/// @file stability.hpp
/// @brief Support rule "stability": members trained together on complementary halves of the rows.
///
/// Members come in pairs: pair k draws a permutation of the rows from the seed and its two members
/// train on the first and the second floor(N/2) of it. Every member is a whole GFSNetwork fit of
/// the configured settings (its own seed: initialisation, noise, row order) on its half, and keeps
/// its majority set (w_j > 0). A feature's selection frequency is the share of members that keep
/// it; the support is every feature whose frequency reaches the threshold (Meinshausen & Buehlmann
/// 2010; complementary pairs, Shah & Samworth 2013). All members train as one batched model on
/// backends that take several (the CPU); elsewhere as one backend each, epoch by epoch. Feature-
/// parallel (MPI) members also train as one backend each, one member after another: the batched CPU
/// step runs different members' heads on different threads at once, and each head's exchange would
/// be a collective call made concurrently and in a different order on each rank. One after another,
/// every rank makes the same calls in the same order; each member's arithmetic is the batched one's,
/// so the result is the one-process result bit for bit.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "gfs/config.hpp"
#include "gfs/device.hpp"
#include "train/model.hpp"
#include "train/plan.hpp"
#include "train/ranks.hpp"
#include "train/schedule.hpp"

namespace gfs::detail {

/// The rows of member m (ascending): 2 * (members / 2) halves of floor(n_rows / 2) rows.
std::vector<std::vector<std::int64_t>> member_halves(std::int64_t n_rows, int members, std::uint64_t seed);

/// The seed of member m (initialisation, noise, row order).
std::uint64_t member_seed(std::uint64_t seed, int member);

struct MemberFit {
  std::vector<float> logits;  ///< [members, D] after the last epoch
  int members = 0;
  std::string device;  ///< the backend's name
};

/// Called after each epoch with the members' epoch stats and logits [members, D]; false stops.
using MemberEpoch =
    std::function<bool(int epoch, float tau, const std::vector<train::EpochStats>&, const std::vector<float>& logits)>;

/// Resuming and checkpointing the members (the trainer's checkpoint hook): start from `state`
/// (every member, [members, ...]; nullptr: fresh) after `from` epochs; after each epoch, when
/// due(epoch), save(epoch, every member's state).
struct MemberResume {
  train::Position from;
  const train::TrainState* state = nullptr;
  bool finished = false;  ///< the fit had stopped at `from` (convergence): train no further epoch
  std::function<bool(int epoch)> due;
  std::function<void(int epoch, const train::TrainState&)> save;
};

/// Feature-parallel members: this rank trains `block` of every member, joined to the other ranks'
/// by ranks->reduce(). The logits handed on are every rank's, gathered ([members, D]); states
/// (checkpoints, resuming) hold the block's rows.
struct MemberRanks {
  train::Ranks* ranks = nullptr;
  train::FeatureBlock block;
};

/// Trains config.members members of the fit on `device` (concrete), x [n_rows, n_features] standardised
/// (with `split`: x points at the block's first column, rows split->block.x_stride apart).
MemberFit fit_members(const Config& config, const float* x, std::int64_t n_rows, std::int64_t n_features,
                      const train::Targets& targets, Device device, const MemberEpoch& after_epoch,
                      const MemberResume& resume = {}, const MemberRanks* split = nullptr);

/// The stability outputs of a MemberFit.
struct Stability {
  std::vector<float> frequencies;        ///< [D] share of members keeping each feature
  std::vector<float> mean_logits;        ///< [D]
  std::vector<int> selected;             ///< frequency >= threshold, ascending
  double mean_member_selected = 0;       ///< q: the members' mean majority-set size
  double expected_false_selections = 0;  ///< q^2 / ((2 pi - 1) D); +inf for pi <= 1/2
};
Stability stability_of(const MemberFit& fit, std::int64_t n_features, float threshold);

/// The members' mean logit of each column [D], from `logits` [members, D] (summed in double, in
/// member order): Stability::mean_logits, and what each epoch's record reads.
std::vector<float> mean_member_logits(const std::vector<float>& logits, int members, std::int64_t n_features);

}  // namespace gfs::detail
