/// @file memory.hpp
/// @brief How much memory a whole fit needs (data, standardised copy, model with gradients and
///        Adam state, the held-out networks, outputs), estimated before anything is allocated, and
///        how much the machine (or the max_memory setting) allows.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "gfs/config.hpp"

namespace gfs::detail {

/// The parts of a fit's memory, in bytes.
struct FitMemory {
  std::uint64_t data = 0;          ///< the caller's x and y
  std::uint64_t standardized = 0;  ///< the standardised copy of x (and of regression targets)
  std::uint64_t model = 0;         ///< parameters, gradients, Adam m and v, the initial copy
  std::uint64_t validation = 0;    ///< support "validated": the held-out networks and their rows, or the pair screen
  std::uint64_t outputs = 0;       ///< scores, logits, ranking, history (and p_j per epoch)
  std::uint64_t margin = 0;        ///< scratch, allocator slack, the result document
  std::uint64_t process = 0;       ///< the process's fixed cost (kProcessBytes, kCudaRuntimeBytes)
  /// The sum, saturating at the maximum uint64 (as each part does).
  [[nodiscard]] std::uint64_t total() const {
    std::uint64_t sum = 0;
    for (const std::uint64_t part : {data, standardized, model, validation, outputs, margin, process})
      sum = part > UINT64_MAX - sum ? UINT64_MAX : sum + part;
    return sum;
  }
  /// "21.3 GiB (data 2.6 GiB, standardised copy 2.6 GiB, model 12.7 GiB, ...)".
  [[nodiscard]] std::string describe() const;
};

/// The fixed cost of a process running a fit, whatever its size: code, the OpenMP runtime and its
/// threads' stacks, allocator arenas (a fit of 100 x 4 peaks at about 9 MB).
inline constexpr std::uint64_t kProcessBytes = std::uint64_t{32} << 20;
/// The host side of the CUDA runtime (context, cuBLAS and cuRAND), counted when libgfs is built
/// with CUDA and the device is not "cpu" ("auto" opens it to look for a GPU): about 220 MB measured.
inline constexpr std::uint64_t kCudaRuntimeBytes = std::uint64_t{256} << 20;

/// The estimate for a fit of `cfg` on an n_rows x n_features table (saturates instead of overflowing).
/// `in_place`: Selector::fit_in_place's fit, which standardises the caller's x (no copy).
FitMemory estimate_fit_memory(const Config& cfg, std::int64_t n_rows, std::int64_t n_features, bool in_place = false);
/// estimate_fit_memory(...).total().
std::uint64_t estimate_fit_bytes(const Config& cfg, std::int64_t n_rows, std::int64_t n_features,
                                 bool in_place = false);

/// Bytes of memory available now: MemAvailable, capped by a cgroup (container) limit; the maximum
/// uint64 when neither can be read.
std::uint64_t available_memory();
/// cfg.max_memory when set, else available_memory().
std::uint64_t memory_limit(const Config& cfg);

/// "1.5 GiB", "300 MiB", "17 bytes".
std::string human_bytes(std::uint64_t bytes);

/// Throws gfs::Error (kInvalidData) with the estimate when a fit on the table would exceed
/// memory_limit(cfg). `data_allocated`: the caller's x and y already exist (so they are no longer
/// part of what is available and are not counted again). An explicit max_memory bounds the whole
/// process (data and fixed cost included); the memory available is what remains beside the running
/// process, so its fixed cost is not counted against that.
void check_fit_memory(const Config& cfg, std::int64_t n_rows, std::int64_t n_features, bool data_allocated,
                      bool in_place = false);

}  // namespace gfs::detail
