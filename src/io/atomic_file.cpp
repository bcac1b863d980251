/// @file atomic_file.cpp
/// @brief Temporary file + fsync + rename, so a crash or an error never leaves half a file.
#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "gfs/error.hpp"

namespace gfs::io {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), buf_(std::size_t{1} << 20) {
  const std::size_t slash = path_.find_last_of('/');
  const std::string dir = slash == std::string::npos ? std::string() : path_.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path_ : path_.substr(slash + 1);
  if (base.empty()) throw Error(ErrorCode::kIo, path_ + ": the output path names a directory, not a file");
  tmp_ = dir + "." + base + ".tmp-XXXXXX";
  fd_ = ::mkstemp(tmp_.data());
  if (fd_ < 0) {
    const int err = errno;
    tmp_.clear();
    throw Error(ErrorCode::kIo, path_ + ": cannot create the output file: " + std::strerror(err));
  }
  // mkstemp makes the file 0600; give it the permissions a plain open() would (0666 & ~umask).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  (void)::fchmod(fd_, 0666 & ~mask);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

void AtomicFile::fail(const char* what) {
  const int err = errno;
  throw Error(ErrorCode::kIo, path_ + ": " + what + ": " + std::strerror(err));
}

void AtomicFile::write_raw(const char* data, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t k = ::write(fd_, data + done, n - done);
    if (k < 0) {
      if (errno == EINTR) continue;
      fail("cannot write");  // e.g. the disk is full: the destination stays untouched
    }
    done += static_cast<std::size_t>(k);
  }
}

void AtomicFile::flush() {
  write_raw(buf_.data(), used_);
  used_ = 0;
}

void AtomicFile::write(std::string_view bytes) {
  if (bytes.size() > buf_.size() - used_) flush();
  if (bytes.size() > buf_.size()) {
    write_raw(bytes.data(), bytes.size());
    return;
  }
  std::memcpy(buf_.data() + used_, bytes.data(), bytes.size());
  used_ += bytes.size();
}

void AtomicFile::commit() {
  flush();
  if (::fsync(fd_) != 0 && errno != EINVAL) fail("cannot flush to disk");
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail("cannot close");
  }
  fd_ = -1;
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) fail("cannot rename the finished file into place");
  committed_ = true;
}

void write_file_atomic(const std::string& path, std::string_view text) {
  AtomicFile f(path);
  f.write(text);
  f.commit();
}

}  // namespace gfs::io
