/// @file csv_reader.cpp
/// @brief CSV with a header row, parsed in one pass straight from large read blocks: no string per
///        cell, floats by std::from_chars, the feature array reserved from an estimate of the rows.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "io/io_util.hpp"
#include "io/readers.hpp"

namespace gfs::io::detail {

/// Splits a header line into names: fields may be "quoted" ("" is a quote inside), blanks trimmed.
std::vector<std::string> split_header(std::string_view line, char delim) {
  std::vector<std::string> names;
  std::size_t i = 0;
  for (;;) {
    while (i < line.size() && line[i] == ' ') ++i;
    std::string name;
    if (i < line.size() && line[i] == '"') {
      for (++i; i < line.size(); ++i) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            name += '"';
            ++i;
          } else {
            ++i;
            break;
          }
        } else {
          name += line[i];
        }
      }
      while (i < line.size() && line[i] != delim) ++i;
    } else {
      const std::size_t start = i;
      while (i < line.size() && line[i] != delim) ++i;
      name.assign(line.substr(start, i - start));
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    }
    names.push_back(std::move(name));
    if (i >= line.size()) break;
    ++i;  // the delimiter
  }
  return names;
}

/// The delimiter the header uses most often outside quotes: comma, tab or semicolon.
char detect_delimiter(std::string_view header) {
  std::size_t comma = 0, tab = 0, semi = 0;
  bool quoted = false;
  for (char c : header) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    comma += c == ',';
    tab += c == '\t';
    semi += c == ';';
  }
  if (tab > comma && tab >= semi) return '\t';
  if (semi > comma && semi > tab) return ';';
  return ',';
}

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

std::string_view cell_text(std::string_view cell) {
  while (!cell.empty() && (cell.front() == ' ' || cell.front() == '\t')) cell.remove_prefix(1);
  while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\t')) cell.remove_suffix(1);
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
  return cell;
}

bool is_missing(std::string_view cell) {
  cell = cell_text(cell);
  if (cell.empty()) return true;
  if (cell.size() > 4) return false;
  std::string lower(cell);
  for (char& ch : lower) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  for (const char* token : {"na", "n/a", "nan", "-nan", "null", "none", "<na>", "#n/a"})
    if (lower == token) return true;
  return false;
}

namespace {

/// True when a "quoted" name of the header (as split_header reads them) is not closed on its line:
/// the name held a line break, which the line reader has cut.
bool has_open_quote(std::string_view line, char delim) {
  std::size_t i = 0;
  for (;;) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i < line.size() && line[i] == '"') {
      bool closed = false;
      for (++i; i < line.size() && !closed; ++i) {
        if (line[i] != '"') continue;
        if (i + 1 < line.size() && line[i + 1] == '"') {
          ++i;
        } else {
          closed = true;
        }
      }
      if (!closed) return true;
    }
    while (i < line.size() && line[i] != delim) ++i;
    if (i >= line.size()) return false;
    ++i;
  }
}

/// Refuses a header whose names cannot be told apart (a name twice) or were cut by a line break.
void check_header(std::string_view header, char delim, const std::vector<std::string>& names, const std::string& file) {
  if (has_open_quote(header, delim)) {
    fail(ErrorCode::kInvalidData, file,
         "line 1: a quoted column name in the header is not closed on its line (line breaks inside column "
         "names are not supported): remove the line break or the stray quote");
  }
  std::unordered_map<std::string_view, std::size_t> seen;
  seen.reserve(names.size());
  for (std::size_t c = 0; c < names.size(); ++c) {
    const auto [at, fresh] = seen.emplace(names[c], c);
    if (!fresh) {
      fail(ErrorCode::kInvalidData, file,
           "the header names column '" + names[c] + "' more than once (columns " + std::to_string(at->second + 1) +
               " and " + std::to_string(c + 1) + "): rename one, so that every column has its own name");
    }
  }
}

}  // namespace

