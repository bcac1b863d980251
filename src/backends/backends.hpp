/// @file backends.hpp
/// @brief Opening a backend for a device: the factories, and "auto" resolved once per fit.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/pair_sum.hpp"
#include "gfs/device.hpp"
#include "train/backend.hpp"

namespace gfs::detail {

/// threads <= 0: all cores.
std::unique_ptr<train::Backend> make_cpu_backend(int threads);
/// Throws gfs::Error(kDeviceUnavailable) when CUDA is not built in or no device is usable.
std::unique_ptr<train::Backend> make_cuda_backend(int ordinal);

/// For x [n, d] (row-major) and weights v [n]: the pairs of columns a < b with
/// |S_ab| = |sum_i v_i x_ia x_ib| >= cutoff, ordered by (a, b); when more than `max_hits` pass,
/// only the `max_hits` strongest (stronger_pair). The sums are accumulated in float over the rows
/// in ascending order, so the hits do not depend on `threads` (<= 0: all cores). Memory stays
/// within pair_hit_bytes(max_hits, threads) however many pairs pass (near-duplicate columns: all).
void cpu_pair_products(const float* x, std::int64_t n, std::int64_t d, const float* v, float cutoff, int threads,
                       std::vector<PairSum>& hits, std::size_t max_hits = kMaxPairHits);

/// The pair sums of every class residual in one pass: for labels [n] in 0..classes-1 and each
/// output o (class outputs[o]), the pairs a < b with |sum_i (1[y_i = c] - share_c) x_ia x_ib| >=
/// cutoffs[o] into hits[o] (each list bounded to max_hits, as cpu_pair_products). Each pair is
/// summed over each class's rows once (T_c, in float, rows in order), and the output's sum is
/// T_c - share_c sum_c' T_c': n multiply-adds per pair for any number of classes, against n per
/// output for cpu_pair_products.
void cpu_pair_class_products(const float* x, std::int64_t n, std::int64_t d, const int* labels, int classes,
                             const std::vector<int>& outputs, const std::vector<float>& cutoffs, int threads,
                             std::vector<std::vector<PairSum>>& hits, std::size_t max_hits);

/// For each of n_columns columns j and each draw d < n_draws: counts[j] = the number of draws whose
/// Philox word j of subsequence kern::kScoreStream + d (block j / 4, word j % 4, of `seed`) is at
/// least first_word[j] (in [0, 2^32]; 2^32: never). Integer tests only: every instruction set and
/// thread count (<= 0: all cores) gives the same counts.
void cpu_draw_counts(const std::int64_t* first_word, std::int64_t n_columns, std::uint64_t seed, int n_draws,
                     int threads, std::int32_t* counts);

/// The held-out evidence on the CPU from a model's parameters (Backend::column_evidence of the CPU
/// backend, and what a backend without a device implementation of it calls), per instruction set.
void cpu_column_evidence(const train::Params<float>& params, const train::HeldOutRows& held_out,
                         const std::vector<char>& active, int threads, train::ColumnEvidence& out);

/// A backend on a concrete device, and how "auto" chose it.
struct OpenedBackend {
  std::unique_ptr<train::Backend> backend;
  Device device;     ///< never kAuto: every later backend of the fit opens this device
  std::string note;  ///< why "auto" chose what it chose (empty otherwise)
};

/// Opens `requested`; "auto" is the first usable CUDA device, else the CPU (with a note saying why).
OpenedBackend open_backend(Device requested, int threads);
/// Opens a concrete device (kCpu or kCuda).
std::unique_ptr<train::Backend> make_backend(Device device, int threads);

}  // namespace gfs::detail
