/// @file select.cpp
/// @brief `gfs select`: read a data set, fit GFSNetwork, write result.json (atomically).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <utility>

#include "cli/commands.hpp"
#include "cli/input.hpp"
#include "cli/progress.hpp"
#include "cli/requeue.hpp"
#include "cli/result_json.hpp"
#include "gfs/error.hpp"
#include "gfs/mpi.hpp"
#include "gfs/selector.hpp"
#include "io/atomic_file.hpp"

namespace gfs::cli {

void add_select(CLI::App& app, SelectArgs& a) {
  add_input_options(app, a.in);
  app.add_option("-o,--output", a.output, "Where to write result.json")->required();
  app.add_option("--task", a.task,
                 "classification (default), regression, or survival (targets: a time and an event flag; Cox loss)")
      ->check(CLI::IsMember({"classification", "regression", "survival"}));
  app.add_option("--device", a.device, "auto (default: CUDA when present), cpu, cuda or cuda:N");
  app.add_option("--epochs", a.epochs, "Training epochs");
  app.add_option("--batch-size", a.batch_size, "Rows per step");
  app.add_option("--lambda", a.lambda, "Weight of the selection penalty (a number >= 0, or auto)");
  app.add_option("--target-features", a.target_features,
                 "Aim for K features: switches the penalty to (mean mask - K/D)^2, and is the K of --support top-k");
  app.add_option("--support", a.support,
                 "Which features form the result: validated (default: the majority features that pass a held-out "
                 "test), stability (kept by enough of the members trained on halves of the rows), majority "
                 "(w_j > 0), any (s_j > 0), top-k")
      ->check(CLI::IsMember({"validated", "stability", "majority", "any", "top-k"}));
  app.add_option("--seed", a.seed, "Random seed, 0..2^64-1 (same seed, same data, same device: same result)");
  app.add_option("--threads", a.threads,
                 "CPU threads, 0..1024 (0 = all cores; in Slurm jobs use $SLURM_CPUS_PER_TASK)");
  app.add_option("--max-memory", a.max_memory,
                 "Refuse a fit whose estimated memory exceeds this (e.g. 8G, 512M; default: the memory available)");
  app.add_flag("--reference", a.reference,
               "Start from the gfs-network 0.3.1 settings (batch 1, no shuffling, frozen embedding, support 'any')");
  app.add_option("--set", a.settings,
                 "Any setting as key=value (e.g. hidden=64,32, lr_mask=0.01, n_draws=500); repeatable")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--must-keep", a.must_keep,
                 "Feature columns every model holds and the result keeps: names (the header's) or column numbers "
                 "(0-based, among the features), comma-separated or repeated")
      ->delimiter(',');
  app.add_option("--must-drop", a.must_drop,
                 "Feature columns never trained nor selected: names or column numbers, comma-separated or repeated")
      ->delimiter(',');
  app.add_option("--feature-cost", a.feature_cost,
                 "The selection penalty's cost per column, from FILE: a line 'column,cost' per costed column (a "
                 "name or column number; '#' starts a comment); unlisted columns cost 1")
      ->check(CLI::ExistingFile);
  app.add_flag("-q,--quiet", a.quiet, "No progress and no summary");
  app.add_option("--checkpoint", a.checkpoint,
                 "Write the training state to FILE (atomically) every --checkpoint-every epochs and on SIGTERM or "
                 "SIGUSR1, which end the fit after the current epoch with exit status 75 (requeue and --resume)");
  app.add_option("--checkpoint-every", a.checkpoint_every, "Epochs between checkpoints (0, default: only on a signal)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--resume", a.resume,
                 "Continue the fit saved in FILE (same data, same settings); the result equals an uninterrupted fit's");
}

