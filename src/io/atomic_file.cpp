/// @file atomic_file.cpp
/// @brief Temporary file + fsync + rename, so a crash, an error or Ctrl-C never leaves half a file
///        (nor a stray temporary); direct writes where there is nothing to rename onto.
#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "gfs/error.hpp"

namespace gfs::io {

namespace {

// The temporary files alive now, for the signal handler: fixed storage, written before `live` is
// set and cleared after it is reset, so the handler never reads a half-written path.
constexpr int kSlots = 16;
char g_paths[kSlots][PATH_MAX];
volatile std::sig_atomic_t g_live[kSlots];

int register_temp(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kSlots; ++i) {
    if (g_live[i] == 0) {
      std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
      g_live[i] = 1;
      return i;
    }
  }
  return -1;  // more than kSlots at once: such a file is still removed on errors, not on signals
}

void unregister_temp(int slot) {
  if (slot >= 0) g_live[slot] = 0;
}

extern "C" void remove_temps_and_die(int sig) {
  for (int i = 0; i < kSlots; ++i) {
    if (g_live[i] != 0) ::unlink(g_paths[i]);  // unlink is async-signal-safe
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

}  // namespace

void remove_temp_files_on_signal() {
  struct sigaction sa {};
  sa.sa_handler = remove_temps_and_die;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    // Leave an ignored signal ignored (nohup, background jobs).
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    ::sigaction(sig, &sa, nullptr);
  }
}

AtomicFile::AtomicFile(std::string path, const std::vector<std::string>& inputs)
    : path_(std::move(path)), target_(path_), buf_(std::size_t{1} << 20) {
  if (path_.empty()) throw Error(ErrorCode::kIo, "the output path is empty");
  if (path_ == "-") {
    direct_ = true;
    fd_ = STDOUT_FILENO;
    return;
  }
  struct stat st {};
  const bool exists = ::stat(path_.c_str(), &st) == 0;  // follows symlinks: the file written in the end
  if (exists) {
    for (const std::string& in : inputs) {
      struct stat is {};
      if (in.empty() || ::stat(in.c_str(), &is) != 0 || !same_file(st, is)) continue;
      throw Error(ErrorCode::kInvalidArgument, path_ + ": the output is the input file " + in +
                                                   "; writing it would destroy the input: choose another output path");
    }
    if (S_ISDIR(st.st_mode)) {
      throw Error(ErrorCode::kIo,
                  path_ + ": is a directory; give the output a file name (e.g. " + path_ + "/result.json)");
    }
    if (!S_ISREG(st.st_mode)) {  // a FIFO, a device, a socket: write into it, never replace it
      direct_ = true;
      if (::access(path_.c_str(), W_OK) != 0) fail("cannot write the output");
      return;  // opened at the first write: opening a FIFO waits for its reader
    }
    if (::access(path_.c_str(), W_OK) != 0) fail("cannot write the output");
    // A symlink stays a symlink: the file it points to is replaced.
    struct stat lst {};
    if (::lstat(path_.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
      char* real = ::realpath(path_.c_str(), nullptr);
      if (real == nullptr) fail("cannot resolve the symbolic link");
      target_ = real;
      std::free(real);
    }
  } else if (errno != ENOENT) {
    fail("cannot check the output path");
  } else {
    struct stat lst {};
    if (::lstat(path_.c_str(), &lst) == 0) {  // a dangling symlink: create its target through it
      direct_ = true;
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
      if (fd_ < 0) fail("cannot create the output file");
      return;
    }
  }
  const std::size_t slash = target_.find_last_of('/');
  const std::string dir = slash == std::string::npos ? std::string() : target_.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? target_ : target_.substr(slash + 1);
  if (base.empty()) throw Error(ErrorCode::kIo, path_ + ": the output path names a directory, not a file");
  tmp_ = dir + "." + base + ".tmp-XXXXXX";
  fd_ = ::mkstemp(tmp_.data());
  if (fd_ < 0) {
    const int err = errno;
    tmp_.clear();
    throw Error(ErrorCode::kIo, path_ + ": cannot create the output file: " + std::strerror(err));
  }
  slot_ = register_temp(tmp_);
  if (exists) {
    // A rewritten file keeps its permissions (a private 0600 result stays private) and, where we
    // may, its owner.
    (void)::fchmod(fd_, st.st_mode & 07777);
    if (::geteuid() == 0) (void)::fchown(fd_, st.st_uid, st.st_gid);
  } else {
    // mkstemp makes the file 0600; give it the permissions a plain open() would (0666 & ~umask).
    const mode_t mask = ::umask(0);
    ::umask(mask);
    (void)::fchmod(fd_, 0666 & ~mask);
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0 && fd_ != STDOUT_FILENO) ::close(fd_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
  unregister_temp(slot_);
}

void AtomicFile::fail(const char* what) {
  const int err = errno;
  throw Error(ErrorCode::kIo, path_ + ": " + what + ": " + std::strerror(err));
}

void AtomicFile::open_direct() {
  fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) fail("cannot open the output");
}

void AtomicFile::write_raw(const char* data, std::size_t n) {
  if (fd_ < 0 && direct_) open_direct();
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
  if (direct_) {
    if (fd_ != STDOUT_FILENO && ::close(fd_) != 0) {
      fd_ = -1;
      fail("cannot close");
    }
    if (fd_ != STDOUT_FILENO) fd_ = -1;
    committed_ = true;
    return;
  }
  if (::fsync(fd_) != 0 && errno != EINVAL) fail("cannot flush to disk");
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail("cannot close");
  }
  fd_ = -1;
  if (std::rename(tmp_.c_str(), target_.c_str()) != 0) fail("cannot rename the finished file into place");
  committed_ = true;
  unregister_temp(slot_);
  slot_ = -1;
}

void write_file_atomic(const std::string& path, std::string_view text, const std::vector<std::string>& inputs) {
  AtomicFile f(path, inputs);
  f.write(text);
  f.commit();
}

}  // namespace gfs::io
