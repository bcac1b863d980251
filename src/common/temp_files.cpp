/// @file temp_files.cpp
/// @brief gfs::remove_temporary_files: libgfs's list of live temporary files, for a program's
///        signal handler (libgfs only: gfs_io keeps its own list).
#include "common/safe_file.hpp"
#include "gfs/checkpoint.hpp"

namespace gfs {

void remove_temporary_files() noexcept { sys::remove_temp_files(); }

}  // namespace gfs
