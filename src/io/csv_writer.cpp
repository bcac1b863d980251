/// @file csv_writer.cpp
/// @brief CSV output for `gfs transform`.
#include "io/csv_writer.hpp"

#include <charconv>

#include "gfs/error.hpp"
#include "io/atomic_file.hpp"

namespace gfs::io {

namespace {

void put_text(AtomicFile& f, const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) {
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

void put_float(AtomicFile& f, float v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
  f.write(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

}  // namespace

void write_columns_csv(const std::string& path, const Dataset& d, const std::vector<int>& cols, bool with_targets) {
  for (int c : cols) {
    if (c < 0 || c >= d.n_cols) {
      throw Error(ErrorCode::kInvalidArgument, path + ": column " + std::to_string(c) + " is out of range for " +
                                                   std::to_string(d.n_cols) + " features");
    }
  }
  const int nt = with_targets ? d.n_targets : 0;
  AtomicFile f(path);
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
      if (!d.class_names.empty()) {
        put_text(f, d.class_names[static_cast<std::size_t>(y)]);
      } else {
        put_float(f, y);
      }
    }
    f.put('\n');
  }
  f.commit();
}

}  // namespace gfs::io