namespace {

/// A command-line value as a message shows it: at most 40 characters.
std::string shortened(const std::string& text) { return text.size() <= 40 ? text : text.substr(0, 40) + "..."; }

/// The Config the command line describes: preset, then --set pairs, then the named options.
Config build_config(const SelectArgs& a) {
  Config c = a.reference ? Config::reference() : Config{};
  bool penalty_set = false;
  for (const std::string& kv : a.settings) {
    const std::size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  "--set '" + shortened(kv) + "': expected key=value, e.g. --set lambda=0.5");
    }
    const std::string key = kv.substr(0, eq);
    try {
      c.set(key, kv.substr(eq + 1));
    } catch (const Error& e) {
      throw Error(e.code(), "--set " + shortened(kv) + ": " + e.what());
    }
    penalty_set = penalty_set || key == "penalty";
  }
  if (!a.task.empty()) c.set("task", a.task);
  if (!a.device.empty()) apply_option(c, "--device", "device", a.device, 0);
  if (!a.support.empty()) c.set("support", a.support);
  constexpr long long kAny = std::numeric_limits<long long>::min();
  if (!a.epochs.empty()) apply_option(c, "--epochs", "epochs", a.epochs, 1);
  if (!a.batch_size.empty()) apply_option(c, "--batch-size", "batch_size", a.batch_size, 1);
  if (!a.lambda.empty()) apply_option(c, "--lambda", "lambda", a.lambda, kAny);
  if (!a.target_features.empty()) {
    apply_option(c, "--target-features", "target_features", a.target_features, 1);
    if (!penalty_set) c.penalty = Penalty::kTarget;
  }
  if (!a.seed.empty()) apply_option(c, "--seed", "seed", a.seed, kAny);
  if (!a.threads.empty()) apply_option(c, "--threads", "threads", a.threads, 0);
  if (!a.max_memory.empty()) apply_option(c, "--max-memory", "max_memory", a.max_memory, kAny);
  c.validate();
  return c;
}

/// --must-keep / --must-drop entries as feature column numbers: a name of the header's feature
/// columns (a name wins over a number that reads the same), else a column number.
std::vector<int> feature_columns(const std::string& option, const std::vector<std::string>& entries,
                                 const io::Dataset& d) {
  std::vector<int> out;
  const std::int64_t n = d.features();
  for (const std::string& e : entries) {
    const auto named = std::find(d.feature_names.begin(), d.feature_names.end(), e);
    if (named != d.feature_names.end()) {
      out.push_back(static_cast<int>(named - d.feature_names.begin()));
      continue;
    }
    long long j = -1;
    const auto [ptr, ec] = std::from_chars(e.data(), e.data() + e.size(), j);
    if (ec != std::errc() || ptr != e.data() + e.size() || e.empty() || j < 0 || j >= n)
      throw Error(ErrorCode::kInvalidArgument,
                  option + " '" + shortened(e) + "': " +
                      (d.feature_names.empty() ? std::string("this input has no column names")
                                               : std::string("no feature column has this name")) +
                      ", and it is not a feature column number (0.." + std::to_string(n - 1) + ")");
    out.push_back(static_cast<int>(j));
  }
  return out;
}

/// --feature-cost FILE: one cost per feature column, 1 unless a line "column,cost" names it.
std::vector<float> feature_costs(const std::string& path, const io::Dataset& d) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kIo, "--feature-cost " + path + ": cannot be read");
  std::vector<float> cost(static_cast<std::size_t>(d.features()), 1.0F);
  std::vector<int> listed_on(cost.size(), 0);  // the line that gave a column its cost (0: none)
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::size_t comma = line.rfind(',');
    const std::string where = "--feature-cost " + path + " line " + std::to_string(number);
    if (comma == std::string::npos)
      throw Error(ErrorCode::kInvalidArgument, where + ": expected 'column,cost', got '" + shortened(line) + "'");
    const auto trimmed = [](std::string t) {
      t.erase(0, t.find_first_not_of(" \t"));
      t.erase(t.find_last_not_of(" \t") + 1);
      return t;
    };
    const std::string value = trimmed(line.substr(comma + 1));
    float c = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), c);
    if (ec != std::errc() || ptr != value.data() + value.size() || value.empty())
      throw Error(ErrorCode::kInvalidArgument, where + ": the cost '" + shortened(value) + "' is not a number");
    const int j = feature_columns(where, {trimmed(line.substr(0, comma))}, d).front();
    int& first = listed_on[static_cast<std::size_t>(j)];
    if (first != 0)
      throw Error(ErrorCode::kInvalidArgument,
                  where + ": column " + std::to_string(j) + " already has a cost (line " + std::to_string(first) + ")");
    first = number;
    cost[static_cast<std::size_t>(j)] = c;
  }
  return cost;
}

