/// @file fuzz_npy.cpp
/// @brief libFuzzer target for the .npy reader (features, transform's copy, and the same bytes as a
///        labels file).
#include "fuzz_common.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gfs::io;
  ReadOptions opt;
  opt.max_bytes = fuzz::kMaxBytes;
  fuzz::run(data, size, "fuzz.npy", [&](ByteSource& s) {
    return detail::dataset_from_array(detail::read_npy_array(s, {opt.max_bytes, {}, false}, "the features"), s.name(),
                                      Format::kNpy, opt);
  });
  try {  // transform's streaming copy in the array's own dtype, to /dev/null (written in place)
    auto src = open_memory(data, size, "copy.npy");
    NpyColumns spec;
    spec.n_features = 1;
    spec.selected = {0};
    spec.targets = {"-1"};
    AtomicFile out("/dev/null");
    if (copy_npy_columns(*src, out, spec).rows <= 0) std::abort();
    out.commit();
  } catch (const gfs::Error&) {
  }
  try {
    auto src = open_memory(data, size, "labels.npy");
    const detail::Labels l = detail::read_labels(*src, Format::kNpy, opt);
    if (l.y.size() != static_cast<std::uint64_t>(l.n_rows) * static_cast<std::uint64_t>(l.n_targets)) std::abort();
    if (!l.text.empty() && l.text.size() != static_cast<std::uint64_t>(l.n_rows)) std::abort();
  } catch (const gfs::Error&) {
  }
  return 0;
}
