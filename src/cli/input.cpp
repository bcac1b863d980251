/// @file input.cpp
/// @brief Input options and target encoding shared by the subcommands.
#include "cli/input.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "gfs/error.hpp"
#include "gfs/selector.hpp"
#include "io/io_util.hpp"

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
  auto* labels = app.add_option("-l,--labels", a.labels,
                                "A second file holding the targets (CSV/text, .npy or IDX), one row per input row "
                                "(survival: two columns, the time and the event flag)")
                     ->excludes(target);
  app.add_option("--event", a.event,
                 "Survival: the event column (1 event, 0 censored), by name or index as --target, whose single "
                 "column is then the time")
      ->excludes(labels)
      ->needs(target);
}

io::Dataset read_input(const InputArgs& a, std::int64_t n_features, const Config* fit,
                       std::function<io::ColumnWindow(std::int64_t)> columns) {
  io::ReadOptions opt;
  opt.columns = std::move(columns);
  opt.format = io::parse_format(a.format);
  opt.targets = a.targets;
  if (!a.event.empty()) {
    if (a.targets.size() != 1)
      throw Error(ErrorCode::kInvalidArgument,
                  "--event " + a.event + ": give exactly one --target, the time column, with it (got " +
                      std::to_string(a.targets.size()) + ")");
    opt.targets.push_back(a.event);  // y = (time, event), the order a survival fit reads
  }
  opt.labels_path = a.labels;
  opt.n_features = n_features;
  if (fit != nullptr) {
    // The fit is `gfs select`'s, in place (Selector::fit_in_place): no standardised copy.
    const Config cfg = *fit;
    opt.max_bytes = fit_memory_limit(cfg);
    opt.fit_bytes = [cfg](std::uint64_t rows, std::uint64_t cols) -> std::uint64_t {
      const std::uint64_t total =
          fit_memory_bytes(cfg, static_cast<std::int64_t>(rows), static_cast<std::int64_t>(cols), true);
      std::uint64_t table = 0;  // what the reader allocates itself
      if (__builtin_mul_overflow(rows, cols, &table) || __builtin_mul_overflow(table, sizeof(float), &table))
        return total;
      return total - std::min(total, table);
    };
  }
  return io::read_dataset(a.input, opt);
}

void apply_option(Config& c, const char* option, const char* key, const std::string& value, long long min) {
  auto shown = [&value] { return value.size() <= 40 ? value : value.substr(0, 40) + "..."; };
  try {
    c.set(key, value);
  } catch (const Error& e) {
    throw Error(e.code(), std::string(option) + " " + shown() + ": " + e.what());
  }
  long long v = 0;
  const auto r = std::from_chars(value.data(), value.data() + value.size(), v);
  if (r.ec == std::errc{} && v < min) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string(option) + " " + shown() + ": must be at least " + std::to_string(min));
  }
}

void check_names_utf8(const io::Dataset& d, const std::vector<std::string>& classes) {
  auto check = [&d](const std::string& name, const std::string& what) {
    if (io::detail::is_utf8(name)) return;
    throw Error(ErrorCode::kInvalidData, d.path + ": " + what + " " + io::detail::quote_cell(name) +
                                             " is not valid UTF-8 (result.json holds names as UTF-8 text): "
                                             "re-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)");
  };
  for (std::size_t c = 0; c < d.feature_names.size(); ++c)
    check(d.feature_names[c], "the name of feature column " + std::to_string(c + 1));
  for (const std::string& t : d.target_names) check(t, "the target name");
  for (const std::string& c : classes) check(c, "the class label");
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

namespace {

/// A label's text as a 64-bit integer: "42", "+42", "-7", and integral decimals ("3.0", "1e3")
/// up to 2^53, where a double is still exact. kText for anything that is no number at all.
enum class LabelKind { kInteger, kNotInteger, kText };

LabelKind parse_label(std::string_view text, std::int64_t& out) {
  const char* b = text.data();
  const char* e = b + text.size();
  if (b != e && *b == '+') ++b;
  auto r = std::from_chars(b, e, out);
  if (r.ec == std::errc{} && r.ptr == e && b != e) return LabelKind::kInteger;
  double v = 0;
  const auto rd = std::from_chars(b, e, v);
  if (rd.ptr != e || b == e) return LabelKind::kText;
  if (rd.ec != std::errc{} && rd.ec != std::errc::result_out_of_range) return LabelKind::kText;
  constexpr double kExact = 9007199254740992.0;  // 2^53
  if (rd.ec == std::errc{} && std::isfinite(v) && std::nearbyint(v) == v && std::fabs(v) <= kExact) {
    out = static_cast<std::int64_t>(v);
    return LabelKind::kInteger;
  }
  return LabelKind::kNotInteger;
}

/// Classification labels from their text: all integers -> classes in numeric order, spelled as the
/// file first spelled them; any other text -> text classes in byte order.
std::vector<std::string> encode_label_text(io::Dataset& d) {
  const std::size_t n = d.target_text.size();
  std::vector<std::int64_t> value(n);
  std::size_t first_fraction = n;
  bool text = false;
  for (std::size_t i = 0; i < n; ++i) {
    const LabelKind k = parse_label(d.target_text[i], value[i]);
    if (k == LabelKind::kText) text = true;
    if (k == LabelKind::kNotInteger && first_fraction == n) first_fraction = i;
  }
  std::vector<std::string> names;
  if (text) {
    std::map<std::string, int, std::less<>> classes;
    for (std::size_t i = 0; i < n; ++i) classes.emplace(std::string(d.target_text[i]), 0);
    for (auto& [name, code] : classes) {
      code = static_cast<int>(names.size());
      names.push_back(name);
    }
    for (std::size_t i = 0; i < n; ++i) d.y[i] = static_cast<float>(classes.find(d.target_text[i])->second);
  } else {
    if (first_fraction < n) {
      throw Error(ErrorCode::kInvalidData, d.path + ": " + target_origin(d) + " of row " +
                                               std::to_string(first_fraction + 1) + " is " +
                                               std::string(d.target_text[first_fraction]) +
                                               ", not an integer class label; use --task regression for "
                                               "real-valued targets");
    }
    std::map<std::int64_t, std::pair<int, std::size_t>> classes;  // value -> (code, first row)
    for (std::size_t i = 0; i < n; ++i) classes.emplace(value[i], std::make_pair(0, i));
    for (auto& [v, code] : classes) {
      code.first = static_cast<int>(names.size());
      names.emplace_back(d.target_text[code.second]);
    }
    for (std::size_t i = 0; i < n; ++i) d.y[i] = static_cast<float>(classes[value[i]].first);
  }
  d.class_names = names;
  return names;
}

}  // namespace

std::vector<std::string> encode_targets(io::Dataset& d, Task task) {
  if (task == Task::kSurvival) {
    if (d.n_targets != 2)
      throw Error(ErrorCode::kInvalidData,
                  d.path + ": survival takes two target columns, the time and the event flag, got " +
                      std::to_string(d.n_targets) +
                      " (use --target TIME --event EVENT, or --labels with two columns)");
    if (!d.class_names.empty())
      throw Error(ErrorCode::kInvalidData, d.path + ": " + target_origin(d) + " holds text (e.g. '" + d.class_names[0] +
                                               "'); survival needs a numeric time and a 0/1 event flag");
    return {};
  }
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
  if (d.target_text.size() == static_cast<std::size_t>(d.n_rows)) return encode_label_text(d);
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
