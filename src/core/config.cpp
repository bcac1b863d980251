/// @file config.cpp
/// @brief Config: defaults, the reference preset, key/value access and validation.
#include "gfs/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <type_traits>

#include "gfs/error.hpp"

namespace gfs {
namespace {

/// The value as a message shows it: at most 40 characters (a 300-digit number stays readable).
std::string shown(const std::string& value) {
  constexpr std::size_t kMax = 40;
  return value.size() <= kMax ? value : value.substr(0, kMax) + "... (" + std::to_string(value.size()) + " characters)";
}

[[noreturn]] void bad(const std::string& key, const std::string& value, const std::string& expected) {
  throw Error(ErrorCode::kInvalidArgument,
              "setting '" + key + "': '" + shown(value) + "' is not valid (expected " + expected + ")");
}

/// An integer of type T; out-of-range text is an error naming the range, never a silent wrap.
template <typename T>
T parse_int(const std::string& key, const std::string& v) {
  static_assert(std::is_integral_v<T>);
  T out = 0;
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  const std::string range =
      std::to_string(std::numeric_limits<T>::min()) + ".." + std::to_string(std::numeric_limits<T>::max());
  if (ec == std::errc::result_out_of_range) bad(key, v, "an integer in " + range);
  if (ec != std::errc() || ptr != v.data() + v.size() || v.empty()) bad(key, v, "an integer in " + range);
  return out;
}

float parse_float(const std::string& key, const std::string& v) {
  try {
    std::size_t used = 0;
    const float f = std::stof(v, &used);
    if (used != v.size() || !std::isfinite(f)) bad(key, v, "a finite number");
    return f;
  } catch (const std::logic_error&) {
    bad(key, v, "a finite number");
  }
}

bool parse_bool(const std::string& key, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  bad(key, v, "true or false");
}

template <typename E>
E parse_enum(const std::string& key, const std::string& v, const std::map<std::string, E>& names) {
  const auto it = names.find(v);
  if (it != names.end()) return it->second;
  std::string all;
  for (const auto& [name, _] : names) all += (all.empty() ? "" : ", ") + name;
  bad(key, v, "one of " + all);
}

const std::map<std::string, Task> kTasks{
    {"classification", Task::kClassification}, {"regression", Task::kRegression}, {"survival", Task::kSurvival}};
const std::map<std::string, CoxTies> kTies{{"breslow", CoxTies::kBreslow}, {"efron", CoxTies::kEfron}};
const std::map<std::string, Penalty> kPenalties{{"raw", Penalty::kRaw}, {"target", Penalty::kTarget}};
const std::map<std::string, SupportRule> kSupports{{"validated", SupportRule::kValidated},
                                                   {"majority", SupportRule::kMajority},
                                                   {"any", SupportRule::kAny},
                                                   {"top-k", SupportRule::kTopK},
                                                   {"stability", SupportRule::kStability}};
const std::map<std::string, PairScreen> kPairScreens{
    {"auto", PairScreen::kAuto}, {"on", PairScreen::kOn}, {"off", PairScreen::kOff}};
const std::map<std::string, PenaltyScale> kScales{
    {"mean", PenaltyScale::kMean}, {"rows", PenaltyScale::kRows}, {"column", PenaltyScale::kColumn}};
const std::map<std::string, ClassWeights> kWeights{
    {"none", ClassWeights::kNone}, {"balanced", ClassWeights::kBalanced}, {"reference", ClassWeights::kReference}};

template <typename E>
std::string name_of(E value, const std::map<std::string, E>& names) {
  for (const auto& [name, v] : names)
    if (v == value) return name;
  return "?";
}

/// Shortest text that reads back as the same float ("0.997", not "0.996999979").
std::string fmt(float f) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(f);
}

/// "a,b,c" from a list of ints or floats (floats as fmt writes them).
template <typename T>
std::string join(const std::vector<T>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if constexpr (std::is_floating_point_v<T>)
      s += (i ? "," : "") + fmt(v[i]);
    else
      s += (i ? "," : "") + std::to_string(v[i]);
  }
  return s;
}

