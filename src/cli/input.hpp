/// @file input.hpp
/// @brief Reading the data set named on the command line, and turning its targets into what a fit
///        expects (class codes 0..C-1 for classification).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "gfs/config.hpp"
#include "io/dataset.hpp"

namespace gfs::cli {

/// --input, --format, --target, --labels, --event on a subcommand.
void add_input_options(CLI::App& app, InputArgs& a);

/// Reads the data set; `n_features` > 0 fixes the width of LIBSVM input (transform). With `fit`,
/// the table is refused before it is allocated when it and a fit of `*fit` on it would exceed the
/// memory available (or fit->max_memory), with the estimate in the message. `columns`: keep only
/// that block of the feature columns (a feature-parallel rank's; io::ReadOptions::columns).
io::Dataset read_input(const InputArgs& a, std::int64_t n_features = 0, const Config* fit = nullptr,
                       std::function<io::ColumnWindow(std::int64_t)> columns = {});

/// Applies one numeric command-line option through Config::set (range-checked); an error names the
/// option. `min`: the smallest value the option accepts (integers).
void apply_option(Config& c, const char* option, const char* key, const std::string& value, long long min);

/// Throws gfs::Error (kInvalidData) when a name that goes into result.json (a header, a target or
/// class name) is not valid UTF-8: before the fit, not after it.
void check_names_utf8(const io::Dataset& d, const std::vector<std::string>& classes);

/// Classification: checks that the single target holds integers (or text classes) and recodes it
/// to 0..C-1 in ascending order; returns the original label of each code. Regression: checks the
/// targets are numbers and returns nothing; survival: that there are two numeric targets (time,
/// event; gfs::Selector checks their values). Throws gfs::Error (kInvalidData) naming the file.
std::vector<std::string> encode_targets(io::Dataset& d, Task task);

/// Refuses early (before reading a large file) when a CUDA device is asked for and absent:
/// gfs::Error kDeviceUnavailable naming the --device value.
void check_device(const Device& d);

}  // namespace gfs::cli
