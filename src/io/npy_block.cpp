/// @file npy_block.cpp
/// @brief A feature-parallel rank's block of a .npy file's columns (ReadOptions::columns): by offset
///        where the rows are wide, else streamed in row chunks; memory is the block plus one buffer.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "io/binary_detail.hpp"
#include "io/io_util.hpp"
#include "io/readers.hpp"

namespace gfs::io::detail {

namespace {

/// Element (r, c) of a row as float32; an infinity, a float64 beyond float32's range and a NaN in a
/// target column are refused, naming the row and the array column as dataset_from_array would (a
/// NaN feature value is a missing one).
float checked_element(const unsigned char* e, DType t, std::uint64_t r, std::uint64_t c, const std::string& file,
                      bool target) {
  const auto where = [&] { return "row " + std::to_string(r) + ", column " + std::to_string(c) + " (0-based) is "; };
  if (t.kind == 'f' && t.size == 8) {
    const double v = load<double>(e, t.big_endian);
    if (std::isfinite(v) && std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max())) {
      char num[32];
      std::snprintf(num, sizeof num, "%g", v);
      fail(ErrorCode::kInvalidData, file,
           where() + num +
               ": finite in float64 but outside the float32 range (+-3.4e38) gfs computes in; rescale the data");
    }
  }
  const float v = convert_one(e, t);
  if (std::isinf(v)) fail(ErrorCode::kInvalidData, file, where() + "infinite: gfs needs finite values");
  if (target && std::isnan(v))
    fail(ErrorCode::kInvalidData, file, where() + "NaN: a target is missing (every row needs its target)");
  return v;
}

/// A regular file is read by offset where that skips at least this many bytes at a time (a seek
/// then costs less than reading them); otherwise the values are streamed and every one is checked.
constexpr std::uint64_t kSeekFrom = std::uint64_t{16} << 10;

/// The block of a column-major file: each array column is contiguous, so the rank reads its
/// block's columns and the targets and skips the others where a column holds kSeekFrom bytes
/// (else it reads and checks them, as the row-major reader checks every value it streams through).
void read_column_major(ByteSource& src, const NpyHeader& h, Dataset& d, const std::vector<std::uint64_t>& features,
                       ColumnWindow keep, const std::vector<std::uint64_t>& targets) {
  const std::string& file = src.name();
  const auto rows = static_cast<std::uint64_t>(d.n_rows);
  const auto width = static_cast<std::uint64_t>(keep.count);
  const auto size = static_cast<std::uint64_t>(h.t.size);
  const std::uint64_t column_bytes = rows * size;
  const std::uint64_t cols = h.shape[1];
  // The place of each array column in this rank's output: ('x', k) for the block's k-th
  // feature, ('y', j) for target j, none for another rank's feature.
  std::vector<std::pair<char, std::uint64_t>> place(static_cast<std::size_t>(cols), {'-', 0});
  for (std::uint64_t k = 0; k < width; ++k)
    place[static_cast<std::size_t>(features[static_cast<std::size_t>(keep.first + static_cast<std::int64_t>(k))])] = {'x', k};
  for (std::size_t j = 0; j < targets.size(); ++j) place[static_cast<std::size_t>(targets[j])] = {'y', j};
  std::vector<unsigned char> column(static_cast<std::size_t>(column_bytes));
  for (std::uint64_t c = 0; c < cols; ++c) {
    const auto [kind, at] = place[static_cast<std::size_t>(c)];
    const bool read = kind != '-' || !src.seeks() || column_bytes < kSeekFrom;
    if (read ? src.read_fully(reinterpret_cast<char*>(column.data()), column.size()) != column.size()
             : src.skip(column_bytes) != column_bytes) {
      fail(ErrorCode::kInvalidData, file,
           "truncated: the file ends in column " + std::to_string(c) + " of the " + std::to_string(cols) +
               " its header promises (a Fortran-order array)");
    }
    if (!read) continue;
    for (std::uint64_t r = 0; r < rows; ++r) {
      const float v = checked_element(column.data() + r * size, h.t, r, c, file, kind == 'y');
      if (kind == 'x') d.x[static_cast<std::size_t>(r * width + at)] = v;
      if (kind == 'y') d.y[static_cast<std::size_t>(r * targets.size() + at)] = v;
    }
  }
}

}  // namespace