int resolve_target(const std::string& spec, const std::vector<std::string>& names, const std::string& file) {
  const auto n = static_cast<std::int64_t>(names.size());
  int found = -1;
  for (std::size_t c = 0; c < names.size(); ++c) {
    if (names[c] != spec) continue;
    if (found >= 0) {
      fail(ErrorCode::kInvalidData, file,
           "the header names column '" + spec + "' more than once (columns " + std::to_string(found + 1) + " and " +
               std::to_string(c + 1) + "); rename one or give the target by its 0-based index");
    }
    found = static_cast<int>(c);
  }
  if (found >= 0) return found;
  std::int64_t index = 0;
  const char* b = spec.data();
  const char* e = b + spec.size();
  const auto r = std::from_chars(b, e, index);
  if (spec.empty() || r.ec != std::errc{} || r.ptr != e) {
    std::string list;
    for (std::size_t c = 0; c < names.size() && c < 12; ++c) list += (c ? ", '" : "'") + names[c] + "'";
    if (names.size() > 12) list += ", ...";
    fail(ErrorCode::kInvalidData, file, "no column named '" + spec + "' in the header (columns: " + list + ")");
  }
  if (index < 0) index += n;
  if (index < 0 || index >= n) {
    fail(ErrorCode::kInvalidData, file,
         "target index " + spec + " is out of range: the header has " + std::to_string(n) + " columns (indices 0.." +
             std::to_string(n - 1) + ", or -1 for the last)");
  }
  return static_cast<int>(index);
}

namespace {

constexpr const char* kMissingTarget =
    "is missing: every row needs its target (drop the row; feature columns may have missing values)";



/// Which column feeds which output: target slot t >= 0, or -1 for a feature.
struct ColumnPlan {
  std::vector<int> target;  // per column: target slot, or -1
  int n_targets = 0;
  std::int64_t n_features = 0;
  ColumnWindow keep;  // the feature columns x keeps (all of them unless ReadOptions::columns)
};

ColumnPlan plan_columns(const std::vector<std::string>& names, const ReadOptions& opt, const std::string& file) {
  ColumnPlan plan;
  plan.target.assign(names.size(), -1);
  for (const std::string& spec : opt.targets) {
    const int c = resolve_target(spec, names, file);
    if (plan.target[static_cast<std::size_t>(c)] >= 0) {
      fail(ErrorCode::kInvalidData, file,
           "column '" + names[static_cast<std::size_t>(c)] + "' is given as a target twice");
    }
    plan.target[static_cast<std::size_t>(c)] = plan.n_targets++;
  }
  plan.n_features = static_cast<std::int64_t>(names.size()) - plan.n_targets;
  if (plan.n_features == 0) {
    fail(ErrorCode::kInvalidData, file, "no feature columns are left once the target is removed");
  }
  return plan;
}

/// Parses the data rows of one CSV file into a Dataset.
class CsvRows {
 public:
  CsvRows(Dataset& d, const ColumnPlan& plan, char delim, const std::vector<std::string>& names, const ReadOptions& opt)
      : d_(d), plan_(plan), delim_(delim), names_(names), opt_(opt), ncol_(static_cast<int>(names.size())) {}

  void parse(std::string_view line, std::int64_t line_no);
  /// Reserves x and y for about `rows` more rows (an estimate from the bytes left).
  void reserve_rows(std::uint64_t rows);
  [[nodiscard]] std::int64_t rows() const { return rows_; }

 private:
  void grow();
  bool parse_cell(const char*& p, const char* end, float& v);
  float categorical(std::string_view cell);
  [[noreturn]] void bad_cell(std::string_view line, const char* cell, int col, const char* why);
  [[noreturn]] void at(int col, const std::string& what);

