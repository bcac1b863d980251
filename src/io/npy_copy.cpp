/// @file npy_copy.cpp
/// @brief `gfs transform` of a .npy table: chosen columns copied into CSV as text in their own
///        dtype (float64 and 64-bit integers exactly), read in one pass.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "io/binary_detail.hpp"
#include "io/csv_writer.hpp"
#include "io/io_util.hpp"
#include "io/readers.hpp"

namespace gfs::io {

namespace {

/// One element as text in its own dtype: float64 and 64-bit integers exactly, not through float32.
std::string element_text(const unsigned char* p, detail::DType t) {
  if (t.kind != 'f') return detail::int_text(p, t);
  return t.size == 4 ? detail::exact_text(detail::load<float>(p, t.big_endian))
                     : detail::exact_text(detail::load<double>(p, t.big_endian));
}

/// The header row: the names write_columns_csv gives arrays ("x<feature>", "y<target>") or the
/// labels file's names.
std::string copy_header(const NpyColumns& spec, std::size_t n_targets) {
  std::string line;
  for (int s : spec.selected) line += (line.empty() ? "x" : ",x") + std::to_string(s);
  for (std::size_t t = 0; t < n_targets; ++t) line += (line.empty() ? "y" : ",y") + std::to_string(t);
  const detail::Labels* labels = spec.labels;
  if (labels == nullptr) return line;
  for (int t = 0; t < labels->n_targets; ++t) {
    line += line.empty() ? "" : ",";
    line += labels->names.size() == static_cast<std::size_t>(labels->n_targets)
                ? labels->names[static_cast<std::size_t>(t)]
                : "y" + std::to_string(t);
  }
  return line;
}

/// The raw bytes of the given array columns of a column-major file, one column after the other in
/// the order given (rows * size bytes each); the stream is read in one pass, columns not wanted
/// skipped.
std::vector<unsigned char> read_columns(ByteSource& src, const detail::NpyHeader& h,
                                        const std::vector<std::uint64_t>& wanted) {
  const std::uint64_t rows = h.shape[0];
  const std::uint64_t cols = h.shape[1];
  const auto column_bytes = rows * static_cast<std::uint64_t>(h.t.size);
  detail::check_allocation(rows, wanted.size(), static_cast<std::size_t>(h.t.size), 0, src.name(),
                           "the columns to write");
  std::vector<std::int64_t> slot(static_cast<std::size_t>(cols), -1);
  for (std::size_t i = 0; i < wanted.size(); ++i)
    slot[static_cast<std::size_t>(wanted[i])] = static_cast<std::int64_t>(i);
  std::vector<unsigned char> held(static_cast<std::size_t>(column_bytes * wanted.size()));
  for (std::uint64_t c = 0; c < cols; ++c) {
    const std::int64_t i = slot[static_cast<std::size_t>(c)];
    const bool ok =
        i < 0 ? src.skip(column_bytes) == column_bytes
              : src.read_fully(reinterpret_cast<char*>(held.data() + static_cast<std::uint64_t>(i) * column_bytes),
                               static_cast<std::size_t>(column_bytes)) == column_bytes;
    if (!ok) {
      detail::fail(ErrorCode::kInvalidData, src.name(),
                   "truncated: the file ends in column " + std::to_string(c) + " of the " + std::to_string(cols) +
                       " its header promises (a Fortran-order array)");
    }
  }
  return held;
}

}  // namespace

CsvCopied copy_npy_columns(ByteSource& src, AtomicFile& out, const NpyColumns& spec) {
  using detail::fail;
  const std::string& file = src.name();
  const detail::NpyHeader h = detail::read_npy_header(src);
  if (h.shape.size() != 2) {
    fail(ErrorCode::kInvalidData, file,
         "the features must be a 2-D array [rows, features]; this one has shape " + detail::shape_text(h.shape));
  }
  const std::uint64_t rows = h.shape[0];
  const std::uint64_t cols = h.shape[1];
  if (rows == 0 || cols == 0)
    fail(ErrorCode::kInvalidData, file, "the array is empty (shape " + detail::shape_text(h.shape) + ")");
  const auto size = static_cast<std::uint64_t>(h.t.size);
  if (h.count > (src.max_size() - std::min(src.max_size(), h.bytes)) / size) {
    fail(ErrorCode::kInvalidData, file,
         "truncated: the header promises " + std::to_string(h.count) + " values but the file is only " +
             detail::human_bytes(src.max_size()));
  }
  // Target columns (-t: 0-based indices, negative from the end), then the features in order.
  std::vector<bool> is_target(cols, false);
  const std::vector<std::uint64_t> targets = detail::target_columns(spec.targets, cols, file, is_target);
  std::vector<std::uint64_t> features;
  for (std::uint64_t c = 0; c < cols; ++c)
    if (!is_target[static_cast<std::size_t>(c)]) features.push_back(c);
  if (static_cast<std::int64_t>(features.size()) != spec.n_features) {
    fail(ErrorCode::kInvalidData, file,
         "has " + std::to_string(features.size()) + " feature columns but the result was fitted on " +
             std::to_string(spec.n_features) + " (did you forget --target, or pass a different file?)");
  }
  const detail::Labels* labels = spec.labels;
  if (labels != nullptr && static_cast<std::uint64_t>(labels->n_rows) != rows) {
    fail(ErrorCode::kInvalidData, file,
         "has " + std::to_string(rows) + " rows but the labels file has " + std::to_string(labels->n_rows));
  }
  const bool label_text = labels != nullptr && labels->n_targets == 1 && labels->text.size() == rows;
  const std::string line = copy_header(spec, targets.size());
  out.write(line);
  out.put('\n');
  // The array columns written, in order: the selected features, then the targets.
  std::vector<std::uint64_t> written;
  for (int s : spec.selected) written.push_back(features[static_cast<std::size_t>(s)]);
  written.insert(written.end(), targets.begin(), targets.end());
  // Row-major: a row is held whole (where the stream's size is unknown, a pipe or gzip, its header
  // may lie). Column-major: the written columns are held whole, read in one pass.
  constexpr std::uint64_t kMaxRow = std::uint64_t{1} << 30;
  if (!h.fortran && cols > kMaxRow / size) {
    fail(ErrorCode::kInvalidData, file,
         "rows of " + std::to_string(cols) + " values are wider than the 1 GiB transform streams at a time");
  }
  const std::vector<unsigned char> held = h.fortran ? read_columns(src, h, written) : std::vector<unsigned char>{};
  std::vector<unsigned char> row(static_cast<std::size_t>(h.fortran ? 0 : cols * size));
  for (std::uint64_t r = 0; r < rows; ++r) {
    if (!h.fortran && src.read_fully(reinterpret_cast<char*>(row.data()), row.size()) != row.size()) {
      fail(ErrorCode::kInvalidData, file,
           "truncated: the file ends in row " + std::to_string(r) + " of the " + std::to_string(rows) +
               " its header promises");
    }
    bool first = true;
    for (std::size_t i = 0; i < written.size(); ++i) {
      const std::uint64_t c = written[i];
      const unsigned char* e = h.fortran ? held.data() + (i * rows + r) * size : row.data() + c * size;
      const double value = h.t.kind != 'f' ? 0.0
                           : h.t.size == 4 ? static_cast<double>(detail::load<float>(e, h.t.big_endian))
                                           : detail::load<double>(e, h.t.big_endian);
      const bool target = i >= spec.selected.size();
      if (std::isinf(value) || (target && std::isnan(value))) {
        fail(ErrorCode::kInvalidData, file,
             "row " + std::to_string(r) + ", column " + std::to_string(c) + " (0-based) is " +
                 (std::isnan(value) ? "NaN: a target must be given" : "infinite"));
      }
      if (!first) out.put(',');
      first = false;
      out.write(std::isnan(value) ? std::string("NaN") : element_text(e, h.t));  // a missing feature value
    }
    if (labels != nullptr) {
      for (int t = 0; t < labels->n_targets; ++t) {
        if (!first) out.put(',');
        first = false;
        if (label_text) {
          out.write(labels->text[static_cast<std::size_t>(r)]);
        } else {
          out.write(
              detail::exact_text(labels->y[static_cast<std::size_t>(r) * static_cast<std::size_t>(labels->n_targets) +
                                           static_cast<std::size_t>(t)]));
        }
      }
    }
    out.put('\n');
  }
  detail::expect_end(src);
  CsvCopied done;
  done.rows = static_cast<std::int64_t>(rows);
  return done;
}

}  // namespace gfs::io