/// "a,b,c" as ints or floats, each item read (and refused) as a single setting of that type is.
template <typename T>
std::vector<T> parse_list(const std::string& key, const std::string& v) {
  std::vector<T> out;
  std::size_t start = 0;
  while (start <= v.size()) {
    const std::size_t end = v.find(',', start);
    const std::string item = v.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if constexpr (std::is_floating_point_v<T>)
      out.push_back(parse_float(key, item));
    else
      out.push_back(parse_int<T>(key, item));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

/// parse_list, where "" is the empty list (a setting whose default is none).
template <typename T>
std::vector<T> parse_optional_list(const std::string& key, const std::string& v) {
  return v.empty() ? std::vector<T>{} : parse_list<T>(key, v);
}

/// Bytes from "8G", "512M", "1.5GiB", "100000" (K, M, G, T are powers of 1024); 0 = no limit.
std::uint64_t parse_bytes(const std::string& key, const std::string& v) {
  const char* expected = "a size in bytes such as 8G, 512M, 1.5GiB or 0 (no limit but the machine's)";
  double number = 0;
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), number);
  if (ec != std::errc() || v.empty() || !std::isfinite(number) || number < 0) bad(key, v, expected);
  std::string unit(ptr, v.data() + v.size());
  for (char& ch : unit) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  double scale = 1;
  if (unit.empty() || unit == "B") {
    scale = 1;
  } else if (unit == "K" || unit == "KB" || unit == "KIB") {
    scale = 1024.0;
  } else if (unit == "M" || unit == "MB" || unit == "MIB") {
    scale = 1024.0 * 1024;
  } else if (unit == "G" || unit == "GB" || unit == "GIB") {
    scale = 1024.0 * 1024 * 1024;
  } else if (unit == "T" || unit == "TB" || unit == "TIB") {
    scale = 1024.0 * 1024 * 1024 * 1024;
  } else {
    bad(key, v, expected);
  }
  const double bytes = number * scale;
  if (bytes >= 1.8e19) bad(key, v, expected);
  return static_cast<std::uint64_t>(bytes);
}

/// The one table of settings: name -> (reader, writer).
struct Field {
  std::function<void(Config&, const std::string&, const std::string&)> set;
  std::function<std::string(const Config&)> get;
};

#define GFS_INT_FIELD(name)                                                                                      \
  {                                                                                                              \
#name, {                                                                                                     \
      [](Config& c, const std::string& k, const std::string& v) { c.name = parse_int<decltype(c.name)>(k, v); }, \
          [](const Config& c) { return std::to_string(c.name); }                                                 \
    }                                                                                                            \
  }
#define GFS_FLOAT_FIELD(name)                                                                    \
  {                                                                                              \
#name, {                                                                                     \
      [](Config& c, const std::string& k, const std::string& v) { c.name = parse_float(k, v); }, \
          [](const Config& c) { return fmt(c.name); }                                            \
    }                                                                                            \
  }
#define GFS_BOOL_FIELD(name)                                                                    \
  {                                                                                             \
#name, {                                                                                    \
      [](Config& c, const std::string& k, const std::string& v) { c.name = parse_bool(k, v); }, \
          [](const Config& c) { return std::string(c.name ? "true" : "false"); }                \
    }                                                                                           \
  }
#define GFS_ENUM_FIELD(name, table)                                                                    \
  {                                                                                                    \
#name, {                                                                                           \
      [](Config& c, const std::string& k, const std::string& v) { c.name = parse_enum(k, v, table); }, \
          [](const Config& c) { return name_of(c.name, table); }                                       \
    }                                                                                                  \
  }

