/// @file libsvm_reader.cpp
/// @brief LIBSVM / SVMlight sparse text ("label idx:val idx:val ... # comment", 1-based increasing
///        indices, an optional qid:N), collected sparse and then densified into [rows, max index].
#include <charconv>
#include <cstring>
#include <limits>

#include "io/io_util.hpp"
#include "io/readers.hpp"

namespace gfs::io::detail {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

/// The sparse rows of a LIBSVM file: row r holds entries [row_end[r-1], row_end[r]).
struct Sparse {
  std::vector<float> labels;
  TextColumn label_text;  // each label as written (class ids must not round through float32)
  std::vector<std::uint64_t> row_end;
  std::vector<std::uint32_t> index;  // 0-based column
  std::vector<float> value;
  std::uint64_t max_index = 0;  // largest 1-based index seen
  // The 0-based columns kept (a rank's block, ReadOptions::columns): the others are checked only.
  std::uint64_t keep_first = 0, keep_end = std::numeric_limits<std::uint64_t>::max();
};

class LibsvmLine {
 public:
  LibsvmLine(Sparse& s, const std::string& file, std::int64_t line_no, std::string_view line, std::int64_t width)
      : s_(s), file_(file), line_no_(line_no), begin_(line.data()), end_(line.data() + line.size()), width_(width) {}

  void parse();

 private:
  [[noreturn]] void at(const char* p, const std::string& what) const {
    fail(ErrorCode::kInvalidData, file_,
         "line " + std::to_string(line_no_) + ", column " + std::to_string(p - begin_ + 1) + ": " + what);
  }
  [[nodiscard]] std::string token(const char* p) const {
    const char* q = p;
    while (q != end_ && !is_space(*q)) ++q;
    return quote_cell(std::string_view(p, static_cast<std::size_t>(q - p)));
  }
  void check_number(NumberStatus st, const char* start, const char* p, const char* what) const;
  void parse_pair(const char*& p, std::uint64_t& prev);

  Sparse& s_;
  const std::string& file_;
  std::int64_t line_no_;
  const char* begin_;
  const char* end_;
  std::int64_t width_;
};

void LibsvmLine::check_number(NumberStatus st, const char* start, const char* p, const char* what) const {
  if (st == NumberStatus::kNonFinite)
    at(start, std::string(what) + " " + token(start) + " is NaN or infinite: gfs needs finite values (LIBSVM has no missing values: "
                                                            "a feature left out of a line is 0)");
  if (st == NumberStatus::kOverflow)
    at(start, std::string(what) + " " + token(start) + " is outside the float32 range");
  if (st != NumberStatus::kOk || (p != end_ && !is_space(*p))) {
    if (st == NumberStatus::kOk && *p == ',') at(start, "multi-label lines are not supported (one label per line)");
    at(start, std::string(what) + " " + token(start) + " is not a number");
  }
}

void LibsvmLine::parse_pair(const char*& p, std::uint64_t& prev) {
  const char* start = p;
  if (end_ - p > 4 && std::memcmp(p, "qid:", 4) == 0) {  // SVMlight query id: not a feature
    std::int64_t qid = 0;
    const auto r = std::from_chars(p + 4, end_, qid);
    if (r.ec != std::errc{} || (r.ptr != end_ && !is_space(*r.ptr)))
      at(start, "malformed " + token(start) + " (expected qid:<integer>)");
    p = r.ptr;
    return;
  }
  std::uint64_t idx = 0;
  const auto r = std::from_chars(p, end_, idx);
  if (r.ec != std::errc{} || r.ptr == end_ || *r.ptr != ':') {
    at(start, token(start) + " is not an index:value pair");
  }
  if (idx == 0) at(start, "feature index 0: LIBSVM indices are 1-based");
  if (idx <= prev) {
    at(start, "feature index " + std::to_string(idx) + " after " + std::to_string(prev) +
                  ": indices must increase along a line");
  }
  const std::uint64_t cap = width_ > 0 ? static_cast<std::uint64_t>(width_) : std::numeric_limits<std::int32_t>::max();
  if (idx > cap) {
    at(start, "feature index " + std::to_string(idx) + " exceeds " +
                  (width_ > 0 ? "the expected " + std::to_string(width_) + " features" : std::string("2^31 - 1")));
  }
  p = r.ptr + 1;
  const char* vstart = p;
  float v = 0;
  const NumberStatus st = parse_float(p, end_, v);
  check_number(st, vstart, p, "value");
  prev = idx;
  s_.max_index = std::max(s_.max_index, idx);
  if (v != 0.0F && idx - 1 >= s_.keep_first && idx - 1 < s_.keep_end) {
    s_.index.push_back(static_cast<std::uint32_t>(idx - 1 - s_.keep_first));
    s_.value.push_back(v);
  }
}

void LibsvmLine::parse() {
  const char* p = begin_;
  while (p != end_ && is_space(*p)) ++p;
  const char* start = p;
  float label = 0;
  const NumberStatus st = parse_float(p, end_, label);
  check_number(st, start, p, "label");
  s_.labels.push_back(label);
  s_.label_text.push(std::string_view(start, static_cast<std::size_t>(p - start)));
  std::uint64_t prev = 0;
  for (;;) {
    while (p != end_ && is_space(*p)) ++p;
    if (p == end_) break;
    parse_pair(p, prev);
  }
  s_.row_end.push_back(s_.index.size());
}

/// Every data line of the file into `s` (its kept columns' entries, every label).
void parse_lines(ByteSource& src, const ReadOptions& opt, Sparse& s) {
  if (!opt.targets.empty()) {
    fail(ErrorCode::kInvalidData, src.name(),
         "LIBSVM files carry their labels in the first field; "
         "drop --target");
  }
  LineReader lines(src, opt.max_line);
  std::string_view line;
  bool any_line = false;
  while (lines.next(line)) {
    any_line = true;
    if (const void* hash = std::memchr(line.data(), '#', line.size())) {
      line = line.substr(0, static_cast<std::size_t>(static_cast<const char*>(hash) - line.data()));
    }
    bool blank = true;
    for (char c : line) blank = blank && is_space(c);
    if (blank) continue;
    LibsvmLine(s, src.name(), lines.line_number(), line, opt.n_features).parse();
  }
  if (!any_line) fail(ErrorCode::kInvalidData, src.name(), "the file is empty");
  if (s.labels.empty()) fail(ErrorCode::kInvalidData, src.name(), "no data lines (only comments or blank lines)");
}

}  // namespace

