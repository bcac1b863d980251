/// @file dataset.hpp
/// @brief The one in-memory table every reader produces, and the entry points that fill it from a
///        file (CSV, NumPy .npy, IDX, LIBSVM/SVMlight; any of them may be gzip-compressed).
///
///   gfs::io::ReadOptions opt;
///   opt.targets = {"label"};                       // CSV: by name or 0-based index
///   gfs::io::Dataset d = gfs::io::read_dataset("train.csv", opt);
///   // d.x is [d.n_rows, d.n_cols] row-major, d.y is [d.n_rows, d.n_targets]
///
/// Every failure is a gfs::Error (kIo: cannot open/read; kInvalidData: the content is wrong) whose
/// message starts with the file name and, for text formats, names the line and column.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gfs::io {

enum class Format { kAuto, kCsv, kNpy, kIdx, kLibsvm };

/// "csv", "npy", "idx", "libsvm" (and "auto").
std::string to_string(Format f);
/// Reads "csv", "npy", "idx", "libsvm" or "auto"; throws gfs::Error (kInvalidArgument) otherwise.
Format parse_format(const std::string& text);
/// The format a path's extension names (".gz" is looked through), or kAuto when it names none.
Format format_from_extension(const std::string& path);

/// A column of text cells stored back to back (one allocation, not one string per row).
class TextColumn {
 public:
  void push(std::string_view cell) {
    chars_.append(cell.data(), cell.size());
    ends_.push_back(chars_.size());
  }
  [[nodiscard]] std::string_view operator[](std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : static_cast<std::size_t>(ends_[i - 1]);
    return std::string_view(chars_).substr(begin, static_cast<std::size_t>(ends_[i]) - begin);
  }
  [[nodiscard]] std::size_t size() const { return ends_.size(); }
  [[nodiscard]] bool empty() const { return ends_.empty(); }
  void clear() {
    chars_.clear();
    ends_.clear();
  }

 private:
  std::string chars_;
  std::vector<std::uint64_t> ends_;
};

struct Dataset {
  std::vector<float> x;  ///< features                     [n_rows, n_cols]
  std::int64_t n_rows = 0;
  std::int64_t n_cols = 0;
  std::vector<float> y;  ///< targets (empty when none)    [n_rows, n_targets]
  int n_targets = 0;
  std::vector<std::string> feature_names;  ///< [n_cols], empty when the format has no names
  std::vector<std::string> target_names;   ///< [n_targets], empty when the format has no names
  /// When the (single) target column held text, y holds codes 0..C-1 and this maps code -> text.
  std::vector<std::string> class_names;
  /// A single target column's cells exactly as the file spells them ([n_rows]; empty when there
  /// are several targets or the format stores numbers): class labels are read from this text, never
  /// through float32 (100000001 and 100000002 are different classes).
  TextColumn target_text;
  std::string path;               ///< the file x came from
  Format format = Format::kAuto;  ///< the format it was read as
  /// A rank-local read (ReadOptions::columns): x holds the feature columns [first_col, first_col +
  /// n_cols) of the file's all_cols; feature_names still name all of them. 0, 0 when x holds every one.
  std::int64_t first_col = 0;
  std::int64_t all_cols = 0;
  /// The file's feature columns (D), whether x holds all of them or a block.
  [[nodiscard]] std::int64_t features() const { return all_cols > 0 ? all_cols : n_cols; }
};

/// A block of feature columns: [first, first + count).
struct ColumnWindow {
  std::int64_t first = 0;
  std::int64_t count = 0;
};

struct ReadOptions {
  Format format = Format::kAuto;  ///< kAuto: from the extension, else from the content
  /// Target columns. CSV: header names or 0-based indices (negative counts from the end);
  /// NPY: column indices. Empty: no target in the input (use labels_path or none at all).
  std::vector<std::string> targets;
  std::string labels_path;  ///< a second file with the targets, one row per input row
  Format labels_format = Format::kAuto;
  char delimiter = 0;           ///< CSV delimiter; 0 = detect from the header (, \t ;)
  std::int64_t n_features = 0;  ///< LIBSVM width; 0 = the largest index in the file
  /// Memory the arrays may take, in bytes; 0 = what the machine has available now.
  std::uint64_t max_bytes = 0;
  /// Memory a fit on a rows x cols table needs beyond the table (the caller's estimate; none when
  /// empty). It counts against max_bytes before the table is allocated, so that a tiny file that
  /// declares a huge table is refused before it is read, with the estimate in the message.
  std::function<std::uint64_t(std::uint64_t rows, std::uint64_t cols)> fit_bytes;
  /// Keep only a block of the feature columns (a feature-parallel rank's): called with the file's
  /// number of feature columns D once it is known, it returns the block, 0 <= first, count >= 1,
  /// first + count <= D. The targets are read whole. NPY (by offset in a regular file with wide
  /// rows), CSV and LIBSVM never hold more than the block plus a bounded buffer (LIBSVM without
  /// n_features reads the file twice: once for its width); IDX is read whole and then cut. Where
  /// the whole file is read, every value is checked. Empty: every column.
  std::function<ColumnWindow(std::int64_t n_features)> columns;
  /// Longest line a text format may have; longer (or a file with no line breaks) is refused.
  std::uint64_t max_line = std::uint64_t{256} << 20;
};

/// Reads the features (and the targets, from the same file or from opt.labels_path).
Dataset read_dataset(const std::string& path, const ReadOptions& opt = {});

}  // namespace gfs::io
