/// @file fuzz_libsvm.cpp
/// @brief libFuzzer target for the LIBSVM/SVMlight reader.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gfs::io;
  ReadOptions opt;
  opt.max_bytes = fuzz::kMaxBytes;
  return fuzz::run(data, size, "fuzz.libsvm", [&](ByteSource& s) { return detail::read_libsvm(s, opt); });
}
