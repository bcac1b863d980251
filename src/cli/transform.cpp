/// @file transform.cpp
/// @brief `gfs transform`: keep the selected columns of a data set (plus its targets), written as
///        CSV under their original names. A CSV input is copied as text (values exactly as written)
///        and may be the very file `gfs select` read: the fit's target column is found by name and
///        carried through without repeating --target. A .npy input is written in its own dtype.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/input.hpp"
#include "cli/result_json.hpp"
#include "gfs/error.hpp"
#include "io/atomic_file.hpp"
#include "io/byte_source.hpp"
#include "io/csv_writer.hpp"
#include "io/readers.hpp"

namespace gfs::cli {

void add_transform(CLI::App& app, TransformArgs& a) {
  add_input_options(app, a.in);
  app.add_option("-r,--result", a.result, "result.json written by 'gfs select'")->required();
  app.add_option("-o,--output", a.output, "Where to write the reduced CSV ('-' for stdout)")->required();
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

io::Format input_format(const InputArgs& a) {
  return a.format == "auto" ? io::format_from_extension(a.input) : io::parse_format(a.format);
}

}  // namespace

int run_transform(const TransformArgs& a) {
  const SavedSelection s = read_selection(a.result);
  // Checked before reading: never a directory, never one of the inputs (the data, the result).
  io::AtomicFile out(a.output, {a.in.input, a.in.labels, a.result});
  std::int64_t rows = 0;
  bool targets = false;
  const io::Format format = input_format(a.in);
  if (format == io::Format::kCsv && a.in.labels.empty()) {
    io::CsvColumns spec;
    spec.n_features = s.n_features;
    spec.selected = s.selected;
    spec.feature_names = s.feature_names;
    spec.targets = a.in.targets;
    if (!s.labels_file) spec.fitted_targets = s.targets;
    auto src = io::open_file(a.in.input);
    const io::CsvCopied done = io::copy_csv_columns(*src, out, spec);
    rows = done.rows;
    targets = !done.targets.empty();
  } else if (format == io::Format::kNpy) {
    // Values in the array's own dtype (float64 exactly), streamed row by row.
    io::detail::Labels labels;
    io::NpyColumns spec;
    spec.n_features = s.n_features;
    spec.selected = s.selected;
    spec.targets = a.in.targets;
    if (!a.in.labels.empty()) {
      labels = io::detail::read_labels_file(a.in.labels, io::ReadOptions{});
      spec.labels = &labels;
    }
    auto src = io::open_file(a.in.input);
    rows = io::copy_npy_columns(*src, out, spec).rows;
    targets = !a.in.targets.empty() || !a.in.labels.empty();
  } else {
    const io::Dataset d = read_input(a.in, s.n_features);
    check_columns(d, s, a.result);
    io::write_columns_csv(out, d, s.selected, d.n_targets > 0);
    rows = d.n_rows;
    targets = d.n_targets > 0;
  }
  out.commit();
  if (!a.quiet) {
    std::fprintf(out.is_stdout() ? stderr : stdout, "wrote %s: %lld rows x %zu selected columns%s\n",
                 out.is_stdout() ? "stdout" : a.output.c_str(), static_cast<long long>(rows), s.selected.size(),
                 targets ? " + targets" : "");
  }
  return 0;
}

}  // namespace gfs::cli
