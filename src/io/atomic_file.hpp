/// @file atomic_file.hpp
/// @brief An output file that appears whole or not at all: written to a temporary name in the same
///        directory, flushed to disk, then renamed over the destination. What is not a regular file
///        ("-" for stdout, a FIFO, a device) is written directly, never replaced; an output that is
///        one of the inputs is refused; a rewritten file keeps its permissions; and the temporary
///        file is removed on SIGINT and SIGTERM as well as on errors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gfs::io {

class AtomicFile {
 public:
  /// Checks `path` now (before any long work): refuses a directory, an unwritable file, and a path
  /// that is the same file as one of `inputs` (device + inode, through symlinks and hard links);
  /// then creates the temporary file next to the destination (a regular file or a new one). Throws
  /// gfs::Error (kIo, or kInvalidArgument for an output that is an input) naming path.
  explicit AtomicFile(std::string path, const std::vector<std::string>& inputs = {});
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  void put(char c) {
    if (used_ == buf_.size()) flush();
    buf_[used_++] = c;
  }
  /// Flushes, syncs and renames onto the destination (direct outputs: flushes); throws gfs::Error
  /// (kIo) on failure.
  void commit();
  [[nodiscard]] const std::string& path() const { return path_; }
  /// True for "-" (standard output).
  [[nodiscard]] bool is_stdout() const { return path_ == "-"; }

 private:
  void flush();
  void open_direct();
  void write_raw(const char* data, std::size_t n);
  [[noreturn]] void fail(const char* what);
  std::string path_;    // as given (messages)
  std::string target_;  // the file renamed onto (a symlink's target) or opened directly
  std::string tmp_;
  int fd_ = -1;
  bool direct_ = false;  // write target_ in place: stdout, a FIFO, a character or block device
  int slot_ = -1;        // the temporary path's slot in the signal handler's list
  std::vector<char> buf_;
  std::size_t used_ = 0;
  bool committed_ = false;
};

/// Writes `text` to `path` atomically (see AtomicFile).
void write_file_atomic(const std::string& path, std::string_view text, const std::vector<std::string>& inputs = {});

/// Installs SIGINT, SIGTERM and SIGHUP handlers that remove every AtomicFile's temporary file and
/// then end the process as the signal would have. Call once from main().
void remove_temp_files_on_signal();

}  // namespace gfs::io
