/// @file dataset.cpp
/// @brief Format names and inference, the labels file, and read_dataset() tying the readers together.
#include "io/dataset.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "io/io_util.hpp"
#include "io/readers.hpp"

namespace gfs::io {

std::string to_string(Format f) {
  switch (f) {
    case Format::kCsv:
      return "csv";
    case Format::kNpy:
      return "npy";
    case Format::kIdx:
      return "idx";
    case Format::kLibsvm:
      return "libsvm";
    default:
      return "auto";
  }
}

Format parse_format(const std::string& text) {
  for (Format f : {Format::kAuto, Format::kCsv, Format::kNpy, Format::kIdx, Format::kLibsvm}) {
    if (text == to_string(f)) return f;
  }
  throw Error(ErrorCode::kInvalidArgument, "unknown format '" + text + "' (use csv, npy, idx, libsvm or auto)");
}

Format format_from_extension(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  auto ends_with = [&](const char* suffix) {
    const std::size_t n = std::strlen(suffix);
    return name.size() >= n && name.compare(name.size() - n, n, suffix) == 0;
  };
  if (ends_with(".gz")) name.resize(name.size() - 3);
  if (ends_with(".csv") || ends_with(".tsv")) return Format::kCsv;
  if (ends_with(".npy")) return Format::kNpy;
  if (ends_with(".idx") || ends_with("-ubyte") || ends_with(".ubyte") || name.find("-idx") != std::string::npos ||
      name.find(".idx") != std::string::npos) {
    return Format::kIdx;
  }
  if (ends_with(".libsvm") || ends_with(".svm") || ends_with(".svmlight")) return Format::kLibsvm;
  return Format::kAuto;
}

namespace detail {

Format sniff_format(const std::string& head) {
  if (head.size() >= 6 && head.compare(0, 6, "\x93NUMPY") == 0) return Format::kNpy;
  if (head.size() >= 4 && head[0] == 0 && head[1] == 0 && head[2] >= 0x08 && head[2] <= 0x0E && head[3] > 0) {
    return Format::kIdx;
  }
  return Format::kAuto;
}

ColumnWindow window_of(const ReadOptions& opt, std::int64_t n_features, const std::string& file) {
  if (!opt.columns) return ColumnWindow{0, n_features};
  const ColumnWindow w = opt.columns(n_features);
  if (w.first < 0 || w.count < 1 || w.first > n_features - w.count) {
    fail(ErrorCode::kInvalidArgument, file,
         "columns [" + std::to_string(w.first) + ", " + std::to_string(w.first + w.count) + ") asked for, but the " +
             std::to_string(n_features) + " feature columns are [0, " + std::to_string(n_features) + ")");
  }
  return w;
}

namespace {

/// x cut to the block window_of(opt, ...) (formats read whole: IDX).
void keep_window(Dataset& d, const ReadOptions& opt) {
  if (!opt.columns) return;
  const ColumnWindow w = window_of(opt, d.n_cols, d.path);
  const auto cols = static_cast<std::size_t>(d.n_cols), width = static_cast<std::size_t>(w.count);
  for (std::size_t r = 0; r < static_cast<std::size_t>(d.n_rows); ++r)
    std::copy_n(d.x.begin() + static_cast<std::ptrdiff_t>(r * cols + static_cast<std::size_t>(w.first)), width,
                d.x.begin() + static_cast<std::ptrdiff_t>(r * width));
  d.x.resize(static_cast<std::size_t>(d.n_rows) * width);
  d.x.shrink_to_fit();
  d.first_col = w.first;
  d.all_cols = d.n_cols;
  d.n_cols = w.count;
}

/// A text labels file: rows of numbers split by , ; tab or space; a non-numeric first line is a header.
/// With one column, each label's text is kept as written (class ids must not round through float32).
Labels read_text_labels(ByteSource& src, const ReadOptions& opt) {
  Labels out;
  TextColumn text;
  LineReader lines(src, opt.max_line);
  std::string_view line;
  bool first = true;
  std::vector<float> row;
  auto is_sep = [](char c) { return c == ',' || c == ';' || c == '\t' || c == ' '; };
  while (lines.next(line)) {
    row.clear();
    std::string_view first_text;
    std::vector<std::string> words;
    const char* p = line.data();
    const char* end = p + line.size();
    while (p != end) {
      while (p != end && is_sep(*p)) ++p;
      if (p == end) break;
      const char* start = p;
      float v = 0;
      const NumberStatus st = parse_float(p, end, v);
      if (st != NumberStatus::kOk || (p != end && !is_sep(*p))) {
        while (p != end && !is_sep(*p)) ++p;
        const std::string_view cell(start, static_cast<std::size_t>(p - start));
        if (first) {
          words.emplace_back(cell);
          continue;
        }
        fail(ErrorCode::kInvalidData, src.name(),
             "line " + std::to_string(lines.line_number()) + ", column " + std::to_string(start - line.data() + 1) +
                 ": label " + quote_cell(cell) +
                 (st == NumberStatus::kNonFinite ? " is NaN or infinite" : " is not a number"));
      }
      row.push_back(v);
      if (row.size() == 1) first_text = std::string_view(start, static_cast<std::size_t>(p - start));
    }
    if (row.empty() && words.empty()) continue;
    if (first && !words.empty()) {  // a header line
      first = false;
      for (std::string_view w : words) out.names.emplace_back(w);
      continue;
    }
    first = false;
    if (out.n_targets == 0) out.n_targets = static_cast<int>(row.size());
    if (static_cast<int>(row.size()) != out.n_targets) {
      fail(ErrorCode::kInvalidData, src.name(),
           "line " + std::to_string(lines.line_number()) + ": " + std::to_string(row.size()) +
               " values where the first row has " + std::to_string(out.n_targets));
    }
    out.y.insert(out.y.end(), row.begin(), row.end());
    text.push(first_text);
    ++out.n_rows;
  }
  if (out.n_rows == 0) fail(ErrorCode::kInvalidData, src.name(), "the labels file is empty");
  if (!out.names.empty() && static_cast<int>(out.names.size()) != out.n_targets) out.names.clear();
  if (out.n_targets == 1) out.text = std::move(text);
  return out;
}

}  // namespace

Labels read_labels(ByteSource& src, Format format, const ReadOptions& opt) {
  if (format == Format::kCsv || format == Format::kAuto) return read_text_labels(src, opt);
  if (format == Format::kLibsvm) {
    fail(ErrorCode::kInvalidArgument, src.name(), "a LIBSVM file cannot serve as a labels file");
  }
  ArrayLimits limits;
  limits.max_bytes = opt.max_bytes;
  limits.keep_int_text = true;
  Array a =
      format == Format::kNpy ? read_npy_array(src, limits, "the labels") : read_idx_array(src, limits, "the labels");
  if (a.shape.empty() || a.shape.size() > 2) {
    fail(ErrorCode::kInvalidData, src.name(), "labels must be a 1-D [rows] or 2-D [rows, targets] array");
  }
  Labels out;
  out.n_rows = static_cast<std::int64_t>(a.shape[0]);
  out.n_targets = a.shape.size() == 2 ? static_cast<int>(a.shape[1]) : 1;
  if (out.n_rows == 0 || out.n_targets == 0) fail(ErrorCode::kInvalidData, src.name(), "the labels array is empty");
  for (std::size_t i = 0; i < a.data.size(); ++i) {
    if (!std::isfinite(a.data[i])) {
      fail(ErrorCode::kInvalidData, src.name(), "label " + std::to_string(i) + " (0-based) is NaN or infinite");
    }
  }
  out.y = std::move(a.data);
  if (out.n_targets == 1) out.text = std::move(a.int_text);
  return out;
}

namespace {

/// The given format, else the extension's, else the magic number's (kAuto when none tells).
/// When it had to read the first bytes, they are put back in front of `src` (reopening would lose
/// them on a pipe), so that the reader starts at byte 0.
Format guess_format(const std::string& path, Format given, std::unique_ptr<ByteSource>& src) {
  if (given != Format::kAuto) return given;
  Format f = format_from_extension(path);
  if (f != Format::kAuto) return f;
  std::string head(8, '\0');
  head.resize(src->read_fully(head.data(), head.size()));
  const Format sniffed = sniff_format(head);
  src = unread(std::move(src), std::move(head));
  return sniffed;
}

}  // namespace

Labels read_labels_file(const std::string& path, const ReadOptions& opt) {
  auto src = open_file(path);
  const Format f = guess_format(path, opt.labels_format, src);
  return read_labels(*src, f == Format::kAuto ? Format::kCsv : f, opt);  // unknown: plain text
}

namespace {

Dataset read_features(ByteSource& src, Format f, const ReadOptions& opt) {
  ArrayLimits limits;
  limits.max_bytes = opt.max_bytes;
  limits.fit_bytes = opt.fit_bytes;
  switch (f) {
    case Format::kCsv:
      return read_csv(src, opt);
    case Format::kLibsvm:
      return read_libsvm(src, opt);
    case Format::kNpy:
      if (opt.columns) return read_npy_block(src, opt);
      return dataset_from_array(read_npy_array(src, limits, "the features"), src.name(), f, opt);
    default: {
      Dataset d = dataset_from_array(read_idx_array(src, limits, "the features"), src.name(), f, opt);
      keep_window(d, opt);
      return d;
    }
  }
}

void attach_labels(Dataset& d, const ReadOptions& opt) {
  if (d.n_targets > 0) {
    fail(ErrorCode::kInvalidArgument, opt.labels_path,
         "the input already has a target (" + std::string(d.format == Format::kLibsvm ? "LIBSVM labels" : "--target") +
             "): give either --target or --labels, not both");
  }
  Labels l = read_labels_file(opt.labels_path, opt);
  if (l.n_rows != d.n_rows) {
    fail(ErrorCode::kInvalidData, opt.labels_path,
         "has " + std::to_string(l.n_rows) + " label rows but " + d.path + " has " + std::to_string(d.n_rows) +
             " data rows; they must match one to one");
  }
  d.y = std::move(l.y);
  d.n_targets = l.n_targets;
  d.target_names = std::move(l.names);
  d.target_text = std::move(l.text);
}

}  // namespace
}  // namespace detail

Dataset read_dataset(const std::string& path, const ReadOptions& opt) {
  auto src = open_file(path);
  const Format f = detail::guess_format(path, opt.format, src);
  if (f == Format::kAuto) {
    detail::fail(ErrorCode::kInvalidArgument, path,
                 "cannot tell the format from the file name or its first bytes; pass --format "
                 "csv|npy|idx|libsvm");
  }
  if (f == Format::kLibsvm && opt.columns && opt.n_features <= 0) {
    // The block depends on the width, the largest index in the file: a first pass finds it.
    ReadOptions sized = opt;
    sized.n_features = detail::libsvm_width(*src, opt);
    Dataset d = detail::read_libsvm(*open_file(path), sized);
    d.path = path;
    if (!opt.labels_path.empty()) detail::attach_labels(d, opt);
    return d;
  }
  Dataset d = detail::read_features(*src, f, opt);
  d.path = path;
  if (!opt.labels_path.empty()) detail::attach_labels(d, opt);
  return d;
}

}  // namespace gfs::io
