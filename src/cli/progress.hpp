/// @file progress.hpp
/// @brief Per-epoch progress on stderr: a bar redrawn in place on a terminal, a plain line every
///        ~2 s or ~10 % of the epochs otherwise (batch logs), nothing when quiet.
#pragma once

#include <chrono>
#include <string>

#include "gfs/result.hpp"

namespace gfs::cli {

class Progress {
 public:
  explicit Progress(bool quiet);
  /// The Selector callback: reports, and never asks to stop.
  bool operator()(const EpochRecord& r, int total_epochs);
  /// Ends the bar's line on a terminal.
  void finish();

 private:
  [[nodiscard]] std::string line(const EpochRecord& r, int total, double elapsed) const;
  bool quiet_;
  bool tty_;
  bool open_line_ = false;
  std::chrono::steady_clock::time_point start_;
  double last_print_ = -1e9;
  int last_decile_ = 0;
};

/// "1:05", "1:02:03".
std::string clock_text(double seconds);

}  // namespace gfs::cli
