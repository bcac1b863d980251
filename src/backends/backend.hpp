/// @file backend.hpp
/// @brief The device abstraction: one interface, a CPU (OpenMP) and a CUDA implementation.
///
/// The trainer (src/core/trainer.cpp) owns the schedule: epochs, tau annealing, batch order, the
/// history. A backend owns the data and the parameters on its device and runs whole epochs,
/// because a step at batch 1 is latency-bound and must not round-trip through the host. Within an
/// epoch each step is: sample mask (+ logits) -> masked matmul + task MLP -> loss and its gradient
/// -> task-MLP backward + Adam -> feature-side backward + Adam -> embedding Adam.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "gfs/config.hpp"

namespace gfs::detail {

/// What a backend needs to train; pointers stay valid for the whole fit.
struct TrainSetup {
  const float* x = nullptr;  ///< standardised data [N, D] row-major (host memory)
  std::int64_t n_rows = 0;
  ModelShape shape;
  const Targets* targets = nullptr;
  const Params<float>* initial = nullptr;
  Config config;
};

/// Sums over the steps of one epoch (the trainer turns them into means).
struct EpochStats {
  double loss = 0;
  double task_loss = 0;
  double select_loss = 0;
  double mean_mask = 0;
  std::int64_t steps = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  /// "cpu" or "cuda:N".
  [[nodiscard]] virtual std::string name() const = 0;
  /// Copies data, targets and initial parameters to the device; allocates all the fit needs.
  virtual void setup(const TrainSetup& setup) = 0;
  /// One epoch. Batches are consecutive slices of `order` (row indices) of batch_size rows, the
  /// last one possibly shorter. Step i of the epoch draws its noise from subsequence
  /// first_step + i of the seed's training stream and is Adam step first_step + i + 1. `tau` and
  /// `lambda` (the penalty's weight: 0 during the warm-up) hold for the whole epoch.
  virtual EpochStats train_epoch(const std::vector<std::int32_t>& order, float tau, float lambda,
                                 std::int64_t first_step) = 0;
  /// Current logits w = phi e + b  [D].
  virtual void read_logits(std::vector<float>& logits) = 0;
  /// Current parameters (tests and checkpoints).
  virtual void read_params(Params<float>& params) = 0;
};

/// threads <= 0: all cores.
std::unique_ptr<Backend> make_cpu_backend(int threads);
/// Throws gfs::Error(kDeviceUnavailable) when CUDA is not built in or no device is usable.
std::unique_ptr<Backend> make_cuda_backend(int ordinal);

}  // namespace gfs::detail
