/// @file gfs_core.cpp
/// @brief gfs._core: the nanobind module over the C++ API. Settings arrive as (key, value) text and
///        reach gfs::Config::set, so a new setting needs no change here; a fit returns plain arrays
///        (numpy) that the Python selector keeps, so no C++ object outlives fit().
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gfs/gfs.hpp"

namespace nb = nanobind;

namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;
/// X as the library reads it: [n_rows, n_features] row-major float32 in host memory. The Python side
/// converts only when the caller's array does not already have this layout.
using Matrix = nb::ndarray<const float, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
/// y: [n_rows] labels or [n_rows, n_targets] row-major targets.
using Targets = nb::ndarray<const float, nb::c_contig, nb::device::cpu>;

gfs::Config make_config(const Settings& settings) {
  gfs::Config config;
  for (const auto& [key, value] : settings) config.set(key, value);
  return config;
}

/// A numpy array that owns `values` (moved to the heap, freed with the array).
template <typename T>
nb::object to_numpy(std::vector<T>&& values, std::vector<std::size_t> shape) {
  auto* owned = new std::vector<T>(std::move(values));
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
  nb::ndarray<nb::numpy, T> array(owned->data(), shape.size(), shape.data(), owner);
  return nb::cast(array, nb::rv_policy::reference);
}

template <typename T>
nb::object to_numpy(const std::vector<T>& values) {
  return to_numpy(std::vector<T>(values), {values.size()});
}

/// The history as one numpy column per EpochRecord field (GFS_EPOCH_RECORD_FIELDS: int32 or
/// float32, as the field is).
nb::dict history_columns(const std::vector<gfs::EpochRecord>& history) {
  nb::dict out;
#define GFS_PY_COLUMN(name)                                         \
  {                                                                 \
    std::vector<decltype(gfs::EpochRecord::name)> column;           \
    column.reserve(history.size());                                 \
    for (const gfs::EpochRecord& r : history) column.push_back(r.name); \
    out[#name] = to_numpy(std::move(column), {history.size()});     \
  }
  GFS_EPOCH_RECORD_FIELDS(GFS_PY_COLUMN)
#undef GFS_PY_COLUMN
  return out;
}

/// The names of the history's fields, in order.
nb::tuple history_fields() {
  nb::list names;
#define GFS_PY_NAME(name) names.append(#name);
  GFS_EPOCH_RECORD_FIELDS(GFS_PY_NAME)
#undef GFS_PY_NAME
  return nb::tuple(names);
}

nb::dict result_to_dict(gfs::Result&& r) {
  nb::dict out;
  const auto d = static_cast<std::size_t>(r.n_features);
  out["n_features"] = r.n_features;
  out["n_outputs"] = r.n_outputs;
  out["logits"] = to_numpy(r.logits);
  out["probabilities"] = to_numpy(r.probabilities);
  out["scores"] = to_numpy(r.scores);
  out["selected"] = to_numpy(r.selected);
  out["candidates"] = to_numpy(r.candidates);
  nb::list interactions;
  for (const gfs::Interaction& p : r.pair_screen.pairs) interactions.append(nb::make_tuple(p.a, p.b, p.z));
  out["interactions"] = interactions;
  nb::list screened;
  for (const gfs::ScreenedColumn& c : r.column_screen.columns)
    screened.append(nb::make_tuple(c.column, gfs::screen_term_name(c.term), c.z, c.p));
  out["screened"] = screened;
  out["frequencies"] = to_numpy(r.frequencies);
  out["mean_member_selected"] = r.mean_member_selected;
  out["expected_false_selections"] = r.expected_false_selections;
  out["ranking"] = to_numpy(r.ranking);
  out["history"] = history_columns(r.history);
  const std::size_t recorded = d > 0 ? r.probability_history.size() / d : 0;
  out["probability_history"] = to_numpy(std::move(r.probability_history), {recorded, d});
  out["feature_mean"] = to_numpy(r.feature_mean);
  out["feature_std"] = to_numpy(r.feature_std);
  out["missing_fraction"] = to_numpy(r.missing_fraction);
  out["device"] = r.device;
  out["device_note"] = r.device_note;
  out["fit_seconds"] = r.fit_seconds;
  out["stopped_epoch"] = r.stopped_epoch;
  out["stop_reason"] = r.stop_reason;
  out["prescreen_columns"] = r.prescreen_columns;
  out["ranks"] = r.ranks;
  std::vector<std::int64_t> split;
  for (const auto& [first, count] : r.rank_columns) {
    split.push_back(first);
    split.push_back(count);
  }
  out["rank_columns"] = to_numpy(std::move(split), {r.rank_columns.size(), 2});
  out["config"] = r.config.items();
  return out;
}

/// Trains with the GIL released. After each epoch the progress callback takes the GIL back, lets
/// X that the Python side made itself (a converted copy nobody else holds): the fit standardises it in
/// place (gfs::Selector::fit_in_place) instead of in a second copy.
using OwnMatrix = nb::ndarray<float, nb::ndim<2>, nb::c_contig, nb::device::cpu>;

/// Python handle pending signals (Ctrl-C) and calls `progress(record, total_epochs)`; an exception
/// from either, or a `False` from `progress`, stops training and the exception is raised here.
/// `own`: x's buffer, writable, when the fit may standardise it in place (else null).
nb::dict fit_on(const Settings& settings, const float* x_data, float* own, std::int64_t n_rows,
                std::int64_t n_features, const Targets& y, int n_targets, nb::object progress) {
  gfs::Selector selector(make_config(settings));
  if (static_cast<std::int64_t>(y.size()) != n_rows * n_targets)
    throw gfs::Error(gfs::ErrorCode::kInvalidData, "y has " + std::to_string(y.size()) + " values, expected " +
                                                       std::to_string(n_rows) + " rows x " +
                                                       std::to_string(n_targets) + " targets");

  std::unique_ptr<nb::python_error> pending;  // the exception that stopped training, if any
  selector.set_progress([&](const gfs::EpochRecord& r, int total) -> bool {
    nb::gil_scoped_acquire gil;
    try {
      if (PyErr_CheckSignals() != 0) throw nb::python_error();
      if (progress.is_none()) return true;
      nb::dict record;
      record["epoch"] = r.epoch;
      record["tau"] = r.tau;
      record["loss"] = r.loss;
      record["task_loss"] = r.task_loss;
      record["select_loss"] = r.select_loss;
      record["mean_mask"] = r.mean_mask;
      record["n_active"] = r.n_active;
      const nb::object keep_going = progress(record, total);
      return keep_going.is_none() || nb::cast<bool>(keep_going);
    } catch (nb::python_error& e) {
      pending = std::make_unique<nb::python_error>(std::move(e));
    } catch (const std::exception& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
      pending = std::make_unique<nb::python_error>();
    }
    return false;
  });

  {
    nb::gil_scoped_release no_gil;
    if (own != nullptr)
      selector.fit_in_place(own, n_rows, n_features, y.data(), n_targets);
    else
      selector.fit(x_data, n_rows, n_features, y.data(), n_targets);
  }
  if (pending) throw std::move(*pending);
  // A Ctrl-C during the work after the last epoch (scores, the held-out test) is raised here too,
  // so an interrupted fit never returns a result.
  if (PyErr_CheckSignals() != 0) throw nb::python_error();
  gfs::Result result = selector.result();
  return result_to_dict(std::move(result));
}

nb::dict fit(const Settings& settings, const Matrix& x, const Targets& y, int n_targets, nb::object progress) {
  return fit_on(settings, x.data(), nullptr, static_cast<std::int64_t>(x.shape(0)),
                static_cast<std::int64_t>(x.shape(1)), y, n_targets, std::move(progress));
}

nb::dict fit_in_place(const Settings& settings, const OwnMatrix& x, const Targets& y, int n_targets,
                      nb::object progress) {
  return fit_on(settings, x.data(), x.data(), static_cast<std::int64_t>(x.shape(0)),
                static_cast<std::int64_t>(x.shape(1)), y, n_targets, std::move(progress));
}

}  // namespace

