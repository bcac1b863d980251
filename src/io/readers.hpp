/// @file readers.hpp
/// @brief One parser per format, each reading from a ByteSource (a file, or memory in the tests and
///        fuzz targets). read_dataset() in dataset.cpp picks one and attaches a labels file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "io/byte_source.hpp"
#include "io/dataset.hpp"

namespace gfs::io::detail {

/// CSV with a header row; opt.targets pick target columns by name or index.
Dataset read_csv(ByteSource& src, const ReadOptions& opt);
/// LIBSVM/SVMlight "label idx:val ..." (1-based, increasing indices), densified.
Dataset read_libsvm(ByteSource& src, const ReadOptions& opt);

/// A numeric array read from a binary format, converted to float32.
struct Array {
  std::vector<std::uint64_t> shape;
  std::vector<float> data;  // row-major
  TextColumn int_text;      // integer dtypes, when asked for: every value in decimal, exactly
};
/// What an array reader may allocate: `max_bytes` for the array (0 = the memory available) and,
/// for features, what a fit on them needs besides (rows = the first dimension).
struct ArrayLimits {
  std::uint64_t max_bytes = 0;
  std::function<std::uint64_t(std::uint64_t rows, std::uint64_t cols)> fit_bytes;
  bool keep_int_text = false;  ///< fill Array::int_text (labels: 64-bit class ids stay exact)
};
/// A NumPy .npy file: v1/v2/v3 header, little-endian or byte-order-free numeric dtype, C order.
Array read_npy_array(ByteSource& src, const ArrayLimits& limits, const char* what);
/// An IDX file (magic 00 00 TT NN, big-endian dims and values).
Array read_idx_array(ByteSource& src, const ArrayLimits& limits, const char* what);

/// Features from a binary array: 2-D as is (NPY must be 2-D; IDX [N, a, b, ...] is flattened to
/// [N, a*b*...]); opt.targets may move NPY columns into y.
Dataset dataset_from_array(Array a, const std::string& file, Format format, const ReadOptions& opt);

/// Targets from a labels file of any format (text: one row per line, numbers separated by commas,
/// semicolons, tabs or spaces, with an optional header line).
struct Labels {
  std::vector<float> y;  // [n_rows, n_targets]
  std::int64_t n_rows = 0;
  int n_targets = 0;
  std::vector<std::string> names;
  TextColumn text;  // one target: each value as written (or as the exact integer)
};
Labels read_labels(ByteSource& src, Format format, const ReadOptions& opt);
/// A labels file by path, its format from opt.labels_format, the extension or the magic number
/// (plain text when none tells).
Labels read_labels_file(const std::string& path, const ReadOptions& opt);

/// CSV pieces shared by the reader and transform's column copy:
/// the header's names ("quoted" allowed, blanks trimmed),
std::vector<std::string> split_header(std::string_view line, char delim);
/// the delimiter a header uses most outside quotes (comma, tab or semicolon),
char detect_delimiter(std::string_view header);
/// a target spec (header name, else 0-based index, negative from the end) as a column index,
int resolve_target(const std::string& spec, const std::vector<std::string>& names, const std::string& file);
/// a cell without the blanks around it and without its "quotes",
std::string_view cell_text(std::string_view cell);
/// and whether a line holds only blanks.
bool is_blank(std::string_view line);
/// A cell that marks a missing value: empty, or NA, N/A, NaN, -NaN, NULL, None, <NA>, #N/A (any
/// case; blanks and "quotes" around it allowed), as pandas and R write them. Feature columns only:
/// a missing target is an error.
bool is_missing(std::string_view cell);

/// The block of feature columns opt.columns picks from `n_features` (all of them when it is empty);
/// throws gfs::Error (kInvalidArgument) when the block lies outside [0, n_features).
ColumnWindow window_of(const ReadOptions& opt, std::int64_t n_features, const std::string& file);
/// A NumPy .npy file's features, keeping the targets opt.targets names and the feature columns of
/// window_of(opt, ...): a regular file whose rows hold much this rank does not need is read by
/// offset (seek past it), anything else streamed in row chunks; memory is the block plus one
/// bounded buffer.
Dataset read_npy_block(ByteSource& src, const ReadOptions& opt);
/// The widest 1-based feature index of a LIBSVM file (a first pass when the width must be known
/// before the block can be kept).
std::int64_t libsvm_width(ByteSource& src, const ReadOptions& opt);

/// The format the first bytes of a file suggest (NPY and IDX have magic numbers), or kAuto.
Format sniff_format(const std::string& head);

}  // namespace gfs::io::detail