std::int64_t libsvm_width(ByteSource& src, const ReadOptions& opt) {
  Sparse s;
  s.keep_end = 0;  // no entry kept: the width only
  parse_lines(src, opt, s);
  if (opt.n_features <= 0 && s.max_index == 0)
    fail(ErrorCode::kInvalidData, src.name(), "no line has any index:value pair, so there are no features");
  return opt.n_features > 0 ? opt.n_features : static_cast<std::int64_t>(s.max_index);
}

Dataset read_libsvm(ByteSource& src, const ReadOptions& opt) {
  // A block of the columns needs the width first: the caller gives it (n_features, or libsvm_width).
  const bool block = static_cast<bool>(opt.columns);
  if (block && opt.n_features <= 0)
    fail(ErrorCode::kInvalidArgument, src.name(), "reading a block of a LIBSVM file's columns needs its width");
  const ColumnWindow keep = block ? window_of(opt, opt.n_features, src.name()) : ColumnWindow{};
  Sparse s;
  if (block) {
    s.keep_first = static_cast<std::uint64_t>(keep.first);
    s.keep_end = static_cast<std::uint64_t>(keep.first + keep.count);
  }
  parse_lines(src, opt, s);
  const std::uint64_t all = opt.n_features > 0 ? static_cast<std::uint64_t>(opt.n_features) : s.max_index;
  if (all == 0) fail(ErrorCode::kInvalidData, src.name(), "no line has any index:value pair, so there are no features");
  const std::uint64_t cols = block ? static_cast<std::uint64_t>(keep.count) : all;
  const std::uint64_t rows = s.labels.size();
  check_allocation(rows, cols, sizeof(float), opt.max_bytes, src.name(), "the dense features",
                   opt.fit_bytes ? opt.fit_bytes(rows, cols) : 0);
  Dataset d;
  d.path = src.name();
  d.format = Format::kLibsvm;
  d.n_rows = static_cast<std::int64_t>(rows);
  d.n_cols = static_cast<std::int64_t>(cols);
  if (block) {
    d.first_col = keep.first;
    d.all_cols = static_cast<std::int64_t>(all);
  }
  d.x.assign(rows * cols, 0.0F);
  std::uint64_t k = 0;
  for (std::uint64_t r = 0; r < rows; ++r) {
    for (; k < s.row_end[r]; ++k) d.x[r * cols + s.index[k]] = s.value[k];
  }
  d.y = std::move(s.labels);
  d.target_text = std::move(s.label_text);
  d.n_targets = 1;
  return d;
}

}  // namespace gfs::io::detail
