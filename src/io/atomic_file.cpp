/// @file atomic_file.cpp
/// @brief AtomicFile on the one safe-write mechanism (common/safe_file.hpp): a buffer in front of
///        a TempFile made at the first write, or of a direct output (stdout, a FIFO, a device).
#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "gfs/error.hpp"

namespace gfs::io {

namespace {

void (*g_also)() noexcept = nullptr;

extern "C" void remove_temps_and_die(int sig) {
  sys::remove_temp_files();
  if (g_also != nullptr) g_also();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

void remove_temp_files_on_signal(void (*also)() noexcept) {
  g_also = also;
  struct sigaction sa {};
  sa.sa_handler = remove_temps_and_die;
  sigemptyset(&sa.sa_mask);
  for (const int* sig = sys::terminating_signals(); *sig != 0; ++sig) {
    struct sigaction old {};
    // Leave an ignored signal ignored (nohup, background jobs).
    if (::sigaction(*sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    ::sigaction(*sig, &sa, nullptr);
  }
}

AtomicFile::AtomicFile(std::string path, const std::vector<std::string>& inputs)
    : path_(std::move(path)), buf_(std::size_t{1} << 20) {
  if (path_.empty()) throw Error(ErrorCode::kIo, "the output path is empty");
  if (path_ == "-") {
    direct_ = true;
    fd_ = STDOUT_FILENO;
    return;
  }
  target_ = sys::check_write_target(path_, inputs, "output", sys::SpecialFiles::kWriteInto);
  direct_ = target_.special;  // opened at the first write: opening a FIFO waits for its reader
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0 && fd_ != STDOUT_FILENO) ::close(fd_);
}

void AtomicFile::fail(const char* what) {
  const int err = errno;
  throw Error(ErrorCode::kIo, path_ + ": " + what + ": " + std::strerror(err));
}

void AtomicFile::write_raw(const char* data, std::size_t n) {
  if (!direct_) {
    if (!tmp_) tmp_ = std::make_unique<sys::TempFile>(target_);
    tmp_->write(data, n);
    return;
  }
  if (fd_ < 0) {
    fd_ = ::open(target_.target.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) fail("cannot open the output");
  }
  std::size_t done = 0;
  while (done < n) {
    const ssize_t k = ::write(fd_, data + done, n - done);
    if (k < 0) {
      if (errno == EINTR) continue;
      fail("cannot write");
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
  if (direct_) {
    if (fd_ != STDOUT_FILENO && fd_ >= 0) {
      const int fd = fd_;
      fd_ = -1;
      if (::close(fd) != 0) fail("cannot close");
    }
    committed_ = true;
    return;
  }
  if (!tmp_) tmp_ = std::make_unique<sys::TempFile>(target_);  // an empty output
  tmp_->commit();
  committed_ = true;
}

void write_file_atomic(const std::string& path, std::string_view text, const std::vector<std::string>& inputs) {
  AtomicFile f(path, inputs);
  f.write(text);
  f.commit();
}

}  // namespace gfs::io