const std::vector<std::pair<std::string, Field>>& fields() {
  static const std::vector<std::pair<std::string, Field>> table{
      GFS_ENUM_FIELD(task, kTasks),
      GFS_ENUM_FIELD(class_weights, kWeights),
      GFS_ENUM_FIELD(cox_ties, kTies),
      GFS_INT_FIELD(embedding_dim),
      {"hidden",
       {[](Config& c, const std::string& k, const std::string& v) { c.hidden = parse_list<int>(k, v); },
        [](const Config& c) { return join(c.hidden); }}},
      GFS_BOOL_FIELD(train_embedding),
      GFS_INT_FIELD(epochs),
      GFS_INT_FIELD(batch_size),
      GFS_BOOL_FIELD(shuffle),
      GFS_BOOL_FIELD(standardize),
      GFS_BOOL_FIELD(standardize_targets),
      GFS_FLOAT_FIELD(tau0),
      GFS_FLOAT_FIELD(tau_decay),
      {"lambda",
       {[](Config& c, const std::string& k, const std::string& v) {
          c.lambda = v == "auto" ? -1.0F : parse_float(k, v);
          if (v != "auto" && c.lambda < 0) bad(k, v, "a number >= 0 or 'auto'");
        },
        [](const Config& c) { return c.lambda < 0 ? std::string("auto") : fmt(c.lambda); }}},
      GFS_FLOAT_FIELD(penalty_warmup),
      GFS_ENUM_FIELD(penalty, kPenalties),
      GFS_ENUM_FIELD(penalty_scale, kScales),
      GFS_FLOAT_FIELD(penalty_ramp),
      GFS_INT_FIELD(target_features),
      GFS_FLOAT_FIELD(lr_mask),
      GFS_FLOAT_FIELD(lr_task),
      GFS_FLOAT_FIELD(adam_beta1),
      GFS_FLOAT_FIELD(adam_beta2),
      GFS_FLOAT_FIELD(adam_eps),
      {"seed",
       {[](Config& c, const std::string& k, const std::string& v) {
          std::uint64_t s = 0;
          const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
          if (ec != std::errc() || ptr != v.data() + v.size() || v.empty())
            bad(k, v, "an integer in 0..18446744073709551615");
          c.seed = s;
        },
        [](const Config& c) { return std::to_string(c.seed); }}},
      GFS_BOOL_FIELD(exact),
      GFS_FLOAT_FIELD(tol),
      GFS_INT_FIELD(n_iter_no_change),
      GFS_FLOAT_FIELD(active_eps),
      GFS_FLOAT_FIELD(active_delta),
      GFS_INT_FIELD(active_recheck),
      GFS_INT_FIELD(prescreen),
      GFS_ENUM_FIELD(support, kSupports),
      GFS_FLOAT_FIELD(validation_z),
      GFS_ENUM_FIELD(pair_screen, kPairScreens),
      GFS_BOOL_FIELD(column_screen),
      GFS_INT_FIELD(fallback_candidates),
      {"must_keep",
       {[](Config& c, const std::string& k, const std::string& v) { c.must_keep = parse_optional_list<int>(k, v); },
        [](const Config& c) { return join(c.must_keep); }}},
      {"feature_cost",
       {[](Config& c, const std::string& k, const std::string& v) { c.feature_cost = parse_optional_list<float>(k, v); },
        [](const Config& c) { return join(c.feature_cost); }}},
      {"must_drop",
       {[](Config& c, const std::string& k, const std::string& v) { c.must_drop = parse_optional_list<int>(k, v); },
        [](const Config& c) { return join(c.must_drop); }}},
      GFS_INT_FIELD(members),
      GFS_FLOAT_FIELD(stability_threshold),
      GFS_INT_FIELD(n_draws),
      GFS_BOOL_FIELD(record_probabilities),
      {"device",
       {[](Config& c, const std::string&, const std::string& v) { c.device = Device::parse(v); },
        [](const Config& c) { return c.device.str(); }}},
      GFS_INT_FIELD(threads),
      GFS_BOOL_FIELD(verbose),
      {"max_memory",
       {[](Config& c, const std::string& k, const std::string& v) { c.max_memory = parse_bytes(k, v); },
        [](const Config& c) { return std::to_string(c.max_memory); }}},
  };
  return table;
}

#undef GFS_INT_FIELD
#undef GFS_FLOAT_FIELD
#undef GFS_BOOL_FIELD
#undef GFS_ENUM_FIELD

constexpr double kMinTau = 1e-30;
constexpr float kMaxLambda = 1e6F;
constexpr float kMaxLearningRate = 1.0F;

void require(bool ok, const std::string& key, const std::string& what) {
  if (!ok) throw Error(ErrorCode::kInvalidArgument, "setting '" + key + "' " + what);
}

}  // namespace

