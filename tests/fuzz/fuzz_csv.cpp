/// @file fuzz_csv.cpp
/// @brief libFuzzer target for the CSV reader; the first byte picks the target spec and delimiter.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  gfs::io::ReadOptions opt;
  opt.max_bytes = gfs::io::fuzz::kMaxBytes;
  const std::uint8_t mode = data[0];
  if ((mode & 3) == 1) opt.targets = {"-1"};
  if ((mode & 3) == 2) opt.targets = {"label"};
  if ((mode & 3) == 3) opt.targets = {"0", "1"};
  if ((mode & 4) != 0) opt.delimiter = ';';
  return gfs::io::fuzz::run(data + 1, size - 1, "fuzz.csv",
                            [&](gfs::io::ByteSource& s) { return gfs::io::detail::read_csv(s, opt); });
}