  Dataset& d_;
  const ColumnPlan& plan_;
  char delim_;
  const std::vector<std::string>& names_;
  const ReadOptions& opt_;
  int ncol_;
  std::int64_t rows_ = 0;
  std::int64_t line_no_ = 0;
  int categorical_ = -1;  // -1 undecided, 0 numeric, 1 text classes (single target only)
  std::unordered_map<std::string, int> classes_;
};

void CsvRows::at(int col, const std::string& what) {
  fail(ErrorCode::kInvalidData, d_.path,
       "line " + std::to_string(line_no_) + ", column " + std::to_string(col + 1) + " ('" +
           names_[static_cast<std::size_t>(col)] + "'): " + what);
}

void CsvRows::bad_cell(std::string_view line, const char* cell, int col, const char* why) {
  const char* end = line.data() + line.size();
  const char* stop = static_cast<const char*>(std::memchr(cell, delim_, static_cast<std::size_t>(end - cell)));
  if (stop == nullptr) stop = end;
  at(col, quote_cell(std::string_view(cell, static_cast<std::size_t>(stop - cell))) + " " + why);
}

void CsvRows::reserve_rows(std::uint64_t rows) {
  const auto want = static_cast<std::uint64_t>(rows_) + rows;
  const auto cols = static_cast<std::uint64_t>(plan_.keep.count);
  check_allocation(want, cols, sizeof(float), opt_.max_bytes, d_.path, "the features",
                   opt_.fit_bytes ? opt_.fit_bytes(want, cols) : 0);
  d_.x.reserve(want * cols);
  d_.y.reserve(want * static_cast<std::uint64_t>(plan_.n_targets));
}

void CsvRows::grow() {
  // More rows than estimated (or no estimate: a pipe or a .gz file): grow by half.
  const auto have = static_cast<std::uint64_t>(rows_);
  reserve_rows(std::max<std::uint64_t>(have / 2, 1024));
}

float CsvRows::categorical(std::string_view cell) {
  while (!cell.empty() && cell.back() == ' ') cell.remove_suffix(1);
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
  auto [it, added] = classes_.emplace(std::string(cell), static_cast<int>(classes_.size()));
  if (added) d_.class_names.emplace_back(cell);
  return static_cast<float>(it->second);
}

/// One numeric cell at p (blanks around it and "quotes" allowed); p ends on the delimiter or end.
bool CsvRows::parse_cell(const char*& p, const char* end, float& v) {
  while (p != end && *p == ' ') ++p;
  if (p != end && *p == '"') {
    const char* q = static_cast<const char*>(std::memchr(p + 1, '"', static_cast<std::size_t>(end - p - 1)));
    if (q == nullptr) return false;
    const char* s = p + 1;
    while (s != q && *s == ' ') ++s;
    const NumberStatus st = parse_float(s, q, v);
    while (s != q && *s == ' ') ++s;
    if (st != NumberStatus::kOk || s != q) return false;
    p = q + 1;
  } else {
    const NumberStatus st = parse_float(p, end, v);
    if (st != NumberStatus::kOk) return false;
  }
  while (p != end && (*p == ' ' || (*p == '\t' && delim_ != '\t'))) ++p;
  return p == end || *p == delim_;
}

void CsvRows::parse(std::string_view line, std::int64_t line_no) {
  line_no_ = line_no;
  if (d_.x.size() + static_cast<std::size_t>(plan_.keep.count) > d_.x.capacity()) grow();
  const std::size_t xb = d_.x.size();
  const std::size_t yb = d_.y.size();
  d_.x.resize(xb + static_cast<std::size_t>(plan_.keep.count));
  d_.y.resize(yb + static_cast<std::size_t>(plan_.n_targets));
  float* xrow = d_.x.data() + xb;
  float* yrow = d_.y.data() + yb;
  const char* p = line.data();
  const char* end = p + line.size();
  // Every cell is parsed (and checked); x keeps the feature columns of plan_.keep.
  std::int64_t feature = -plan_.keep.first;
  for (int c = 0; c < ncol_; ++c) {
    const char* cell = p;
    const int t = plan_.target[static_cast<std::size_t>(c)];
    float v = 0;
    if (t >= 0 && categorical_ == 1) {
      const char* stop = static_cast<const char*>(std::memchr(p, delim_, static_cast<std::size_t>(end - p)));
      if (stop == nullptr) stop = end;
      std::string_view text(p, static_cast<std::size_t>(stop - p));
      if (is_missing(text)) bad_cell(line, cell, c, kMissingTarget);
      v = categorical(text);
      p = stop;
    } else if (!parse_cell(p, end, v)) {
      p = cell;
      const char* stop = static_cast<const char*>(std::memchr(p, delim_, static_cast<std::size_t>(end - p)));
      if (stop == nullptr) stop = end;
      if (is_missing(std::string_view(p, static_cast<std::size_t>(stop - p)))) {
        if (t >= 0) bad_cell(line, cell, c, kMissingTarget);
        v = std::numeric_limits<float>::quiet_NaN();  // a missing feature value
        p = stop;
      } else {
        while (p != end && *p == ' ') ++p;
        if (t >= 0 && categorical_ == -1 && plan_.n_targets == 1) {
          categorical_ = 1;  // the first row's target is text: class names
          p = cell;
          --c;
          continue;
        }
        float probe = 0;
        const char* q = p;
        const NumberStatus st = parse_float(q, end, probe);
        if (st == NumberStatus::kNonFinite && cell_text(std::string_view(q, static_cast<std::size_t>(stop - q))).empty())
          bad_cell(line, cell, c, "is infinite: gfs needs finite values (an empty, NA or NaN cell is a missing one)");
        if (st == NumberStatus::kOverflow) bad_cell(line, cell, c, "is outside the float32 range (+-3.4e38)");
        bad_cell(line, cell, c, "is not a number");
      }
    }
    if (t >= 0) {
      if (categorical_ == -1) categorical_ = 0;
      yrow[t] = v;
      if (plan_.n_targets == 1)
        d_.target_text.push(cell_text(std::string_view(cell, static_cast<std::size_t>(p - cell))));
    } else {
      if (feature >= 0 && feature < plan_.keep.count) *xrow++ = v;
      ++feature;
    }
    if (c + 1 < ncol_) {
      if (p == end) {
        at(c + 1, "the row ends after " + std::to_string(c + 1) + " cells but the header has " + std::to_string(ncol_) +
                      " columns");
      }
      ++p;  // the delimiter
    }
  }
  if (p != end) {
    std::int64_t cells = ncol_ + 1;
    for (const char* q = p + 1; q != end; ++q) cells += *q == delim_;
    at(ncol_ - 1,
       "the row has " + std::to_string(cells) + " cells but the header has " + std::to_string(ncol_) + " columns");
  }
  ++rows_;
}

}  // namespace

