/// @file csv_writer.cpp
/// @brief CSV output for `gfs transform`: a text copy of a CSV input, or arrays written as CSV.
#include "io/csv_writer.hpp"

#include <charconv>

#include "gfs/error.hpp"
#include "io/io_util.hpp"
#include "io/readers.hpp"

namespace gfs::io {

namespace {

void put_text(AtomicFile& f, std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
    f.write(s);
    return;
  }
  f.put('"');
  for (char c : s) {
    if (c == '"') f.put('"');
    f.put(c);
  }
  f.put('"');
}

void put_float(AtomicFile& f, float v) { f.write(detail::exact_text(v)); }

/// Splits a line into its raw cells (quotes and blanks kept): a cell that starts with '"' runs to
/// its closing quote ("" is a quote inside), so a quoted delimiter does not split it.
void split_raw(std::string_view line, char delim, std::vector<std::string_view>& cells) {
  cells.clear();
  std::size_t i = 0;
  for (;;) {
    const std::size_t start = i;
    while (i < line.size() && line[i] == ' ') ++i;
    if (i < line.size() && line[i] == '"') {
      for (++i; i < line.size(); ++i) {
        if (line[i] != '"') continue;
        if (i + 1 < line.size() && line[i + 1] == '"') {
          ++i;
        } else {
          ++i;
          break;
        }
      }
    }
    while (i < line.size() && line[i] != delim) ++i;
    cells.push_back(line.substr(start, i - start));
    if (i >= line.size()) break;
    ++i;  // the delimiter
  }
}

bool is_number(std::string_view cell) {
  cell = detail::cell_text(cell);
  const char* p = cell.data();
  const char* end = p + cell.size();
  float v = 0;
  return !cell.empty() && detail::parse_float(p, end, v) == detail::NumberStatus::kOk && p == end;
}

/// Column plan of a copy: the header's columns to write, features first, then targets.
struct CopyPlan {
  std::vector<std::size_t> features;  // header columns of the kept features, in the fit's order
  std::vector<std::size_t> targets;   // header columns carried through
  std::vector<std::string> target_names;
};

CopyPlan plan_copy(const std::vector<std::string>& names, const CsvColumns& spec, const std::string& file) {
  CopyPlan plan;
  std::vector<bool> is_target(names.size(), false);
  auto add_target = [&](std::size_t c) {
    if (is_target[c])
      detail::fail(ErrorCode::kInvalidData, file, "column '" + names[c] + "' is given as a target twice");
    is_target[c] = true;
    plan.targets.push_back(c);
    plan.target_names.push_back(names[c]);
  };
  if (!spec.targets.empty()) {
    for (const std::string& t : spec.targets)
      add_target(static_cast<std::size_t>(detail::resolve_target(t, names, file)));
  } else if (!spec.fitted_targets.empty()) {
    // The file select read: its target columns are in the header under the same names.
    std::vector<std::size_t> found;
    for (const std::string& t : spec.fitted_targets) {
      std::size_t hits = 0, at = 0;
      for (std::size_t c = 0; c < names.size(); ++c)
        if (names[c] == t) ++hits, at = c;
      if (hits != 1) break;
      found.push_back(at);
    }
    if (found.size() == spec.fitted_targets.size()) {
      for (std::size_t c : found) add_target(c);
    }
  }
  std::vector<std::size_t> feature_cols;
  for (std::size_t c = 0; c < names.size(); ++c)
    if (!is_target[c]) feature_cols.push_back(c);
  if (!spec.feature_names.empty()) {
    for (int s : spec.selected) {
      const std::string& want = spec.feature_names[static_cast<std::size_t>(s)];
      std::size_t hits = 0, at = 0;
      for (std::size_t c : feature_cols)
        if (names[c] == want) ++hits, at = c;
      if (hits == 0) {
        std::string list;
        for (std::size_t c = 0; c < names.size() && c < 12; ++c) list += (c ? ", '" : "'") + names[c] + "'";
        if (names.size() > 12) list += ", ...";
        detail::fail(ErrorCode::kInvalidData, file,
                     "has no column named '" + want + "', a feature the fit kept (the header has " + list +
                         "): a different file than the fit's?");
      }
      if (hits > 1) {
        detail::fail(ErrorCode::kInvalidData, file,
                     "the header names column '" + want + "' more than once; rename the duplicates");
      }
      plan.features.push_back(at);
    }
    return plan;
  }
  if (static_cast<std::int64_t>(feature_cols.size()) != spec.n_features) {
    detail::fail(ErrorCode::kInvalidData, file,
                 "has " + std::to_string(feature_cols.size()) + " feature columns but the result was fitted on " +
                     std::to_string(spec.n_features) + " (did you forget --target, or pass a different file?)");
  }
  for (int s : spec.selected) plan.features.push_back(feature_cols[static_cast<std::size_t>(s)]);
  return plan;
}

}  // namespace