/// The summary goes to stdout, or to stderr when stdout carries result.json itself (-o -).
void print_summary(const Result& r, const io::Dataset& d, const std::string& output) {
  // "auto" fell back to the CPU (or chose for another reason): say so in the job's log too.
  if (!r.device_note.empty()) std::fprintf(stderr, "gfs select: %s\n", r.device_note.c_str());
  std::FILE* out = output == "-" ? stderr : stdout;
  std::fprintf(out, "selected %zu of %d features (%s", r.selected.size(), r.n_features,
               to_string(r.config.support).c_str());
  if (r.config.support == SupportRule::kValidated) std::fprintf(out, ": %zu candidates tested", r.candidates.size());
  std::fprintf(out, ", %.2f s on %s)", r.fit_seconds, r.device.c_str());
  constexpr std::size_t kShow = 20;
  for (std::size_t i = 0; i < r.selected.size() && i < kShow; ++i) {
    const int s = r.selected[i];
    std::fprintf(
        out, "%s%s", i == 0 ? ": " : ", ",
        d.feature_names.empty() ? std::to_string(s).c_str() : d.feature_names[static_cast<std::size_t>(s)].c_str());
  }
  if (r.selected.size() > kShow) std::fprintf(out, ", ...");
  std::fprintf(out, "\nwrote %s\n", output == "-" ? "result.json to stdout" : output.c_str());
}

}  // namespace

int run_select(const SelectArgs& a, const mpi::Session* ranks) {
  const Config cfg = build_config(a);
  check_device(cfg.device);
  const io::Format f = a.in.format == "auto" ? io::format_from_extension(a.in.input) : io::parse_format(a.in.format);
  if (a.in.targets.empty() && a.in.labels.empty() && f != io::Format::kLibsvm && f != io::Format::kAuto) {
    throw Error(ErrorCode::kInvalidArgument,
                "no targets: give --target NAME|INDEX (a column of the input) or --labels PATH");
  }
  // Under mpirun every rank reads only its block of the columns (and the targets), trains it, and
  // rank 0 writes. The output fails now, not after the fit, when it cannot be written or is one of
  // the inputs.
  const bool writer = !ranks || ranks->rank() == 0;
  std::optional<io::AtomicFile> out;
  if (writer) out.emplace(a.output, std::vector<std::string>{a.in.input, a.in.labels});
  // Before the input is read: the checkpoint path is checked, and SIGTERM / SIGUSR1 already mean
  // "checkpoint after the next epoch and exit 75".
  CheckpointOptions checkpoints = checkpoint_options(a, ranks);
  std::function<io::ColumnWindow(std::int64_t)> block;
  if (ranks != nullptr)
    block = [ranks](std::int64_t n_features) {
      const Columns c = mpi::columns_of(n_features, ranks->rank(), ranks->size());
      return io::ColumnWindow{c.first, c.count};
    };
  io::Dataset d = read_input(a.in, 0, &cfg, block);
  if (d.n_targets == 0) {
    throw Error(ErrorCode::kInvalidArgument, d.path + " has no targets: give --target NAME|INDEX or --labels PATH");
  }
  InputInfo info{&d, a.in.labels, encode_targets(d, cfg.task)};
  check_names_utf8(d, info.classes);
  Config fit_cfg = cfg;
  if (!a.must_keep.empty()) fit_cfg.must_keep = feature_columns("--must-keep", a.must_keep, d);
  if (!a.must_drop.empty()) fit_cfg.must_drop = feature_columns("--must-drop", a.must_drop, d);
  if (!a.feature_cost.empty()) fit_cfg.feature_cost = feature_costs(a.feature_cost, d);
  fit_cfg.validate();
  Selector sel(fit_cfg);
  sel.set_checkpoint(std::move(checkpoints));
  sel.set_feature_parallel(ranks != nullptr);
  Progress progress(a.quiet || !writer);
  sel.set_progress([&progress](const EpochRecord& r, int total) { return progress(r, total); });
  // The table is read for the fit alone: the fit standardises it where it is (no second N x D copy).
  const Result& r = ranks != nullptr
                        ? sel.fit_columns_in_place(d.x.data(), d.n_rows, Columns{d.first_col, d.n_cols}, d.features(),
                                                   d.y.data(), d.n_targets)
                        : sel.fit_in_place(d.x.data(), d.n_rows, d.n_cols, d.y.data(), d.n_targets);
  progress.finish();
  if (!writer) return 0;
  out->write(dump_readable(result_to_json(r, info)));
  out->put('\n');
  out->commit();
  if (!a.quiet) print_summary(r, d, a.output);
  return 0;
}

}  // namespace gfs::cli