Dataset read_csv(ByteSource& src, const ReadOptions& opt) {
  Dataset d;
  d.path = src.name();
  d.format = Format::kCsv;
  LineReader lines(src, opt.max_line);
  std::string_view header;
  if (!lines.next(header)) fail(ErrorCode::kInvalidData, d.path, "the file is empty (expected a header row)");
  if (header.size() >= 3 && std::memcmp(header.data(), "\xEF\xBB\xBF", 3) == 0) header.remove_prefix(3);
  if (is_blank(header)) fail(ErrorCode::kInvalidData, d.path, "line 1: the header row is empty");
  const char delim = opt.delimiter != 0 ? opt.delimiter : detect_delimiter(header);
  const std::vector<std::string> names = split_header(header, delim);
  check_header(header, delim, names, d.path);
  ColumnPlan plan = plan_columns(names, opt, d.path);
  plan.keep = window_of(opt, plan.n_features, d.path);
  for (std::size_t c = 0; c < names.size(); ++c) {
    (plan.target[c] >= 0 ? d.target_names : d.feature_names).push_back(names[c]);
  }
  // Targets in the order given (plan slots), not in file order.
  for (std::size_t c = 0; c < names.size(); ++c) {
    if (plan.target[c] >= 0) d.target_names[static_cast<std::size_t>(plan.target[c])] = names[c];
  }
  CsvRows rows(d, plan, delim, names, opt);
  const std::uint64_t header_bytes = lines.bytes_consumed();
  constexpr std::int64_t kSampleRows = 512;
  std::string_view line;
  while (lines.next(line)) {
    if (line.empty() || is_blank(line)) continue;
    rows.parse(line, lines.line_number());
    if (rows.rows() == kSampleRows && src.exact_size() > 0) {
      // Rows left ~ bytes left / bytes per row so far, plus 2 % for longer rows later on.
      const double per_row = static_cast<double>(lines.bytes_consumed() - header_bytes) / kSampleRows;
      const double left = static_cast<double>(src.exact_size() - lines.bytes_consumed());
      rows.reserve_rows(static_cast<std::uint64_t>(left / per_row * 1.02) + 16);
    }
  }
  if (rows.rows() == 0) fail(ErrorCode::kInvalidData, d.path, "no data rows after the header");
  d.n_rows = rows.rows();
  d.n_cols = plan.keep.count;
  if (opt.columns) {
    d.first_col = plan.keep.first;
    d.all_cols = plan.n_features;
  }
  d.n_targets = plan.n_targets;
  if (plan.n_targets == 0) d.y.clear();
  return d;
}

}  // namespace gfs::io::detail