void write_columns_csv(AtomicFile& f, const Dataset& d, const std::vector<int>& cols, bool with_targets) {
  for (int c : cols) {
    if (c < 0 || c >= d.n_cols) {
      throw Error(ErrorCode::kInvalidArgument, f.path() + ": column " + std::to_string(c) + " is out of range for " +
                                                   std::to_string(d.n_cols) + " features");
    }
  }
  const int nt = with_targets ? d.n_targets : 0;
  const bool target_as_text = nt == 1 && d.target_text.size() == static_cast<std::size_t>(d.n_rows);
  bool first = true;
  for (int c : cols) {
    if (!first) f.put(',');
    first = false;
    put_text(f, d.feature_names.empty() ? "x" + std::to_string(c) : d.feature_names[static_cast<std::size_t>(c)]);
  }
  for (int t = 0; t < nt; ++t) {
    if (!first) f.put(',');
    first = false;
    put_text(f, d.target_names.size() == static_cast<std::size_t>(d.n_targets)
                    ? d.target_names[static_cast<std::size_t>(t)]
                    : "y" + std::to_string(t));
  }
  f.put('\n');
  for (std::int64_t r = 0; r < d.n_rows; ++r) {
    const float* row = d.x.data() + r * d.n_cols;
    first = true;
    for (int c : cols) {
      if (!first) f.put(',');
      first = false;
      put_float(f, row[c]);
    }
    for (int t = 0; t < nt; ++t) {
      if (!first) f.put(',');
      first = false;
      const float y = d.y[static_cast<std::size_t>(r * d.n_targets + t)];
      if (target_as_text) {
        put_text(f, d.target_text[static_cast<std::size_t>(r)]);
      } else if (!d.class_names.empty()) {
        put_text(f, d.class_names[static_cast<std::size_t>(y)]);
      } else {
        put_float(f, y);
      }
    }
    f.put('\n');
  }
}

void write_columns_csv(const std::string& path, const Dataset& d, const std::vector<int>& cols, bool with_targets) {
  AtomicFile f(path, {d.path});
  write_columns_csv(f, d, cols, with_targets);
  f.commit();
}

CsvCopied copy_csv_columns(ByteSource& src, AtomicFile& out, const CsvColumns& spec) {
  const std::string& file = src.name();
  detail::LineReader lines(src, spec.max_line);
  std::string_view header;
  if (!lines.next(header)) detail::fail(ErrorCode::kInvalidData, file, "the file is empty (expected a header row)");
  if (header.size() >= 3 && header.compare(0, 3, "\xEF\xBB\xBF") == 0) header.remove_prefix(3);
  if (detail::is_blank(header)) detail::fail(ErrorCode::kInvalidData, file, "line 1: the header row is empty");
  const char delim = spec.delimiter != 0 ? spec.delimiter : detail::detect_delimiter(header);
  const std::vector<std::string> names = detail::split_header(header, delim);
  const CopyPlan plan = plan_copy(names, spec, file);
  std::vector<std::string_view> cells;
  split_raw(header, delim, cells);
  if (cells.size() != names.size()) {  // the two splits agree by construction; a bug if not
    throw Error(ErrorCode::kInternal, file + ": the header splits into " + std::to_string(cells.size()) + " and " +
                                          std::to_string(names.size()) + " cells");
  }
  auto write_row = [&] {
    bool first = true;
    for (const auto* group : {&plan.features, &plan.targets}) {
      for (std::size_t c : *group) {
        if (!first) out.put(delim);
        first = false;
        out.write(cells[c]);
      }
    }
    out.put('\n');
  };
  write_row();
  CsvCopied done;
  done.targets = plan.target_names;
  std::string_view line;
  while (lines.next(line)) {
    if (detail::is_blank(line)) continue;
    split_raw(line, delim, cells);
    if (cells.size() != names.size()) {
      detail::fail(ErrorCode::kInvalidData, file,
                   "line " + std::to_string(lines.line_number()) + ": the row has " + std::to_string(cells.size()) +
                       " cells but the header has " + std::to_string(names.size()) + " columns");
    }
    for (std::size_t c : plan.features) {
      if (is_number(cells[c]) || detail::is_missing(cells[c])) continue;  // a missing value is copied as written
      detail::fail(ErrorCode::kInvalidData, file,
                   "line " + std::to_string(lines.line_number()) + ", column " + std::to_string(c + 1) + " ('" +
                       names[c] + "'): " + detail::quote_cell(cells[c]) + " is not a finite number");
    }
    write_row();
    ++done.rows;
  }
  if (done.rows == 0) detail::fail(ErrorCode::kInvalidData, file, "no data rows after the header");
  return done;
}

}  // namespace gfs::io
