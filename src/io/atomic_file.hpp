/// @file atomic_file.hpp
/// @brief An output file that appears whole or not at all: written to a temporary name in the same
///        directory, flushed to disk, then renamed over the destination.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gfs::io {

class AtomicFile {
 public:
  /// Creates the temporary file next to `path`; throws gfs::Error (kIo) naming path on failure.
  explicit AtomicFile(std::string path);
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  void put(char c) {
    if (used_ == buf_.size()) flush();
    buf_[used_++] = c;
  }
  /// Flushes, syncs and renames onto the destination; throws gfs::Error (kIo) on failure.
  void commit();
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  void flush();
  void write_raw(const char* data, std::size_t n);
  [[noreturn]] void fail(const char* what);
  std::string path_;
  std::string tmp_;
  int fd_ = -1;
  std::vector<char> buf_;
  std::size_t used_ = 0;
  bool committed_ = false;
};

/// Writes `text` to `path` atomically.
void write_file_atomic(const std::string& path, std::string_view text);

}  // namespace gfs::io
