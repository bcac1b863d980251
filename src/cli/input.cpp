/// @file input.cpp
/// @brief Input options and target encoding shared by the subcommands.
#include "cli/input.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "gfs/error.hpp"

namespace gfs::cli {

void add_input_options(CLI::App& app, InputArgs& a) {
  app.add_option("-i,--input", a.input,
                 "Data file: .csv/.tsv, .npy, IDX (e.g. *-idx3-ubyte), .libsvm/.svm; .gz is read directly")
      ->required();
  app.add_option("--format", a.format, "File format when the extension does not tell")
      ->check(CLI::IsMember({"auto", "csv", "npy", "idx", "libsvm"}));
  auto* target = app.add_option("-t,--target", a.targets,
                                "Target column: CSV header name or 0-based index (-1 = last); NPY column index. Repeat "
                                "for several regression targets")
                     ->expected(1)
                     ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("-l,--labels", a.labels,
                 "A second file holding the targets (CSV/text, .npy or IDX), one row per input row")
      ->excludes(target);
}

io::Dataset read_input(const InputArgs& a, std::int64_t n_features) {
  io::ReadOptions opt;
  opt.format = io::parse_format(a.format);
  opt.targets = a.targets;
  opt.labels_path = a.labels;
  opt.n_features = n_features;
  return io::read_dataset(a.input, opt);
}

namespace {

/// Text of a label value: "3" for 3.0, "-1" for -1.0.
std::string label_text(float v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string target_origin(const io::Dataset& d) {
  return d.target_names.empty() ? "the targets" : "target '" + d.target_names[0] + "'";
}

}  // namespace

std::vector<std::string> encode_targets(io::Dataset& d, Task task) {
  if (task == Task::kRegression) {
    if (!d.class_names.empty()) {
      throw Error(ErrorCode::kInvalidData, d.path + ": " + target_origin(d) + " holds text (e.g. '" + d.class_names[0] +
                                               "'); --task regression needs numbers");
    }
    return {};
  }
  if (d.n_targets != 1) {
    throw Error(ErrorCode::kInvalidData, d.path + ": classification takes one target column, got " +
                                             std::to_string(d.n_targets) + " (use --task regression for several)");
  }
  if (!d.class_names.empty()) {
    // Text classes were coded in order of first appearance; recode in sorted order for stability.
    std::vector<std::string> sorted = d.class_names;
    std::sort(sorted.begin(), sorted.end());
    std::vector<float> code(sorted.size());
    for (std::size_t i = 0; i < d.class_names.size(); ++i) {
      code[i] = static_cast<float>(std::lower_bound(sorted.begin(), sorted.end(), d.class_names[i]) - sorted.begin());
    }
    for (float& y : d.y) y = code[static_cast<std::size_t>(y)];
    d.class_names = sorted;
    return sorted;
  }
  std::map<float, int> classes;
  for (std::size_t i = 0; i < d.y.size(); ++i) {
    const float v = d.y[i];
    if (std::nearbyint(v) != v) {
      throw Error(ErrorCode::kInvalidData,
                  d.path + ": " + target_origin(d) + " of row " + std::to_string(i + 1) + " is " + label_text(v) +
                      ", not an integer class label; use --task regression for real-valued targets");
    }
    classes.emplace(v, 0);
  }
  std::vector<std::string> names;
  for (auto& [value, code] : classes) {
    code = static_cast<int>(names.size());
    names.push_back(label_text(value));
  }
  for (float& y : d.y) y = static_cast<float>(classes[y]);
  return names;
}

/// Refuses early (before reading a large file) when a CUDA device is asked for and absent.
void check_device(const Device& d) {
  if (d.kind != DeviceKind::kCuda) return;
  if (!built_with_cuda()) {
    throw Error(ErrorCode::kDeviceUnavailable,
                "--device " + d.str() + ": this gfs was built without CUDA; use --device cpu or auto");
  }
  const int n = cuda_device_count();
  if (d.ordinal >= n) {
    throw Error(ErrorCode::kDeviceUnavailable,
                "--device " + d.str() + ": " +
                    (n == 0 ? std::string("no CUDA device is visible")
                            : std::to_string(n) + " CUDA device(s) visible (0.." + std::to_string(n - 1) + ")") +
                    "; use --device cpu or auto");
  }
}

}  // namespace gfs::cli
