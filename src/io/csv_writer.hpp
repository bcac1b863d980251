/// @file csv_writer.hpp
/// @brief Writes chosen feature columns of a Dataset (and its targets) as CSV with a header row,
///        floats in their shortest exact form.
#pragma once

#include <string>
#include <vector>

#include "io/dataset.hpp"

namespace gfs::io {

/// Writes columns `cols` (indices into d's features) and, when `with_targets`, d's target columns
/// to `path` atomically. Names come from d (or "x<index>" / "y<index>" where d has none).
void write_columns_csv(const std::string& path, const Dataset& d, const std::vector<int>& cols, bool with_targets);

}  // namespace gfs::io
