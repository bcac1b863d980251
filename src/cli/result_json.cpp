/// @file result_json.cpp
/// @brief Result <-> JSON.
#include "cli/result_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
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

nlohmann::ordered_json history_json(const std::vector<EpochRecord>& h) {
  auto a = nlohmann::ordered_json::array();
  for (const EpochRecord& e : h) {
    a.push_back({{"epoch", e.epoch},
                 {"tau", tidy(e.tau)},
                 {"loss", tidy(e.loss)},
                 {"task_loss", tidy(e.task_loss)},
                 {"select_loss", tidy(e.select_loss)},
                 {"mean_mask", tidy(e.mean_mask)},
                 {"n_active", e.n_active}});
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

}  // namespace

nlohmann::ordered_json result_to_json(const Result& r, const InputInfo& in) {
  const io::Dataset& d = *in.data;
  nlohmann::ordered_json j;
  j["version"] = gfs::version();
  j["n_features"] = r.n_features;
  j["n_selected"] = r.selected.size();
  j["selected"] = r.selected;
  if (r.config.support == SupportRule::kValidated) j["candidates"] = r.candidates;
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
  j["device"] = r.device;
  if (!r.device_note.empty()) j["device_note"] = r.device_note;
  j["ranks"] = r.ranks;
  if (!r.rank_columns.empty()) {  // feature-parallel: how D was split
    auto split = nlohmann::ordered_json::array();
    for (const auto& [first, count] : r.rank_columns) split.push_back({{"first", first}, {"count", count}});
    j["rank_columns"] = split;
  }
  j["fit_seconds"] = r.fit_seconds;
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
      out += pad + nlohmann::ordered_json(key).dump() + ": " + dump_readable(value, indent + 2);
      out += ++i < j.size() ? ",\n" : "\n";
    }
    return out + close + "}";
  }
  const bool flat = j.is_array() && std::none_of(j.begin(), j.end(), [](const auto& e) { return e.is_structured(); });
  if (!j.is_array() || flat || j.empty()) return j.dump();
  std::string out = "[\n";
  for (std::size_t i = 0; i < j.size(); ++i) {
    out += pad + j[i].dump() + (i + 1 < j.size() ? ",\n" : "\n");  // e.g. one history record per line
  }
  return out + close + "]";
}

SavedSelection read_selection(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kIo, path + ": cannot open the result file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidData, path + ": not valid JSON: " + e.what());
  }
  SavedSelection s;
  try {
    s.n_features = j.at("n_features").get<std::int64_t>();
    s.selected = j.at("selected").get<std::vector<int>>();
    if (j.contains("feature_names")) s.feature_names = j["feature_names"].get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidData, path + ": not a gfs result (needs n_features and selected): " + e.what());
  }
  for (int c : s.selected) {
    if (c < 0 || c >= s.n_features) {
      throw Error(ErrorCode::kInvalidData, path + ": selected index " + std::to_string(c) + " is outside 0.." +
                                               std::to_string(s.n_features - 1));
    }
  }
  if (!s.feature_names.empty() && static_cast<std::int64_t>(s.feature_names.size()) != s.n_features) {
    throw Error(ErrorCode::kInvalidData, path + ": feature_names has " + std::to_string(s.feature_names.size()) +
                                             " entries but n_features is " + std::to_string(s.n_features));
  }
  return s;
}

}  // namespace gfs::cli
