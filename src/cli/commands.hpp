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

namespace gfs::cli {

/// Options shared by commands that read a data set.
struct InputArgs {
  std::string input;
  std::string format = "auto";
  std::vector<std::string> targets;
  std::string labels;
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
};

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

int run_select(const SelectArgs& a);
int run_transform(const TransformArgs& a);
int run_demo(const DemoArgs& a);

}  // namespace gfs::cli
