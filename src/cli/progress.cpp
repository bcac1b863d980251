/// @file progress.cpp
/// @brief The progress reporter behind `gfs select` and `gfs demo`.
#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace gfs::cli {

std::string clock_text(double seconds) {
  const long s = seconds < 0 ? 0 : static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

Progress::Progress(bool quiet)
    : quiet_(quiet), tty_(::isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {}

std::string Progress::line(const EpochRecord& r, int total, double elapsed) const {
  const double eta = r.epoch > 0 ? elapsed / r.epoch * (total - r.epoch) : 0.0;
  char buf[256];
  std::snprintf(buf, sizeof buf, "epoch %d/%d  tau %.3f  loss %.4f (task %.4f, select %.4f)  active %d  %s, ETA %s",
                r.epoch, total, static_cast<double>(r.tau), static_cast<double>(r.loss),
                static_cast<double>(r.task_loss), static_cast<double>(r.select_loss), r.n_active,
                clock_text(elapsed).c_str(), clock_text(eta).c_str());
  return buf;
}

bool Progress::operator()(const EpochRecord& r, int total) {
  if (quiet_ || total <= 0) return true;
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const bool last = r.epoch >= total;
  if (tty_) {
    // Redraw at most ~10 times a second: a terminal cannot show more, and writes cost time.
    if (!last && t - last_print_ < 0.1) return true;
    constexpr int kWidth = 24;
    const int filled = kWidth * r.epoch / total;
    std::string bar(static_cast<std::size_t>(filled), '=');
    if (filled < kWidth) bar += '>';
    bar.resize(kWidth, ' ');
    std::fprintf(stderr, "\r\033[K[%s] %s", bar.c_str(), line(r, total, t).c_str());
    open_line_ = true;
  } else {
    const int decile = 10 * r.epoch / total;
    if (!last && decile == last_decile_ && t - last_print_ < 2.0) return true;
    last_decile_ = decile;
    std::fprintf(stderr, "gfs: %s\n", line(r, total, t).c_str());
  }
  std::fflush(stderr);
  last_print_ = t;
  return true;
}

void Progress::finish() {
  if (open_line_) std::fputc('\n', stderr);
  open_line_ = false;
}

}  // namespace gfs::cli
