/// @file schedule.cpp
/// @brief Schedule: tau, lambda, row order and step numbers per epoch.
#include "train/schedule.hpp"

#include <numeric>
#include <utility>

#include "train/shuffle.hpp"

namespace gfs::train {

namespace {

/// `order` rearranged so that the rows of stratum 1 (keeping their order among themselves) take
/// positions spread evenly over [0, n): position p holds one when floor((p + 1) E / n) passes
/// floor(p E / n), E being their count. The rows of stratum 0 fill the rest, in order.
void spread_stratum(const std::vector<std::int32_t>& order, const std::vector<char>& strata,
                    std::vector<std::int32_t>& out) {
  const auto n = static_cast<std::int64_t>(order.size());
  std::vector<std::int32_t> ones, zeros;
  for (std::int32_t r : order) (strata[static_cast<std::size_t>(r)] != 0 ? ones : zeros).push_back(r);
  const auto e = static_cast<std::int64_t>(ones.size());
  out.resize(order.size());
  std::size_t a = 0, b = 0;
  for (std::int64_t p = 0; p < n; ++p) {
    const bool one = (p + 1) * e / n > p * e / n;
    out[static_cast<std::size_t>(p)] = one ? ones[a++] : zeros[b++];
  }
}

}  // namespace

float final_tau(const Plan& plan) {
  float t = plan.tau0;  // tau_[1]; tau_[e] = tau_[e - 1] * decay, as the Schedule fills it
  for (int e = 2; e <= plan.epochs; ++e) t *= plan.tau_decay;
  return t;
}

Schedule::Schedule(const Plan& plan, std::int64_t n_rows, std::vector<char> strata)
    : plan_(plan), strata_(std::move(strata)) {
  const std::int64_t batch = std::min<std::int64_t>(std::max(plan.batch_size, 1), n_rows);
  steps_per_epoch_ = n_rows > 0 ? (n_rows + batch - 1) / batch : 0;
  tau_.assign(static_cast<std::size_t>(std::max(plan.epochs, 0)) + 1, plan.tau0);
  for (std::size_t e = 2; e < tau_.size(); ++e) tau_[e] = tau_[e - 1] * plan.tau_decay;
  order_.resize(static_cast<std::size_t>(n_rows));
  std::iota(order_.begin(), order_.end(), 0);
}

float Schedule::tau(int epoch) const {
  if (epoch >= 1 && static_cast<std::size_t>(epoch) < tau_.size()) return tau_[static_cast<std::size_t>(epoch)];
  float t = plan_.tau0;  // beyond the plan (never in a fit; kept total for tests)
  for (int e = 2; e <= epoch; ++e) t *= plan_.tau_decay;
  return t;
}

float Schedule::lambda(int epoch) const {
  if (epoch <= plan_.warmup_epochs) return 0.0F;
  const int into = epoch - plan_.warmup_epochs;
  if (into >= plan_.ramp_epochs) return plan_.lambda;
  return plan_.lambda * static_cast<float>(into) / static_cast<float>(plan_.ramp_epochs);
}

const std::vector<std::int32_t>& Schedule::order(int epoch) {
  const std::vector<std::int32_t>& shuffled = shuffled_order(epoch);
  if (strata_.empty()) return shuffled;
  spread_stratum(shuffled, strata_, stratified_);
  return stratified_;
}

const std::vector<std::int32_t>& Schedule::shuffled_order(int epoch) {
  if (!plan_.shuffle) return order_;
  if (epoch < order_epoch_) {
    std::iota(order_.begin(), order_.end(), 0);
    order_epoch_ = 0;
  }
  // Each epoch shuffles with its own subsequence of the shuffle stream.
  for (int e = order_epoch_ + 1; e <= epoch; ++e)
    philox_shuffle(order_, plan_.seed, kern::kShuffleStream + static_cast<std::uint64_t>(e));
  order_epoch_ = epoch;
  return order_;
}

}  // namespace gfs::train