Config Config::reference() {
  Config c;
  c.batch_size = 1;
  c.epochs = 200;
  c.shuffle = false;
  c.standardize_targets = false;
  c.lr_task = 3e-4F;
  c.train_embedding = false;
  c.class_weights = ClassWeights::kReference;
  c.lambda = 1.0F;
  c.penalty_warmup = 0.0F;
  c.penalty_scale = PenaltyScale::kMean;
  c.penalty_ramp = 0.0F;
  c.support = SupportRule::kAny;
  c.n_draws = 0;  // one hard draw per training batch, as the reference's scores
  c.exact = true;
  return c;
}

void Config::set(const std::string& key, const std::string& value) {
  for (const auto& [name, field] : fields())
    if (name == key) return field.set(*this, key, value);
  std::string all;
  for (const auto& [name, _] : fields()) all += (all.empty() ? "" : ", ") + name;
  throw Error(ErrorCode::kInvalidArgument, "unknown setting '" + key + "' (known: " + all + ")");
}

std::vector<std::pair<std::string, std::string>> Config::items() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, field] : fields()) out.emplace_back(name, field.get(*this));
  return out;
}

float Config::penalty_weight() const {
  if (lambda >= 0) return lambda;
  if (penalty == Penalty::kTarget) return 1.0F;
  switch (penalty_scale) {
    case PenaltyScale::kRows:
      return 0.17F;  // per open feature 0.17 (ln D)^2 / N: see README "Defaults"
    case PenaltyScale::kColumn:
      return 0.01F;
    case PenaltyScale::kMean:
      break;
  }
  return 0.3F;
}

