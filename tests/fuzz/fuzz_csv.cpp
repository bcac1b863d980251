/// @file fuzz_csv.cpp
/// @brief libFuzzer target for the CSV reader and for transform's CSV column copy; the first byte
///        picks the target spec, the delimiter and which of the two runs.
#include "fuzz_common.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_writer.hpp"

namespace {

/// transform's text copy of the kept columns, written to /dev/null (a device: written in place).
void copy_columns(const std::uint8_t* data, std::size_t size, std::uint8_t mode) {
  gfs::io::CsvColumns spec;
  spec.n_features = 2;
  spec.selected = {1};
  if ((mode & 16) != 0) spec.feature_names = {"a", "b"};
  if ((mode & 32) != 0) spec.fitted_targets = {"label"};
  if ((mode & 4) != 0) spec.delimiter = ';';
  spec.max_line = gfs::io::fuzz::kMaxLine;
  try {
    auto src = gfs::io::open_memory(data, size, "fuzz.csv");
    gfs::io::AtomicFile out("/dev/null");
    const gfs::io::CsvCopied done = gfs::io::copy_csv_columns(*src, out, spec);
    if (done.rows <= 0) std::abort();
    out.commit();
  } catch (const gfs::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  if ((mode & 8) != 0) {
    copy_columns(data + 1, size - 1, mode);
    return 0;
  }
  gfs::io::ReadOptions opt;
  opt.max_bytes = gfs::io::fuzz::kMaxBytes;
  opt.max_line = gfs::io::fuzz::kMaxLine;
  if ((mode & 3) == 1) opt.targets = {"-1"};
  if ((mode & 3) == 2) opt.targets = {"label"};
  if ((mode & 3) == 3) opt.targets = {"0", "1"};
  if ((mode & 4) != 0) opt.delimiter = ';';
  return gfs::io::fuzz::run(data + 1, size - 1, "fuzz.csv",
                            [&](gfs::io::ByteSource& s) { return gfs::io::detail::read_csv(s, opt); });
}
