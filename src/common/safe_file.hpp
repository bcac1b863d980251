/// @file safe_file.hpp
/// @brief The one way gfs writes a file (result.json, a checkpoint, transform's output): the path is
///        checked before any long work (not a directory, not one of the inputs, writable, special
///        files written into or refused), the bytes go to a fresh temporary file beside the target
///        (created exclusively, never through a link), which is synced and renamed over the target;
///        a symlink stays a symlink (the file it points to is replaced), and the temporary file is
///        removed on errors and, through remove_temp_files(), from a signal handler.
///
/// Compiled into libgfs (checkpoints) and into gfs_io (the command's outputs); each copy keeps its
/// own list of live temporary files, so the command's handler calls both (gfs::remove_temporary_files
/// is libgfs's).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace gfs::sys {

/// What a FIFO, a device or a socket at the path means: write into it (an output such as
/// /dev/stdout), or refuse it (a checkpoint, which must be read back as a file).
enum class SpecialFiles { kWriteInto, kRefuse };

/// The file a path to be written resolves to.
struct WriteTarget {
  std::string path;    ///< as given (messages)
  std::string what;    ///< "output", "checkpoint" (messages)
  std::string target;  ///< the file replaced: `path`, or the end of its chain of symlinks
  bool exists = false;
  bool special = false;  ///< a FIFO, device or socket, written into in place
  mode_t mode = 0;       ///< an existing file's permissions and owner (kept by the new file)
  uid_t uid = 0;
  gid_t gid = 0;
};

/// Checks that `path` can be written now, before any long work: refuses an empty path, a directory,
/// the same file as one of `inputs` (device + inode, through symlinks and hard links; empty entries
/// are skipped), a special file when `special` is kRefuse, an existing file that is not writable and
/// a directory where no file can be created. Throws gfs::Error (kInvalidArgument for an input or a
/// refused special file, kIo otherwise) naming `path` and `what`.
WriteTarget check_write_target(const std::string& path, const std::vector<std::string>& inputs, const std::string& what,
                               SpecialFiles special);

/// A temporary file ".NAME.tmp-XXXXXX" beside a checked target, created as mkstemp does (O_CREAT |
/// O_EXCL | O_NOFOLLOW: never an existing file, never through a link) and registered for
/// remove_temp_files() before it exists; removed by the destructor unless committed.
class TempFile {
 public:
  explicit TempFile(const WriteTarget& target);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  /// Writes all `n` bytes (retrying after signals); throws gfs::Error (kIo) naming the target.
  void write(const char* data, std::size_t n);
  /// fsync, close, rename over the target; throws gfs::Error (kIo), the target then untouched.
  void commit();

 private:
  [[noreturn]] void fail(const char* what, int err);
  const WriteTarget& target_;
  std::string tmp_;
  int fd_ = -1;
  int slot_ = -1;
  bool committed_ = false;
};

/// Writes `bytes` to `path` whole or not at all (check_write_target, TempFile, commit); a special
/// file allowed by `special` is written into directly.
void write_whole_file(const std::string& path, const char* bytes, std::size_t n, const std::vector<std::string>& inputs,
                      const std::string& what, SpecialFiles special);

/// Unlinks every temporary file of this copy that is alive now. Async-signal-safe.
void remove_temp_files() noexcept;

/// Every signal whose default action ends the process and that a handler can catch (SIGINT,
/// SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, ...), ending with 0.
const int* terminating_signals() noexcept;

}  // namespace gfs::sys
