/// @file result_json.hpp
/// @brief result.json: written by `gfs select`, read back by `gfs transform` (keys: SPEC section 3).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gfs/result.hpp"
#include "io/dataset.hpp"

namespace gfs::cli {

/// What the input was, for the "input" object and the names of the features.
struct InputInfo {
  const io::Dataset* data = nullptr;
  std::string labels_path;
  std::vector<std::string> classes;  // classification: class code -> original label text
};

/// The whole result document, keys in a stable order.
nlohmann::ordered_json result_to_json(const Result& r, const InputInfo& in);

/// JSON text with one key per line, but arrays of numbers or strings on a single line, so that a
/// result with 10^5 features stays readable and small.
std::string dump_readable(const nlohmann::ordered_json& j, int indent = 0);

/// What transform needs from a result file.
struct SavedSelection {
  std::int64_t n_features = 0;
  std::vector<int> selected;               // strictly ascending, each in 0..n_features-1
  std::vector<std::string> feature_names;  // empty when the fit's input had none
  std::vector<std::string> targets;        // the fit's target columns (input.targets), if named
  bool labels_file = false;                // the targets came from a second file (input.labels)
};

/// Reads and checks a result.json fully (integers only, in range, strictly ascending, sizes that
/// agree); throws gfs::Error (kIo / kInvalidData) naming the file and the key.
SavedSelection read_selection(const std::string& path);

}  // namespace gfs::cli
