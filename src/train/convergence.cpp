/// @file convergence.cpp
/// @brief Convergence: the support-and-loss stopping rule.
#include "train/convergence.hpp"

#include <algorithm>

namespace gfs::train {

Convergence::Convergence(double tol, int patience, int first_epoch, int members, std::int64_t n_features)
    : tol_(tol),
      patience_(patience),
      first_epoch_(first_epoch),
      members_(members),
      n_features_(n_features),
      kept_(static_cast<std::size_t>(members)) {}

bool Convergence::restore(int epochs_done, const std::vector<float>& logits, const std::vector<double>& losses,
                          int unchanged) {
  if (patience_ <= 0 || epochs_done < 1) return false;
  // The supports of the last epoch (update's first half), then the loss rule replayed.
  // update() before first_epoch records the supports only.
  (void)update(epochs_done < first_epoch_ ? epochs_done : first_epoch_ - 1, logits, 0.0);
  have_best_ = false;
  no_improvement_ = 0;
  for (int e = first_epoch_; e <= epochs_done && e <= static_cast<int>(losses.size()); ++e)
    count_loss(losses[static_cast<std::size_t>(e - 1)]);
  unchanged_ = unchanged;
  // update() tests only epochs from first_epoch on; the saved counts are those after epochs_done.
  return epochs_done >= first_epoch_ && stopped();
}

void Convergence::count_loss(double loss) {
  if (have_best_ && loss > best_loss_ - tol_)
    ++no_improvement_;
  else
    no_improvement_ = 0;
  if (!have_best_ || loss < best_loss_) best_loss_ = loss;
  have_best_ = true;
}

bool Convergence::update(int epoch, const std::vector<float>& logits, double loss) {
  if (patience_ <= 0) return false;
  bool same = seen_;
  std::vector<std::int64_t> kept;
  for (int m = 0; m < members_; ++m) {
    const float* w = logits.data() + static_cast<std::size_t>(m) * static_cast<std::size_t>(n_features_);
    kept.clear();
    for (std::int64_t j = 0; j < n_features_; ++j)
      if (w[j] > 0) kept.push_back(j);
    std::stable_sort(kept.begin(), kept.end(), [w](std::int64_t a, std::int64_t b) { return w[a] > w[b]; });
    auto& previous = kept_[static_cast<std::size_t>(m)];
    same = same && kept == previous;
    previous.swap(kept);
  }
  seen_ = true;
  if (epoch < first_epoch_) return false;
  unchanged_ = same ? unchanged_ + 1 : 0;
  count_loss(loss);
  return stopped();
}

}  // namespace gfs::train