void Config::validate() const {
  require(embedding_dim >= 1 && embedding_dim <= 4096, "embedding_dim", "must be in 1..4096");
  require(!hidden.empty(), "hidden", "needs at least one hidden layer size (e.g. 32,32)");
  for (int h : hidden) require(h >= 1 && h <= 4096, "hidden", "sizes must be in 1..4096");
  require(epochs >= 1, "epochs", "must be at least 1");
  require(batch_size >= 1, "batch_size", "must be at least 1");
  require(std::isfinite(tau0) && tau0 > 0, "tau0", "must be a positive number");
  require(std::isfinite(tau0) && tau0 <= 1e6F, "tau0", "must be at most 1e6");
  require(std::isfinite(tau_decay) && tau_decay > 0 && tau_decay <= 1, "tau_decay", "must be in (0, 1]");
  // tau is divided by in the mask: it must stay a normal float through the last epoch.
  const double last_tau = static_cast<double>(tau0) * std::pow(static_cast<double>(tau_decay), epochs - 1);
  require(last_tau >= kMinTau, "tau_decay",
          "makes tau fall to " + fmt(static_cast<float>(last_tau)) + " by epoch " + std::to_string(epochs) +
              " (tau0 * tau_decay^(epochs - 1) must stay >= 1e-30): use a tau_decay closer to 1 or fewer epochs");
  require(std::isfinite(lambda) && lambda <= kMaxLambda, "lambda", "must be a finite number in [0, 1e6] (or 'auto')");
  require(std::isfinite(penalty_warmup) && penalty_warmup >= 0 && penalty_warmup < 1, "penalty_warmup",
          "must be in [0, 1) (a fraction of the epochs)");
  require(std::isfinite(validation_z), "validation_z", "must be a finite number");
  require(fallback_candidates >= 0, "fallback_candidates", "must be >= 0");
  for (const auto* list : {&must_keep, &must_drop})
    for (int j : *list)
      require(j >= 0, list == &must_keep ? "must_keep" : "must_drop",
              "holds column " + std::to_string(j) + ": columns are numbered from 0");
  for (std::size_t j = 0; j < feature_cost.size(); ++j)
    require(std::isfinite(feature_cost[j]) && feature_cost[j] >= 0, "feature_cost",
            "of column " + std::to_string(j) + " is " + fmt(feature_cost[j]) + ": costs must be finite and >= 0");
  require(feature_cost.empty() || penalty == Penalty::kRaw, "feature_cost",
          "applies to the raw penalty only (penalty 'target' counts masks, not costs)");
  for (int j : must_keep)
    require(std::find(must_drop.begin(), must_drop.end(), j) == must_drop.end(), "must_keep",
            "and must_drop both hold column " + std::to_string(j) + ": a column is kept or dropped, not both");
  require(target_features >= 0, "target_features", "must be >= 0");
  require(penalty != Penalty::kTarget || target_features >= 1, "target_features",
          "must be set (>= 1) for penalty 'target'");
  require(support != SupportRule::kTopK || target_features >= 1, "target_features",
          "must be set (>= 1) for support 'top-k'");
  // Adam moves a weight by up to lr per step: above 1 the fit diverges to Inf/NaN.
  require(std::isfinite(lr_mask) && lr_mask >= 0 && lr_mask <= kMaxLearningRate, "lr_mask", "must be in [0, 1]");
  require(std::isfinite(lr_task) && lr_task >= 0 && lr_task <= kMaxLearningRate, "lr_task", "must be in [0, 1]");
  require(adam_beta1 >= 0 && adam_beta1 < 1, "adam_beta1", "must be in [0, 1)");
  require(adam_beta2 >= 0 && adam_beta2 < 1, "adam_beta2", "must be in [0, 1)");
  require(std::isfinite(adam_eps) && adam_eps > 0 && adam_eps <= 1, "adam_eps", "must be in (0, 1]");
  require(std::isfinite(tol) && tol >= 0, "tol", "must be >= 0");
  require(n_iter_no_change >= 0, "n_iter_no_change", "must be >= 0 (0: no convergence stopping)");
  require(std::isfinite(active_eps) && active_eps > 0 && active_eps < 1, "active_eps", "must be in (0, 1)");
  require(std::isfinite(active_delta) && active_delta > 0 && active_delta < 1, "active_delta", "must be in (0, 1)");
  require(active_recheck >= 1, "active_recheck", "must be at least 1 (epochs)");
  require(prescreen >= -1, "prescreen", "must be -1 (auto), 0 (off) or a number of columns");
  require(n_draws >= 0, "n_draws", "must be >= 0 (0: one draw per training batch)");
  require(std::isfinite(penalty_ramp) && penalty_ramp >= 0 && penalty_ramp <= 1, "penalty_ramp", "must be in [0, 1]");
  require(members >= 2 && members <= 1024 && members % 2 == 0, "members",
          "must be an even number in 2..1024 (complementary pairs of halves)");
  require(std::isfinite(stability_threshold) && stability_threshold > 0 && stability_threshold <= 1,
          "stability_threshold", "must be in (0, 1]");
  require(threads >= 0 && threads <= kMaxThreads, "threads",
          "must be in 0.." + std::to_string(kMaxThreads) + " (0: all cores)");
}

std::string to_string(Task t) { return name_of(t, kTasks); }
std::string to_string(Penalty p) { return name_of(p, kPenalties); }
std::string to_string(SupportRule s) { return name_of(s, kSupports); }
std::string to_string(ClassWeights w) { return name_of(w, kWeights); }
std::string to_string(PenaltyScale s) { return name_of(s, kScales); }
std::string to_string(CoxTies t) { return name_of(t, kTies); }

Device Device::parse(const std::string& text) {
  if (text == "auto") return automatic();
  if (text == "cpu") return cpu();
  if (text == "cuda" || text == "gpu") return cuda(0);
  if (text.rfind("cuda:", 0) == 0) {
    int ordinal = -1;
    const char* b = text.data() + 5;
    const auto [ptr, ec] = std::from_chars(b, text.data() + text.size(), ordinal);
    if (ec == std::errc() && ptr == text.data() + text.size() && ordinal >= 0) return cuda(ordinal);
  }
  throw Error(ErrorCode::kInvalidArgument, "device '" + text + "' is not valid (expected auto, cpu, cuda or cuda:N)");
}

std::string Device::str() const {
  switch (kind) {
    case DeviceKind::kCpu:
      return "cpu";
    case DeviceKind::kCuda:
      return "cuda:" + std::to_string(ordinal);
    case DeviceKind::kAuto:
      break;
  }
  return "auto";
}

}  // namespace gfs
