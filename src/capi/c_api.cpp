/// @file c_api.cpp
/// @brief The C API: every entry point runs inside GFS_API_BEGIN/END, so no exception escapes;
///        failures become a status code plus a thread-local message for gfs_last_error().
#include <atomic>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "gfs/gfs.h"
#include "gfs/mpi.hpp"
#include "gfs/selector.hpp"
#include "gfs/version.hpp"

struct gfs_selector {
  gfs::Selector selector;
  std::atomic<int> stop{0};        ///< gfs_request_stop (lock-free: async-signal-safe)
  std::atomic<bool> armed{false};  ///< gfs_set_checkpoint was called: a fit polls `stop`
};

namespace {

thread_local std::string g_last_error;

int fail(int status, const std::string& message) {
  g_last_error = message;
  return status;
}

/// Thrown inside the API for conditions that have their own C status code.
struct ApiError {
  int status;
  std::string message;
};

void require_handle(const void* s) {
  if (s == nullptr) throw ApiError{GFS_ERR_INVALID_ARGUMENT, "the gfs_selector handle is NULL"};
}

const gfs::Result& fitted_result(const gfs_selector* s) {
  require_handle(s);
  if (!s->selector.fitted()) throw ApiError{GFS_ERR_NOT_FITTED, "the selector has not been fitted: call gfs_fit first"};
  return s->selector.result();
}

void require_capacity(int64_t capacity, const char* what) {
  if (capacity < 0)
    throw ApiError{GFS_ERR_INVALID_ARGUMENT,
                   std::string(what) + ": the capacity is negative (" + std::to_string(capacity) + ")"};
}

template <typename Out, typename In>
void copy_out(const In& values, Out* out, int64_t capacity, const char* what) {
  require_capacity(capacity, what);
  if (out == nullptr && !values.empty()) throw ApiError{GFS_ERR_INVALID_ARGUMENT, std::string(what) + ": out is NULL"};
  if (capacity < static_cast<int64_t>(values.size()))
    throw ApiError{GFS_ERR_BUFFER_TOO_SMALL, std::string(what) + ": the buffer holds " + std::to_string(capacity) +
                                                 " values, " + std::to_string(values.size()) + " are needed"};
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = static_cast<Out>(values[i]);
}

void copy_string(const std::string& s, char* buf, int64_t size) {
  if (size < 0) throw ApiError{GFS_ERR_INVALID_ARGUMENT, "the buffer size is negative (" + std::to_string(size) + ")"};
  if (buf == nullptr || size <= static_cast<int64_t>(s.size()))
    throw ApiError{GFS_ERR_BUFFER_TOO_SMALL, "the buffer needs " + std::to_string(s.size() + 1) + " bytes"};
  std::memcpy(buf, s.c_str(), s.size() + 1);
}

/// Discards, when a fit returns, a stop request that the fit did not act on (it came after the
/// last epoch): a request never carries over into a later fit.
struct StopScope {
  explicit StopScope(gfs_selector* h) : s(h) {}
  ~StopScope() { s->stop.store(0); }
  StopScope(const StopScope&) = delete;
  StopScope& operator=(const StopScope&) = delete;
  gfs_selector* s;
};

}  // namespace

#define GFS_API_BEGIN   \
  g_last_error.clear(); \
  try {
#define GFS_API_END                                                            \
  }                                                                            \
  catch (const ApiError& e) {                                                  \
    return fail(e.status, e.message);                                          \
  }                                                                            \
  catch (const gfs::Error& e) {                                                \
    return fail(static_cast<int>(e.code()), e.what());                         \
  }                                                                            \
  catch (const std::bad_alloc&) {                                              \
    return fail(GFS_ERR_INVALID_DATA, "out of memory");                        \
  }                                                                            \
  catch (const std::exception& e) {                                            \
    return fail(GFS_ERR_INTERNAL, std::string("internal error: ") + e.what()); \
  }                                                                            \
  catch (...) {                                                                \
    return fail(GFS_ERR_INTERNAL, "internal error: unknown exception");        \
  }                                                                            \
  return GFS_OK;

