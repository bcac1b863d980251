/// @file transform.cpp
/// @brief `gfs transform`: keep the selected columns of a data set (plus its targets, when given),
///        written as CSV under their original names.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/input.hpp"
#include "cli/result_json.hpp"
#include "gfs/error.hpp"
#include "io/csv_writer.hpp"

namespace gfs::cli {

void add_transform(CLI::App& app, TransformArgs& a) {
  add_input_options(app, a.in);
  app.add_option("-r,--result", a.result, "result.json written by 'gfs select'")->required();
  app.add_option("-o,--output", a.output, "Where to write the reduced CSV")->required();
  app.add_flag("-q,--quiet", a.quiet, "No summary line");
}

namespace {

/// The input must have the columns the fit saw: same count, and the same names when both have names.
void check_columns(const io::Dataset& d, const SavedSelection& s, const std::string& result_path) {
  if (d.n_cols != s.n_features) {
    throw Error(ErrorCode::kInvalidData, d.path + " has " + std::to_string(d.n_cols) + " feature columns but " +
                                             result_path + " was fitted on " + std::to_string(s.n_features) +
                                             " (did you forget --target, or pass a different file?)");
  }
  if (d.feature_names.empty() || s.feature_names.empty()) return;
  for (std::size_t c = 0; c < s.feature_names.size(); ++c) {
    if (d.feature_names[c] != s.feature_names[c]) {
      throw Error(ErrorCode::kInvalidData, d.path + ": feature column " + std::to_string(c) + " is '" +
                                               d.feature_names[c] + "' but the fit's column " + std::to_string(c) +
                                               " was '" + s.feature_names[c] + "'");
    }
  }
}

}  // namespace

int run_transform(const TransformArgs& a) {
  const SavedSelection s = read_selection(a.result);
  const io::Dataset d = read_input(a.in, s.n_features);
  check_columns(d, s, a.result);
  io::write_columns_csv(a.output, d, s.selected, d.n_targets > 0);
  if (!a.quiet) {
    std::printf("wrote %s: %lld rows x %zu selected columns%s\n", a.output.c_str(), static_cast<long long>(d.n_rows),
                s.selected.size(), d.n_targets > 0 ? " + targets" : "");
  }
  return 0;
}

}  // namespace gfs::cli
