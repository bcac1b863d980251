/// @file fuzz_idx.cpp
/// @brief libFuzzer target for the IDX reader (gzip-compressed inputs go through zlib as in files).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gfs::io;
  ReadOptions opt;
  opt.max_bytes = fuzz::kMaxBytes;
  return fuzz::run(data, size, "fuzz-idx3-ubyte", [&](ByteSource& s) {
    return detail::dataset_from_array(detail::read_idx_array(s, {opt.max_bytes, {}, false}, "the features"), s.name(),
                                      Format::kIdx, opt);
  });
}
