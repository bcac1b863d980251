/// @file commands.hpp
/// @brief The subcommands of `gfs` (select, transform, demo): their options and their entry points.
///        main.cpp parses with CLI11 into these structs, then calls run_*; errors are gfs::Error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}
namespace gfs::mpi {
class Session;
}

namespace gfs::cli {

/// Options shared by commands that read a data set.
struct InputArgs {
  std::string input;
  std::string format = "auto";
  std::vector<std::string> targets;
  std::string labels;
  std::string event;  ///< survival: the event column, read after the time column --target names
};

struct SelectArgs {
  InputArgs in;
  std::string output;
  std::string task, device, support;  // empty: keep the Config's value
  // Numbers as text, parsed by Config::set: range-checked, never wrapped, truncated or clamped.
  std::string epochs, batch_size, target_features, threads, lambda, seed, max_memory;
  bool reference = false;
  bool quiet = false;
  std::vector<std::string> settings;  // --set key=value
  std::vector<std::string> must_keep, must_drop;  // feature names or column numbers
  std::string feature_cost;                       // --feature-cost FILE: lines "column,cost"
  std::string checkpoint, resume;     // --checkpoint FILE, --resume FILE
  int checkpoint_every = 0;
};

/// Exit status of a fit that stopped on SIGTERM/SIGUSR1 after writing its checkpoint: "requeue me"
/// (EX_TEMPFAIL of sysexits.h: a temporary failure, try again).
constexpr int kExitCheckpointed = 75;

struct TransformArgs {
  InputArgs in;
  std::string result;
  std::string output;
  bool quiet = false;
};

struct DemoArgs {
  std::string seed, device, threads, epochs;  // empty: the library's defaults
  bool quiet = false;
};

void add_select(CLI::App& app, SelectArgs& a);
void add_transform(CLI::App& app, TransformArgs& a);
void add_demo(CLI::App& app, DemoArgs& a);

/// `ranks`: the MPI session when started as several ranks (requeue.hpp: mpi_session), else nullptr.
int run_select(const SelectArgs& a, const mpi::Session* ranks = nullptr);
int run_transform(const TransformArgs& a);
int run_demo(const DemoArgs& a);

}  // namespace gfs::cli
