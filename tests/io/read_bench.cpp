/// @file read_bench.cpp
/// @brief Times one read_dataset() call on a file and prints rows, columns and MB/s, so the reader's
///        throughput and peak memory (/usr/bin/time -v) can be measured on large generated files.
///        Usage: gfs_read_bench FILE [target]
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <exception>

#include "gfs/error.hpp"
#include "io/dataset.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [target]\n", argv[0]);
    return 2;
  }
  gfs::io::ReadOptions opt;
  if (argc > 2) opt.targets = {argv[2]};
  struct stat st {};
  ::stat(argv[1], &st);
  try {
    const auto t0 = std::chrono::steady_clock::now();
    const gfs::io::Dataset d = gfs::io::read_dataset(argv[1], opt);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double mb = static_cast<double>(st.st_size) / 1e6;
    std::printf("%s: %lld rows x %lld features, %d targets; %.1f MB in %.3f s = %.1f MB/s; float32 data %.1f MB\n",
                argv[1], static_cast<long long>(d.n_rows), static_cast<long long>(d.n_cols), d.n_targets, mb, s, mb / s,
                static_cast<double>(d.x.size() + d.y.size()) * 4 / 1e6);
  } catch (const gfs::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
