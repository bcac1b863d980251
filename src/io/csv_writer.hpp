/// @file csv_writer.hpp
/// @brief `gfs transform`'s output: chosen feature columns (and the targets) as CSV with a header
///        row. A CSV input is copied cell by cell as text, so every kept value is exactly what the
///        input said; other inputs are written from their arrays, floats in their shortest exact form.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/atomic_file.hpp"
#include "io/byte_source.hpp"
#include "io/dataset.hpp"
#include "io/readers.hpp"

namespace gfs::io {

/// Writes columns `cols` (indices into d's features) and, when `with_targets`, d's target columns
/// to `out`. Names come from d (or "x<index>" / "y<index>" where d has none); a single target
/// is written as its text (d.target_text, or its class name) where d has it.
void write_columns_csv(AtomicFile& out, const Dataset& d, const std::vector<int>& cols, bool with_targets);
/// The same into a new file at `path`, written atomically.
void write_columns_csv(const std::string& path, const Dataset& d, const std::vector<int>& cols, bool with_targets);

/// Which columns of a CSV file to copy.
struct CsvColumns {
  std::int64_t n_features = 0;             ///< the fit's feature count
  std::vector<int> selected;               ///< kept features: indices among the fit's features
  std::vector<std::string> feature_names;  ///< the fit's feature names (empty: pick by position)
  std::vector<std::string> targets;        ///< --target given now: these columns are carried through
  /// The fit's target columns of this same file: carried through when every one is in the header.
  std::vector<std::string> fitted_targets;
  char delimiter = 0;  ///< 0 = detect
  std::uint64_t max_line = std::uint64_t{256} << 20;
};

/// What copy_csv_columns did.
struct CsvCopied {
  std::int64_t rows = 0;
  std::vector<std::string> targets;  ///< names of the target columns written after the features
};

/// Copies the kept feature columns (by name when the fit had names, else by position among the
/// non-target columns) and the target columns of a CSV stream to `out`, cell text unchanged.
/// Throws gfs::Error (kInvalidData) naming the file, line and column when the input does not fit.
CsvCopied copy_csv_columns(ByteSource& src, AtomicFile& out, const CsvColumns& spec);

/// Which columns of a 2-D .npy array to copy (transform of NPY input).
struct NpyColumns {
  std::int64_t n_features = 0;             ///< the fit's feature count
  std::vector<int> selected;               ///< kept features: indices among the array's non-target columns
  std::vector<std::string> targets;        ///< --target: 0-based array columns carried through
  const detail::Labels* labels = nullptr;  ///< --labels, read beforehand: carried through as read
};

/// Copies the kept columns of a .npy array (and its targets or labels) to `out` as CSV, each value
/// as text in the array's own dtype (float64 and 64-bit integers exactly, not through float32).
/// Streams row by row. Throws gfs::Error (kInvalidData) naming the file when it does not fit.
CsvCopied copy_npy_columns(ByteSource& src, AtomicFile& out, const NpyColumns& spec);

}  // namespace gfs::io