NB_MODULE(_core, m) {
  m.doc() = "libgfs's C++ API for the gfs package (use gfs.GFSSelector)";

  // gfs::Error -> ValueError for a bad setting or bad data, RuntimeError otherwise; the message is
  // the library's.
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const gfs::Error& e) {
      const bool bad_input =
          e.code() == gfs::ErrorCode::kInvalidArgument || e.code() == gfs::ErrorCode::kInvalidData;
      PyErr_SetString(bad_input ? PyExc_ValueError : PyExc_RuntimeError, e.what());
    }
  });

  m.attr("max_threads") = gfs::kMaxThreads;  // Config::threads' bound (n_jobs follows it)
  m.def("version", [] { return std::string(gfs::version()); }, "libgfs's version, as gfs_version()");
  m.def("history_fields", &history_fields, "the fields of a history record (gfs::EpochRecord), in order");
  m.def(
      "result_fields",
      [] {
        nb::list out;
        for (const gfs::ResultField& f : gfs::result_fields()) out.append(nb::make_tuple(f.field, f.json, f.c_api, f.python));
        return out;
      },
      "every exported field of gfs::Result: (member, result.json key, C getter, GFSSelector attribute)");
  m.def("built_with_cuda", &gfs::built_with_cuda, "True when libgfs was compiled with the CUDA backend");
  m.def("cuda_device_count", &gfs::cuda_device_count, "usable CUDA devices at run time");
  m.def(
      "config_items", [](const Settings& settings) { return make_config(settings).items(); },
      nb::arg("settings") = Settings{},
      "Config() with `settings` applied through Config::set, as (key, value) text (Config::items)");
  m.def(
      "validate", [](const Settings& settings) { make_config(settings).validate(); }, nb::arg("settings"),
      "raise ValueError naming the first setting that Config::validate rejects");
  m.def("reference_items", [] { return gfs::Config::reference().items(); },
        "the settings of gfs-network 0.3.1 (Config::reference), as (key, value) text");
  m.def("fit", &fit, nb::arg("settings"), nb::arg("x"), nb::arg("y"), nb::arg("n_targets"),
        nb::arg("progress").none(),
        "Fit on x [n, d] (C-contiguous float32) and y (labels 0..C-1, or [n, n_targets] targets); "
        "returns the result's arrays");
  m.def("fit_in_place", &fit_in_place, nb::arg("settings"), nb::arg("x"), nb::arg("y"), nb::arg("n_targets"),
        nb::arg("progress").none(),
        "fit() on an x the caller owns and no longer needs: it is standardised in place (no second copy)");
}
