/// @file fit_ranks.cpp
/// @brief FitRanks (see fit_ranks.hpp).
#include "core/fit_ranks.hpp"

#include "core/trainer.hpp"

namespace gfs::detail {

FitRanks::FitRanks(const Parallel& how, const Config& config, std::int64_t n_features) {
  if (!how.on) return;
  ranks_ = how.has_comm ? train::comm_ranks(how.comm) : train::world_ranks();
  if (ranks_->size() == 1) {
    ranks_.reset();
    return;
  }
  if (config.device.kind == DeviceKind::kCuda)
    throw Error(ErrorCode::kInvalidArgument, "feature-parallel fits run on CPU ranks: use --device cpu (or auto)");
  if (n_features > 0) train::check_rank_count(n_features, ranks_->size());
}

train::FeatureBlock FitRanks::block(std::int64_t n_features, std::int64_t stride) const {
  if (ranks_ == nullptr)
    return train::FeatureBlock::chunks(n_features, 0, train::ColumnChunks(n_features).count, stride);
  return train::Ranks::block(n_features, ranks_->rank(), ranks_->size(), stride);
}

std::vector<std::array<std::int64_t, 2>> FitRanks::rank_columns(std::int64_t n_features) const {
  std::vector<std::array<std::int64_t, 2>> out;
  for (int r = 0; ranks_ != nullptr && r < ranks_->size(); ++r) {
    const train::FeatureBlock b = train::Ranks::block(n_features, r, ranks_->size(), n_features);
    out.push_back({b.first(), b.count()});
  }
  return out;
}

void FitRanks::gather(const std::vector<float>& mine, std::vector<float>& all) const {
  if (ranks_ == nullptr) {
    all = mine;
    return;
  }
  ranks_->gather(mine, all);
}

void FitRanks::gather_buffer(std::vector<float>& mine, std::vector<float>& all) const {
  if (ranks_ == nullptr) {
    all.swap(mine);
    return;
  }
  ranks_->gather(mine, all);
}

std::vector<float> FitRanks::gather_members(const std::vector<float>& mine, int members) const {
  if (ranks_ == nullptr) return mine;
  const std::size_t count = mine.size() / static_cast<std::size_t>(members);
  std::vector<float> all, part, gathered;
  for (int m = 0; m < members; ++m) {
    part.assign(mine.begin() + static_cast<std::ptrdiff_t>(count * static_cast<std::size_t>(m)),
                mine.begin() + static_cast<std::ptrdiff_t>(count * static_cast<std::size_t>(m + 1)));
    ranks_->gather(part, gathered);
    all.insert(all.end(), gathered.begin(), gathered.end());
  }
  return all;
}

void FitRanks::agree(const std::string& problem, ErrorCode code) const {
  if (ranks_ == nullptr) {
    if (!problem.empty()) throw Error(code, problem);
    return;
  }
  train::throw_agreed(*ranks_, problem, code);
}

}  // namespace gfs::detail
