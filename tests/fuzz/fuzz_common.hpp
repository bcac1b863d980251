/// @file fuzz_common.hpp
/// @brief What every reader fuzz target checks: a gfs::Error is a fine answer to garbage; anything
///        else thrown, any crash, and any Dataset whose shapes or values break the contract is a bug.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "gfs/error.hpp"
#include "io/byte_source.hpp"
#include "io/dataset.hpp"
#include "io/readers.hpp"

namespace gfs::io::fuzz {

/// Small enough that a lying header cannot make the fuzzer allocate past its RSS limit.
constexpr std::uint64_t kMaxBytes = std::uint64_t{64} << 20;

inline void check(const Dataset& d) {
  const auto rows = static_cast<std::uint64_t>(d.n_rows);
  const auto cols = static_cast<std::uint64_t>(d.n_cols);
  if (d.n_rows <= 0 || d.n_cols <= 0 || d.x.size() != rows * cols) std::abort();
  if (d.y.size() != rows * static_cast<std::uint64_t>(d.n_targets)) std::abort();
  if (!d.feature_names.empty() && d.feature_names.size() != cols) std::abort();
  for (float v : d.x) {
    if (std::isinf(v)) std::abort();  // NaN is a missing feature value; an infinity never passes
  }
  for (float v : d.y) {
    if (!std::isfinite(v)) std::abort();
  }
  // A single target's text is kept row for row (or not at all).
  if (!d.target_text.empty() && (d.n_targets != 1 || d.target_text.size() != rows)) std::abort();
}

/// Line limit for the text readers: small, so that fuzzed inputs reach the refusal path too.
constexpr std::uint64_t kMaxLine = 4096;

template <typename Read>
int run(const std::uint8_t* data, std::size_t size, const char* name, Read read) {
  try {
    auto src = open_memory(data, size, name);
    check(read(*src));
  } catch (const Error&) {
    // Rejected with a message: the expected outcome for most inputs.
  }
  return 0;
}

}  // namespace gfs::io::fuzz