namespace {

/// *out = value, after checking out.
template <typename T, typename V>
void put(T* out, V value, const char* what) {
  if (out == nullptr) throw gfs::Error(gfs::ErrorCode::kInvalidArgument, std::string(what) + ": out is NULL");
  *out = static_cast<T>(value);
}

/// Setting `key` of `config` as text into buf (gfs_get, gfs_get_fit_setting).
void copy_setting(const gfs::Config& config, const char* key, char* buf, int64_t buf_size, const char* what) {
  if (key == nullptr) throw ApiError{GFS_ERR_INVALID_ARGUMENT, std::string(what) + ": key is NULL"};
  for (const auto& [k, v] : config.items())
    if (k == key) {
      copy_string(v, buf, buf_size);
      return;
    }
  throw ApiError{GFS_ERR_INVALID_ARGUMENT, std::string("unknown setting '") + key + "'"};
}

}  // namespace

extern "C" {

const char* gfs_version(void) { return GFS_VERSION_STRING; }
const char* gfs_last_error(void) { return g_last_error.c_str(); }

int gfs_create(gfs_selector** out) {
  GFS_API_BEGIN
  if (out == nullptr) throw ApiError{GFS_ERR_INVALID_ARGUMENT, "gfs_create: out is NULL"};
  *out = new gfs_selector{gfs::Selector{}};
  GFS_API_END
}

void gfs_destroy(gfs_selector* s) { delete s; }

int gfs_set(gfs_selector* s, const char* key, const char* value) {
  GFS_API_BEGIN
  require_handle(s);
  if (key == nullptr || value == nullptr) throw ApiError{GFS_ERR_INVALID_ARGUMENT, "gfs_set: key or value is NULL"};
  s->selector.config().set(key, value);
  GFS_API_END
}

int gfs_get(const gfs_selector* s, const char* key, char* buf, int64_t buf_size) {
  GFS_API_BEGIN
  require_handle(s);
  copy_setting(s->selector.config(), key, buf, buf_size, "gfs_get");
  GFS_API_END
}

int gfs_fit(gfs_selector* s, const float* x, int64_t n_rows, int64_t n_features, const float* y, int32_t n_targets) {
  GFS_API_BEGIN
  require_handle(s);
  const StopScope stop(s);
  s->selector.fit(x, n_rows, n_features, y, n_targets);
  GFS_API_END
}

int gfs_fit_in_place(gfs_selector* s, float* x, int64_t n_rows, int64_t n_features, const float* y,
                     int32_t n_targets) {
  GFS_API_BEGIN
  require_handle(s);
  const StopScope stop(s);
  s->selector.fit_in_place(x, n_rows, n_features, y, n_targets);
  GFS_API_END
}

namespace {
/// The communicator for one call: later fits of the handle run in one process.
struct CommScope {
  CommScope(gfs::Selector& s, int64_t comm) : sel(s) { sel.set_communicator(comm); }
  ~CommScope() { sel.set_feature_parallel(false); }
  CommScope(const CommScope&) = delete;
  CommScope& operator=(const CommScope&) = delete;
  gfs::Selector& sel;
};
}  // namespace

int gfs_fit_comm(gfs_selector* s, int64_t comm_fortran, const float* x, int64_t n_rows, int64_t n_features,
                 const float* y, int32_t n_targets) {
  GFS_API_BEGIN
  require_handle(s);
  const StopScope stop(s);
  const CommScope scope(s->selector, comm_fortran);
  s->selector.fit(x, n_rows, n_features, y, n_targets);
  GFS_API_END
}

int gfs_fit_columns_comm(gfs_selector* s, int64_t comm_fortran, const float* x, int64_t n_rows, int64_t first,
                         int64_t count, int64_t n_features, const float* y, int32_t n_targets) {
  GFS_API_BEGIN
  require_handle(s);
  const StopScope stop(s);
  const CommScope scope(s->selector, comm_fortran);
  s->selector.fit_columns(x, n_rows, gfs::Columns{first, count}, n_features, y, n_targets);
  GFS_API_END
}

int gfs_columns_of(int64_t n_features, int32_t rank, int32_t size, int64_t* first, int64_t* count) {
  GFS_API_BEGIN
  if (first == nullptr || count == nullptr)
    throw ApiError{GFS_ERR_INVALID_ARGUMENT, "gfs_columns_of: first or count is NULL"};
  const gfs::Columns c = gfs::mpi::columns_of(n_features, rank, size);
  *first = c.first;
  *count = c.count;
  GFS_API_END
}

int gfs_set_checkpoint(gfs_selector* s, const char* path, int32_t every, const char* resume) {
  GFS_API_BEGIN
  require_handle(s);
  gfs::CheckpointOptions o;
  o.path = path != nullptr ? path : "";
  o.every = every;
  o.resume = resume != nullptr ? resume : "";
  std::atomic<int>* stop = &s->stop;
  o.stop_requested = [stop] { return stop->exchange(0) != 0; };  // one request stops one fit
  s->selector.set_checkpoint(std::move(o));
  s->armed.store(true);
  GFS_API_END
}

void gfs_request_stop(gfs_selector* s) {
  // Without gfs_set_checkpoint no fit polls the flag: a request kept now would stop a later fit.
  if (s != nullptr && s->armed.load()) s->stop.store(1);
}

int gfs_n_features(const gfs_selector* s, int64_t* out) {
  GFS_API_BEGIN
  if (out == nullptr) throw ApiError{GFS_ERR_INVALID_ARGUMENT, "out is NULL"};
  *out = fitted_result(s).n_features;
  GFS_API_END
}

int gfs_n_selected(const gfs_selector* s, int64_t* out) {
  GFS_API_BEGIN
  if (out == nullptr) throw ApiError{GFS_ERR_INVALID_ARGUMENT, "out is NULL"};
  *out = static_cast<int64_t>(fitted_result(s).selected.size());
  GFS_API_END
}

int gfs_get_selected(const gfs_selector* s, int64_t* out, int64_t capacity) {
  GFS_API_BEGIN
  copy_out(fitted_result(s).selected, out, capacity, "gfs_get_selected");
  GFS_API_END
}

int gfs_n_candidates(const gfs_selector* s, int64_t* out) {
  GFS_API_BEGIN
  if (out == nullptr) throw ApiError{GFS_ERR_INVALID_ARGUMENT, "out is NULL"};
  *out = static_cast<int64_t>(fitted_result(s).candidates.size());
  GFS_API_END
}

int gfs_get_candidates(const gfs_selector* s, int64_t* out, int64_t capacity) {
  GFS_API_BEGIN
  copy_out(fitted_result(s).candidates, out, capacity, "gfs_get_candidates");
  GFS_API_END
}

int gfs_n_interactions(const gfs_selector* s, int64_t* out) {
  GFS_API_BEGIN
  if (out == nullptr) throw ApiError{GFS_ERR_INVALID_ARGUMENT, "out is NULL"};
  *out = static_cast<int64_t>(fitted_result(s).pair_screen.pairs.size());
  GFS_API_END
}

int gfs_get_interactions(const gfs_selector* s, int64_t* pairs, double* z, int64_t capacity) {
  GFS_API_BEGIN
  const std::vector<gfs::Interaction>& found = fitted_result(s).pair_screen.pairs;
  std::vector<int64_t> columns;
  std::vector<double> zs;
  for (const gfs::Interaction& p : found) {
    columns.push_back(p.a);
    columns.push_back(p.b);
    zs.push_back(p.z);
  }
  copy_out(zs, z, capacity, "gfs_get_interactions (z)");
  const int64_t pair_capacity = capacity > INT64_MAX / 2 ? INT64_MAX : 2 * capacity;  // two columns per pair
  copy_out(columns, pairs, pair_capacity, "gfs_get_interactions (pairs)");
  GFS_API_END
}

int gfs_n_screened(const gfs_selector* s, int64_t* out) {
  GFS_API_BEGIN
  if (out == nullptr) throw ApiError{GFS_ERR_INVALID_ARGUMENT, "out is NULL"};
  *out = static_cast<int64_t>(fitted_result(s).column_screen.columns.size());
  GFS_API_END
}

int gfs_get_screened(const gfs_selector* s, int64_t* columns, int32_t* term, double* z, double* p, int64_t capacity) {
  GFS_API_BEGIN
  std::vector<int64_t> ids;
  std::vector<int32_t> terms;
  std::vector<double> zs, ps;
  for (const gfs::ScreenedColumn& c : fitted_result(s).column_screen.columns) {
    ids.push_back(c.column);
    terms.push_back(static_cast<int32_t>(c.term));
    zs.push_back(c.z);
    ps.push_back(c.p);
  }
  copy_out(ids, columns, capacity, "gfs_get_screened (columns)");
  copy_out(terms, term, capacity, "gfs_get_screened (term)");
  copy_out(zs, z, capacity, "gfs_get_screened (z)");
  copy_out(ps, p, capacity, "gfs_get_screened (p)");
  GFS_API_END
}

int gfs_get_scores(const gfs_selector* s, int32_t* out, int64_t capacity) {
  GFS_API_BEGIN
  copy_out(fitted_result(s).scores, out, capacity, "gfs_get_scores");
  GFS_API_END
}

int gfs_get_logits(const gfs_selector* s, float* out, int64_t capacity) {
  GFS_API_BEGIN
  copy_out(fitted_result(s).logits, out, capacity, "gfs_get_logits");
  GFS_API_END
}

int gfs_get_probabilities(const gfs_selector* s, float* out, int64_t capacity) {
  GFS_API_BEGIN
  copy_out(fitted_result(s).probabilities, out, capacity, "gfs_get_probabilities");
  GFS_API_END
}

int gfs_get_frequencies(const gfs_selector* s, float* out, int64_t capacity) {
  GFS_API_BEGIN
  const gfs::Result& r = fitted_result(s);
  const std::vector<float> none(r.frequencies.empty() ? static_cast<std::size_t>(r.n_features) : 0, 0.0F);
  copy_out(r.frequencies.empty() ? none : r.frequencies, out, capacity, "gfs_get_frequencies");
  GFS_API_END
}

int gfs_get_expected_false_selections(const gfs_selector* s, double* out) {
  GFS_API_BEGIN
  put(out, fitted_result(s).expected_false_selections, "gfs_get_expected_false_selections");
  GFS_API_END
}

int gfs_get_missing_fraction(const gfs_selector* s, float* out, int64_t capacity) {
  GFS_API_BEGIN
  copy_out(fitted_result(s).missing_fraction, out, capacity, "gfs_get_missing_fraction");
  GFS_API_END
}

int gfs_get_ranking(const gfs_selector* s, int64_t* out, int64_t capacity) {
  GFS_API_BEGIN
  copy_out(fitted_result(s).ranking, out, capacity, "gfs_get_ranking");
  GFS_API_END
}

int gfs_get_device(const gfs_selector* s, char* buf, int64_t buf_size) {
  GFS_API_BEGIN
  copy_string(fitted_result(s).device, buf, buf_size);
  GFS_API_END
}

int gfs_get_n_outputs(const gfs_selector* s, int64_t* out) {
  GFS_API_BEGIN
  put(out, fitted_result(s).n_outputs, "gfs_get_n_outputs");
  GFS_API_END
}

int gfs_get_stopped_epoch(const gfs_selector* s, int64_t* out) {
  GFS_API_BEGIN
  put(out, fitted_result(s).stopped_epoch, "gfs_get_stopped_epoch");
  GFS_API_END
}

int gfs_get_stop_reason(const gfs_selector* s, char* buf, int64_t buf_size) {
  GFS_API_BEGIN
  copy_string(fitted_result(s).stop_reason, buf, buf_size);
  GFS_API_END
}

int gfs_get_fit_seconds(const gfs_selector* s, double* out) {
  GFS_API_BEGIN
  put(out, fitted_result(s).fit_seconds, "gfs_get_fit_seconds");
  GFS_API_END
}

int gfs_get_mean_member_selected(const gfs_selector* s, double* out) {
  GFS_API_BEGIN
  put(out, fitted_result(s).mean_member_selected, "gfs_get_mean_member_selected");
  GFS_API_END
}

int gfs_get_probability_history(const gfs_selector* s, float* out, int64_t capacity) {
  GFS_API_BEGIN
  copy_out(fitted_result(s).probability_history, out, capacity, "gfs_get_probability_history");
  GFS_API_END
}

int gfs_get_feature_mean(const gfs_selector* s, float* out, int64_t capacity) {
  GFS_API_BEGIN
  copy_out(fitted_result(s).feature_mean, out, capacity, "gfs_get_feature_mean");
  GFS_API_END
}

int gfs_get_feature_std(const gfs_selector* s, float* out, int64_t capacity) {
  GFS_API_BEGIN
  copy_out(fitted_result(s).feature_std, out, capacity, "gfs_get_feature_std");
  GFS_API_END
}

int gfs_get_device_note(const gfs_selector* s, char* buf, int64_t buf_size) {
  GFS_API_BEGIN
  copy_string(fitted_result(s).device_note, buf, buf_size);
  GFS_API_END
}

int gfs_get_prescreen_columns(const gfs_selector* s, int64_t* out) {
  GFS_API_BEGIN
  put(out, fitted_result(s).prescreen_columns, "gfs_get_prescreen_columns");
  GFS_API_END
}

int gfs_get_ranks(const gfs_selector* s, int64_t* out) {
  GFS_API_BEGIN
  put(out, fitted_result(s).ranks, "gfs_get_ranks");
  GFS_API_END
}

int gfs_get_rank_columns(const gfs_selector* s, int64_t* out, int64_t capacity) {
  GFS_API_BEGIN
  std::vector<int64_t> flat;
  for (const auto& [first, count] : fitted_result(s).rank_columns) {
    flat.push_back(first);
    flat.push_back(count);
  }
  copy_out(flat, out, capacity, "gfs_get_rank_columns");
  GFS_API_END
}

int gfs_get_fit_setting(const gfs_selector* s, const char* key, char* buf, int64_t buf_size) {
  GFS_API_BEGIN
  copy_setting(fitted_result(s).config, key, buf, buf_size, "gfs_get_fit_setting");
  GFS_API_END
}

int gfs_n_epochs(const gfs_selector* s, int64_t* out) {
  GFS_API_BEGIN
  put(out, fitted_result(s).history.size(), "gfs_n_epochs");
  GFS_API_END
}

int gfs_get_history(const gfs_selector* s, const char* field, double* out, int64_t capacity) {
  GFS_API_BEGIN
  const std::vector<gfs::EpochRecord>& history = fitted_result(s).history;
  const std::string name = field != nullptr ? field : "";
  std::vector<double> values;
  std::string known;
  bool found = false;
#define GFS_C_FIELD(member)                                                         \
  known += std::string(known.empty() ? "" : ", ") + #member;                       \
  if (name == #member) {                                                            \
    found = true;                                                                   \
    for (const gfs::EpochRecord& r : history) values.push_back(static_cast<double>(r.member)); \
  }
  GFS_EPOCH_RECORD_FIELDS(GFS_C_FIELD)
#undef GFS_C_FIELD
  if (!found)
    throw gfs::Error(gfs::ErrorCode::kInvalidArgument, "gfs_get_history: field '" + name + "' is not one of " + known);
  copy_out(values, out, capacity, "gfs_get_history");
  GFS_API_END
}

int gfs_transform(const gfs_selector* s, const float* x, int64_t n_rows, int64_t n_features, float* out,
                  int64_t capacity) {
  GFS_API_BEGIN
  fitted_result(s);  // GFS_ERR_NOT_FITTED before a (successful) fit
  const std::vector<float> reduced = s->selector.transform(x, n_rows, n_features);
  copy_out(reduced, out, capacity, "gfs_transform");
  GFS_API_END
}

}  // extern "C"
