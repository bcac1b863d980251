/// @file result_json.cpp
/// @brief Result <-> JSON.
#include "cli/result_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "gfs/error.hpp"
#include "gfs/selector.hpp"

namespace gfs::cli {

namespace {

/// The double nearest the float's shortest decimal text, so 0.1F is written as 0.1, not
/// 0.10000000149011612 (both read back as the same float).
double tidy(float v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf - 1, v);
  *r.ptr = '\0';
  return std::strtod(buf, nullptr);
}

nlohmann::ordered_json floats(const std::vector<float>& v) {
  auto a = nlohmann::ordered_json::array();
  for (float x : v) a.push_back(tidy(x));
  return a;
}

/// JSON text that never throws: bytes that are not UTF-8 (a path may hold any) become U+FFFD.
/// Names that must read back exactly (features, targets, classes) are checked before the fit.
std::string text(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

/// A record's value: floats by their shortest exact text (tidy), integers as they are.
double json_number(float v) { return tidy(v); }
int json_number(int v) { return v; }

nlohmann::ordered_json history_json(const std::vector<EpochRecord>& h) {
  auto a = nlohmann::ordered_json::array();
  for (const EpochRecord& e : h) {
    nlohmann::ordered_json record;
#define GFS_JSON_FIELD(name) record[#name] = json_number(e.name);
    GFS_EPOCH_RECORD_FIELDS(GFS_JSON_FIELD)
#undef GFS_JSON_FIELD
    a.push_back(std::move(record));
  }
  return a;
}

nlohmann::ordered_json input_json(const InputInfo& in) {
  const io::Dataset& d = *in.data;
  nlohmann::ordered_json j;
  j["path"] = d.path;
  j["format"] = io::to_string(d.format);
  j["rows"] = d.n_rows;
  if (!in.labels_path.empty()) j["labels"] = in.labels_path;
  if (!d.target_names.empty()) j["targets"] = d.target_names;
  if (!in.classes.empty()) j["classes"] = in.classes;
  return j;
}

/// The columns that had missing cells (NaN, an empty or NA cell), with the share missing.
nlohmann::ordered_json missing_json(const Result& r, const io::Dataset& d) {
  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  double cells = 0;
  for (std::size_t c = 0; c < r.missing_fraction.size(); ++c) {
    const float f = r.missing_fraction[c];
    cells += f;
    if (f == 0) continue;
    nlohmann::ordered_json e;
    e["feature"] = c;
    if (!d.feature_names.empty()) e["name"] = d.feature_names[c];
    e["fraction"] = tidy(f);
    columns.push_back(e);
  }
  nlohmann::ordered_json m;
  m["fraction"] = r.missing_fraction.empty() ? 0.0 : cells / static_cast<double>(r.missing_fraction.size());
  m["columns"] = columns;
  return m;
}

}  // namespace

nlohmann::ordered_json result_to_json(const Result& r, const InputInfo& in) {
  const io::Dataset& d = *in.data;
  nlohmann::ordered_json j;
  j["version"] = gfs::version();
  j["n_features"] = r.n_features;
  j["n_selected"] = r.selected.size();
  j["selected"] = r.selected;
  if (r.config.support == SupportRule::kValidated) {
    j["candidates"] = r.candidates;
    nlohmann::ordered_json ps;
    ps["ran"] = r.pair_screen.ran;
    if (!r.pair_screen.note.empty()) ps["note"] = r.pair_screen.note;
    if (r.pair_screen.ran) {
      ps["threshold"] = r.pair_screen.threshold;
      ps["columns"] = r.pair_screen.columns;
      nlohmann::ordered_json pairs = nlohmann::ordered_json::array();
      for (const Interaction& p : r.pair_screen.pairs) {
        nlohmann::ordered_json e;
        e["features"] = {p.a, p.b};
        if (!d.feature_names.empty())
          e["names"] = {d.feature_names[static_cast<std::size_t>(p.a)], d.feature_names[static_cast<std::size_t>(p.b)]};
        e["z"] = p.z;
        pairs.push_back(e);
      }
      ps["pairs"] = pairs;
    }
    j["pair_screen"] = ps;
    nlohmann::ordered_json cs;
    cs["ran"] = r.column_screen.ran;
    if (!r.column_screen.note.empty()) cs["note"] = r.column_screen.note;
    if (r.column_screen.ran) {
      cs["fdr"] = r.column_screen.fdr;
      nlohmann::ordered_json columns = nlohmann::ordered_json::array();
      for (const ScreenedColumn& c : r.column_screen.columns) {
        nlohmann::ordered_json e;
        e["feature"] = c.column;
        if (!d.feature_names.empty()) e["name"] = d.feature_names[static_cast<std::size_t>(c.column)];
        e["term"] = screen_term_name(c.term);
        e["z"] = c.z;
        e["p"] = c.p;
        columns.push_back(e);
      }
      cs["columns"] = columns;
    }
    j["column_screen"] = cs;
  }
  if (r.config.support == SupportRule::kStability) {
    nlohmann::ordered_json st;
    st["members"] = r.config.members;
    st["threshold"] = tidy(r.config.stability_threshold);
    st["mean_member_selected"] = r.mean_member_selected;
    // JSON has no infinity: a bound that does not apply (threshold <= 1/2) is null.
    st["expected_false_selections"] =
        std::isfinite(r.expected_false_selections) ? nlohmann::ordered_json(r.expected_false_selections) : nullptr;
    st["frequencies"] = floats(r.frequencies);
    j["stability"] = st;
  }
  if (!d.feature_names.empty()) {
    std::vector<std::string> names;
    for (int s : r.selected) names.push_back(d.feature_names[static_cast<std::size_t>(s)]);
    j["selected_names"] = names;
    j["feature_names"] = d.feature_names;
  }
  j["scores"] = r.scores;
  j["logits"] = floats(r.logits);
  j["probabilities"] = floats(r.probabilities);
  j["ranking"] = r.ranking;
  j["missing"] = missing_json(r, d);
  j["feature_mean"] = floats(r.feature_mean);  // empty with standardize off
  j["feature_std"] = floats(r.feature_std);
  j["n_outputs"] = r.n_outputs;
  j["device"] = r.device;
  j["device_note"] = r.device_note;
  j["prescreen_columns"] = r.prescreen_columns;
  j["ranks"] = r.ranks;
  auto split = nlohmann::ordered_json::array();  // feature-parallel: how D was split (one process: none)
  for (const auto& [first, count] : r.rank_columns) split.push_back({{"first", first}, {"count", count}});
  j["rank_columns"] = split;
  j["fit_seconds"] = r.fit_seconds;
  j["stopped_epoch"] = r.stopped_epoch;
  j["stop_reason"] = r.stop_reason;
  nlohmann::ordered_json cfg = nlohmann::ordered_json::object();
  for (const auto& [key, value] : r.config.items()) cfg[key] = value;
  j["config"] = cfg;
  j["history"] = history_json(r.history);
  if (!r.probability_history.empty() && r.n_features > 0) {
    auto rows = nlohmann::ordered_json::array();
    const auto D = static_cast<std::size_t>(r.n_features);
    for (std::size_t e = 0; e * D < r.probability_history.size(); ++e) {
      rows.push_back(floats({r.probability_history.begin() + static_cast<std::ptrdiff_t>(e * D),
                             r.probability_history.begin() + static_cast<std::ptrdiff_t>((e + 1) * D)}));
    }
    j["probability_history"] = rows;
  }
  j["input"] = input_json(in);
  return j;
}

std::string dump_readable(const nlohmann::ordered_json& j, int indent) {
  const std::string pad(static_cast<std::size_t>(indent) + 2, ' ');
  const std::string close(static_cast<std::size_t>(indent), ' ');
  if (j.is_object() && !j.empty()) {
    std::string out = "{\n";
    std::size_t i = 0;
    for (const auto& [key, value] : j.items()) {
      out += pad + text(nlohmann::ordered_json(key)) + ": " + dump_readable(value, indent + 2);
      out += ++i < j.size() ? ",\n" : "\n";
    }
    return out + close + "}";
  }
  const bool flat = j.is_array() && std::none_of(j.begin(), j.end(), [](const auto& e) { return e.is_structured(); });
  if (!j.is_array() || flat || j.empty()) return text(j);
  std::string out = "[\n";
  for (std::size_t i = 0; i < j.size(); ++i) {
    out += pad + text(j[i]) + (i + 1 < j.size() ? ",\n" : "\n");  // e.g. one history record per line
  }
  return out + close + "]";
}

namespace {

[[noreturn]] void corrupt(const std::string& path, const std::string& what) {
  throw Error(ErrorCode::kInvalidData, path + ": not a valid gfs result: " + what);
}

/// A JSON integer in [lo, hi] (not 1.9, not "3", not 4294967299 where an int is meant).
std::int64_t integer_in(const nlohmann::json& v, std::int64_t lo, std::int64_t hi, const std::string& path,
                        const std::string& what) {
  if (!v.is_number_integer()) corrupt(path, what + " is not an integer");
  const std::string range = " is outside " + std::to_string(lo) + ".." + std::to_string(hi);
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) corrupt(path, what + range);
  const auto x = v.get<std::int64_t>();
  if (x < lo || x > hi) corrupt(path, what + range);
  return x;
}

std::vector<std::string> strings(const nlohmann::json& v, const std::string& path, const std::string& what) {
  if (!v.is_array()) corrupt(path, what + " is not an array of strings");
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const auto& e : v) {
    if (!e.is_string()) corrupt(path, what + " holds " + e.dump() + ", not a string");
    out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace

SavedSelection read_selection(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kIo, path + ": cannot open the result file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidData, path + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) corrupt(path, "the document is not a JSON object");
  if (!j.contains("n_features") || !j.contains("selected")) corrupt(path, "needs n_features and selected");
  SavedSelection s;
  s.n_features =
      integer_in(j["n_features"], 1, std::numeric_limits<int>::max(), path, "n_features " + j["n_features"].dump());
  const nlohmann::json& sel = j["selected"];
  if (!sel.is_array()) corrupt(path, "selected is not an array of feature indices");
  s.selected.reserve(sel.size());
  for (std::size_t i = 0; i < sel.size(); ++i) {
    const std::string what = "selected[" + std::to_string(i) + "]";
    const auto c = static_cast<int>(
        integer_in(sel[i], 0, s.n_features - 1, path, "selected index " + sel[i].dump() + " (" + what + ")"));
    if (!s.selected.empty() && c <= s.selected.back()) {
      corrupt(path, what + " is " + std::to_string(c) + ", after " + std::to_string(s.selected.back()) +
                        ": the indices must be strictly ascending, without duplicates");
    }
    s.selected.push_back(c);
  }
  if (j.contains("n_selected") &&
      integer_in(j["n_selected"], 0, s.n_features, path, "n_selected " + j["n_selected"].dump()) !=
          static_cast<std::int64_t>(s.selected.size())) {
    corrupt(path, "n_selected is " + j["n_selected"].dump() + " but selected lists " +
                      std::to_string(s.selected.size()) + " features");
  }
  if (j.contains("feature_names")) {
    s.feature_names = strings(j["feature_names"], path, "feature_names");
    if (static_cast<std::int64_t>(s.feature_names.size()) != s.n_features) {
      corrupt(path, "feature_names has " + std::to_string(s.feature_names.size()) + " entries but n_features is " +
                        std::to_string(s.n_features));
    }
  }
  if (j.contains("selected_names") && !s.feature_names.empty()) {
    const std::vector<std::string> names = strings(j["selected_names"], path, "selected_names");
    bool same = names.size() == s.selected.size();
    for (std::size_t i = 0; same && i < names.size(); ++i)
      same = names[i] == s.feature_names[static_cast<std::size_t>(s.selected[i])];
    if (!same) corrupt(path, "selected_names does not match selected and feature_names");
  }
  if (j.contains("input")) {
    const nlohmann::json& input = j["input"];
    if (!input.is_object()) corrupt(path, "input is not an object");
    if (input.contains("targets")) s.targets = strings(input["targets"], path, "input.targets");
    s.labels_file = input.contains("labels");
  }
  return s;
}

}  // namespace gfs::cli