Dataset read_npy_block(ByteSource& src, const ReadOptions& opt) {
  const std::string& file = src.name();
  const NpyHeader h = read_npy_header(src);
  if (h.shape.size() != 2) {
    fail(ErrorCode::kInvalidData, file,
         "the features must be a 2-D array [rows, features]; this one has shape " + shape_text(h.shape));
  }
  const std::uint64_t rows = h.shape[0];
  const std::uint64_t cols = h.shape[1];
  if (rows == 0) fail(ErrorCode::kInvalidData, file, "the array has no rows");
  if (cols == 0)
    fail(ErrorCode::kInvalidData, file, "the array has no feature columns (shape " + shape_text(h.shape) + ")");
  const auto size = static_cast<std::uint64_t>(h.t.size);
  if (h.count > (src.max_size() - std::min(src.max_size(), h.bytes)) / size) {
    fail(ErrorCode::kInvalidData, file,
         "truncated: the header promises " + std::to_string(h.count) + " values but the file is only " +
             human_bytes(src.max_size()));
  }
  std::vector<bool> is_target(cols, false);
  const std::vector<std::uint64_t> targets = target_columns(opt.targets, cols, file, is_target);
  std::vector<std::uint64_t> features;  // the array column of each feature
  for (std::uint64_t c = 0; c < cols; ++c)
    if (!is_target[static_cast<std::size_t>(c)]) features.push_back(c);
  if (features.empty()) fail(ErrorCode::kInvalidData, file, "no feature columns are left once the target is removed");
  const ColumnWindow keep = window_of(opt, static_cast<std::int64_t>(features.size()), file);
  const auto width = static_cast<std::uint64_t>(keep.count);
  check_allocation(rows, width, sizeof(float), opt.max_bytes, file, "the features",
                   opt.fit_bytes ? opt.fit_bytes(rows, width) : 0);
  constexpr std::uint64_t kMaxRow = std::uint64_t{1} << 30;
  if (cols > kMaxRow / size) {
    fail(ErrorCode::kInvalidData, file,
         "rows of " + std::to_string(cols) + " values are wider than the 1 GiB a rank-local read holds at a time");
  }
  const std::uint64_t row_bytes = cols * size;
  Dataset d;
  d.path = file;
  d.format = Format::kNpy;
  d.n_rows = static_cast<std::int64_t>(rows);
  d.n_cols = keep.count;
  d.first_col = keep.first;
  d.all_cols = static_cast<std::int64_t>(features.size());
  d.n_targets = static_cast<int>(targets.size());
  d.x.resize(static_cast<std::size_t>(rows * width));
  d.y.resize(static_cast<std::size_t>(rows * targets.size()));
  if (h.fortran) {
    read_column_major(src, h, d, features, keep, targets);
    expect_end(src);
    return d;
  }
  // Row r's values for this rank: the block's features and the targets (`all`: check every value
  // of the row, kept or not, so that every rank refuses a file alike).
  const auto take_row = [&](const unsigned char* row, std::uint64_t r, bool all) {
    if (all)
      for (std::uint64_t c = 0; c < cols; ++c)
        checked_element(row + c * size, h.t, r, c, file, is_target[static_cast<std::size_t>(c)]);
    float* x = d.x.data() + r * width;
    for (std::uint64_t k = 0; k < width; ++k) {
      const std::uint64_t c = features[static_cast<std::size_t>(keep.first) + k];
      x[k] = all ? convert_one(row + c * size, h.t) : checked_element(row + c * size, h.t, r, c, file, false);
    }
    for (std::size_t t = 0; t < targets.size(); ++t) {
      const std::uint64_t c = targets[t];
      d.y[static_cast<std::size_t>(r) * targets.size() + t] =
          all ? convert_one(row + c * size, h.t) : checked_element(row + c * size, h.t, r, c, file, true);
    }
  };
  const auto truncated = [&](std::uint64_t r) {
    fail(ErrorCode::kInvalidData, file,
         "truncated: the file ends in row " + std::to_string(r) + " of the " + std::to_string(rows) +
             " its header promises");
  };
  // The byte spans of a row this rank needs: the block's columns and each target, merged.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;  // [begin, end) in the row
  spans.emplace_back(features[static_cast<std::size_t>(keep.first)] * size,
                     (features[static_cast<std::size_t>(keep.first + keep.count - 1)] + 1) * size);
  for (std::uint64_t c : targets) spans.emplace_back(c * size, (c + 1) * size);
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> merged;
  for (const auto& sp : spans) {
    if (!merged.empty() && sp.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, sp.second);
    else
      merged.push_back(sp);
  }
  std::uint64_t needed = 0;
  for (const auto& sp : merged) needed += sp.second - sp.first;
  // By offset where a row has at least kSeekFrom bytes this rank does not need; otherwise rows are
  // streamed in chunks of about kChunk bytes and every value is checked.
  constexpr std::uint64_t kChunk = std::uint64_t{16} << 20;
  if (src.seeks() && row_bytes - needed >= kSeekFrom) {
    std::vector<unsigned char> row(static_cast<std::size_t>(row_bytes));
    for (std::uint64_t r = 0; r < rows; ++r) {
      std::uint64_t at = 0;
      for (const auto& [begin, end] : merged) {
        const std::size_t n = static_cast<std::size_t>(end - begin);
        if (src.skip(begin - at) != begin - at || src.read_fully(reinterpret_cast<char*>(row.data() + begin), n) != n)
          truncated(r);
        at = end;
      }
      if (src.skip(row_bytes - at) != row_bytes - at) truncated(r);
      take_row(row.data(), r, false);
    }
  } else {
    const std::uint64_t per_chunk = std::max<std::uint64_t>(1, kChunk / row_bytes);
    std::vector<unsigned char> buf(static_cast<std::size_t>(std::min(rows, per_chunk) * row_bytes));
    for (std::uint64_t r0 = 0; r0 < rows; r0 += per_chunk) {
      const std::uint64_t n = std::min(per_chunk, rows - r0);
      const std::size_t bytes = static_cast<std::size_t>(n * row_bytes);
      if (src.read_fully(reinterpret_cast<char*>(buf.data()), bytes) != bytes) truncated(r0);
      for (std::uint64_t i = 0; i < n; ++i) take_row(buf.data() + i * row_bytes, r0 + i, true);
    }
  }
  expect_end(src);
  return d;
}

}  // namespace gfs::io::detail
