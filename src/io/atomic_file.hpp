/// @file atomic_file.hpp
/// @brief An output file that appears whole or not at all, written the one way gfs writes files
///        (common/safe_file.hpp): checked up front, a temporary file made only when the bytes come
///        (exclusively, beside the destination), flushed to disk, then renamed over the destination.
///        What is not a regular file ("-" for stdout, a FIFO, a device) is written directly, never
///        replaced; an output that is one of the inputs is refused; a rewritten file keeps its
///        permissions; and the temporary file is removed on errors and on every terminating signal.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/safe_file.hpp"

namespace gfs::io {

class AtomicFile {
 public:
  /// Checks `path` now (before any long work): refuses a directory, an unwritable file or directory,
  /// and a path that is the same file as one of `inputs` (device + inode, through symlinks and hard
  /// links). The temporary file is created at the first write, so a process killed before its
  /// result is ready leaves nothing behind. Throws gfs::Error (kIo, or kInvalidArgument for an
  /// output that is an input) naming path.
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
  void write_raw(const char* data, std::size_t n);
  [[noreturn]] void fail(const char* what);
  std::string path_;  // as given (messages)
  sys::WriteTarget target_;
  std::unique_ptr<sys::TempFile> tmp_;  // made at the first write
  int fd_ = -1;                         // a direct output's descriptor
  bool direct_ = false;                 // written in place: stdout, a FIFO, a character or block device
  std::vector<char> buf_;
  std::size_t used_ = 0;
  bool committed_ = false;
};

/// Writes `text` to `path` atomically (see AtomicFile).
void write_file_atomic(const std::string& path, std::string_view text, const std::vector<std::string>& inputs = {});

/// Installs a handler for every terminating signal (sys::terminating_signals(): SIGINT, SIGTERM,
/// SIGHUP, SIGUSR1, ...) that removes every temporary file (AtomicFile's, then those `also` removes:
/// pass gfs::remove_temporary_files for libgfs's checkpoints) and then ends the process as the
/// signal would have. An ignored signal stays ignored. Call once from main(), before any input is
/// read.
void remove_temp_files_on_signal(void (*also)() noexcept = nullptr);

}  // namespace gfs::io
