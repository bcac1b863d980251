/// @file fuzz_libsvm.cpp
/// @brief libFuzzer target for the LIBSVM/SVMlight reader.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gfs::io;
  ReadOptions opt;
  opt.max_bytes = fuzz::kMaxBytes;
  opt.max_line = fuzz::kMaxLine;
  // A fit's memory beyond the table (about 1.3 KB a feature): wide declared tables are refused.
  opt.fit_bytes = [](std::uint64_t, std::uint64_t cols) { return cols * 1300; };
  return fuzz::run(data, size, "fuzz.libsvm", [&](ByteSource& s) { return detail::read_libsvm(s, opt); });
}
