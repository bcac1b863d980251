/// @file safe_file.cpp
/// @brief check_write_target, TempFile and the signal-safe list of live temporary files.
#include "common/safe_file.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "gfs/error.hpp"

namespace gfs::sys {
namespace {

// The temporary files alive now, for a signal handler: fixed storage, written before `live` is
// set and cleared after it is reset, so the handler never reads a half-written path. Atomics (lock
// free, so async-signal-safe): the handler may run on another thread than the writer (OpenMP's).
constexpr int kSlots = 16;
char g_paths[kSlots][PATH_MAX];
std::atomic<int> g_live[kSlots];
// Set by remove_temp_files(): the process is ending, so a temporary file made by another thread
// after the handler's sweep removes itself.
std::atomic<int> g_ending{0};
// Threads between registering a temporary name and creating the file (signals blocked there, so the
// handler runs on another thread and waits for them before its sweep).
std::atomic<int> g_creating{0};
std::atomic<unsigned> g_names{0};

/// Six letters and digits from the pid, the clock and a counter: unlikely to exist, and O_EXCL
/// makes sure of it.
std::string random_suffix() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  std::uint64_t v = static_cast<std::uint64_t>(ts.tv_nsec) ^ (static_cast<std::uint64_t>(ts.tv_sec) << 20) ^
                    (static_cast<std::uint64_t>(::getpid()) << 40) ^ (std::uint64_t{g_names++} * 0x9E3779B97F4A7C15ULL);
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out(6, 'x');
  for (char& c : out) {
    v = v * 6364136223846793005ULL + 1442695040888963407ULL;
    c = kChars[(v >> 33) % 62];
  }
  return out;
}

int register_temp(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (g_live[i].load() == 0 && g_live[i].compare_exchange_strong(expected, 2)) {  // 2: claimed, not yet readable
      std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
      g_live[i].store(1);
      return i;
    }
  }
  return -1;  // more than kSlots at once: such a file is still removed on errors, not on signals
}

void unregister_temp(int slot) {
  if (slot >= 0) g_live[slot].store(0);
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

[[noreturn]] void fail_errno(const WriteTarget& t, const std::string& what, int err) {
  throw Error(ErrorCode::kIo, t.path + ": " + what + ": " + std::strerror(err));
}

std::string dir_of(const std::string& p) {
  const std::size_t slash = p.find_last_of('/');
  return slash == std::string::npos ? std::string() : p.substr(0, slash + 1);
}

/// The end of `path`'s chain of symlinks (the file a write through it lands in), which need not
/// exist. Throws on a loop.
std::string follow_links(const WriteTarget& t) {
  std::string at = t.path;
  for (int hop = 0; hop < 40; ++hop) {
    struct stat lst {};
    if (::lstat(at.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) return at;
    std::vector<char> buf(static_cast<std::size_t>(PATH_MAX) + 1);
    const ssize_t n = ::readlink(at.c_str(), buf.data(), buf.size() - 1);
    if (n < 0) fail_errno(t, "cannot read the symbolic link " + at, errno);
    const std::string link(buf.data(), static_cast<std::size_t>(n));
    at = !link.empty() && link[0] == '/' ? link : dir_of(at) + link;
  }
  fail_errno(t, "cannot resolve the symbolic link", ELOOP);
}

}  // namespace

const int* terminating_signals() noexcept {
  static const int kSignals[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,   SIGUSR1, SIGUSR2, SIGPIPE,
                                 SIGALRM, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,   0};
  return kSignals;
}

void remove_temp_files() noexcept {
  g_ending.store(1);
  // A thread creating a temporary file now: let it register it first (at most about a second).
  for (int waited = 0; g_creating.load() != 0 && waited < 1000; ++waited) {
    struct timespec ms {};
    ms.tv_nsec = 1000000;
    ::nanosleep(&ms, nullptr);  // async-signal-safe
  }
  for (int i = 0; i < kSlots; ++i) {
    if (g_live[i].load() == 1) ::unlink(g_paths[i]);  // unlink is async-signal-safe
  }
}

WriteTarget check_write_target(const std::string& path, const std::vector<std::string>& inputs, const std::string& what,
                               SpecialFiles special) {
  WriteTarget t;
  t.path = path;
  t.what = what;
  if (path.empty()) throw Error(ErrorCode::kIo, "the " + what + " path is empty");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {  // follows symlinks, also the kernel's (/dev/stdout, /proc/self/fd/N)
    t.exists = true;
    for (const std::string& in : inputs) {
      struct stat is {};
      if (in.empty() || ::stat(in.c_str(), &is) != 0 || !same_file(st, is)) continue;
      throw Error(ErrorCode::kInvalidArgument, path + ": the " + what + " is the input file " + in +
                                                   "; writing it would destroy the input: choose another " + what +
                                                   " path");
    }
    if (S_ISDIR(st.st_mode)) {
      throw Error(ErrorCode::kIo, path + ": is a directory; give the " + what + " a file name (e.g. " + path + "/" +
                                      (what == "checkpoint" ? "fit.ckpt" : "result.json") + ")");
    }
    if (!S_ISREG(st.st_mode)) {
      if (special == SpecialFiles::kRefuse) {
        throw Error(ErrorCode::kInvalidArgument, path + ": is not a regular file (a device, FIFO or socket); the " +
                                                     what +
                                                     " must be a file that can be read back: choose a file path");
      }
      // Written into, never replaced; opened (through its links) at the first write, as a FIFO's
      // open waits for its reader.
      t.special = true;
      t.target = path;
      if (::access(path.c_str(), W_OK) != 0) fail_errno(t, "cannot write the " + what, errno);
      return t;
    }
    if (::access(path.c_str(), W_OK) != 0) fail_errno(t, "cannot write the " + what, errno);
    t.mode = st.st_mode & 07777;
    t.uid = st.st_uid;
    t.gid = st.st_gid;
    // A symlink stays a symlink: the file it points to is replaced.
    struct stat lst {};
    t.target = path;
    if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
      char* real = ::realpath(path.c_str(), nullptr);
      if (real == nullptr) fail_errno(t, "cannot resolve the symbolic link", errno);
      t.target = real;
      std::free(real);
    }
  } else if (errno != ENOENT) {
    fail_errno(t, "cannot check the " + what + " path", errno);
  } else {
    t.target = follow_links(t);  // a dangling symlink: the file it names is created
  }
  const std::string base = t.target.substr(dir_of(t.target).size());
  if (base.empty() || base == "." || base == "..")
    throw Error(ErrorCode::kIo, path + ": the " + what + " path names a directory, not a file");
  // The temporary file is made beside the target, and renamed over it: its directory must take it.
  const std::string dir = dir_of(t.target);
  if (::access(dir.empty() ? "." : dir.c_str(), W_OK | X_OK) != 0)
    fail_errno(t, "cannot create the " + what + " in " + (dir.empty() ? std::string(".") : dir), errno);
  return t;
}

TempFile::TempFile(const WriteTarget& target) : target_(target) {
  const std::string dir = dir_of(target.target);
  const std::string stem = dir + "." + target.target.substr(dir.size()) + ".tmp-";
  // The name is registered before the file exists and the file created exclusively, never through a
  // link (O_EXCL | O_NOFOLLOW, as mkstemp), with this thread's signals blocked in between: whichever
  // thread a signal lands on, the handler's sweep finds the file.
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &old);
  g_creating.fetch_add(1);
  int err = 0;
  for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
    tmp_ = stem + random_suffix();
    slot_ = register_temp(tmp_);
    fd_ = ::open(tmp_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ >= 0) break;
    err = errno;
    unregister_temp(slot_);
    slot_ = -1;
    if (err != EEXIST) break;
  }
  g_creating.fetch_sub(1);
  const bool ending = g_ending.load() != 0;  // a signal is ending the process: do not leave this file
  if (fd_ >= 0 && ending) {
    ::unlink(tmp_.c_str());
    ::close(fd_);
    fd_ = -1;
    err = EINTR;
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (fd_ < 0) {
    unregister_temp(slot_);
    slot_ = -1;
    tmp_.clear();
    fail(ending ? "the process is ending on a signal" : "cannot create a temporary file beside it", err);
  }
  if (target.exists) {
    // A rewritten file keeps its permissions (a private 0600 file stays private) and, where we may,
    // its owner.
    (void)::fchmod(fd_, target.mode);
    if (::geteuid() == 0) (void)::fchown(fd_, target.uid, target.gid);
  } else {
    // Created 0600; give it the permissions a plain open() would (0666 & ~umask).
    const mode_t mask = ::umask(0);
    ::umask(mask);
    (void)::fchmod(fd_, 0666 & ~mask);
  }
}

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
  unregister_temp(slot_);
}

void TempFile::fail(const char* what, int err) {
  throw Error(ErrorCode::kIo, target_.path + ": " + what + " (" + target_.what + "): " + std::strerror(err));
}

void TempFile::write(const char* data, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t k = ::write(fd_, data + done, n - done);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) fail("cannot write", k < 0 ? errno : ENOSPC);  // e.g. the disk is full: the target stays untouched
    done += static_cast<std::size_t>(k);
  }
}

void TempFile::commit() {
  if (::fsync(fd_) != 0 && errno != EINVAL) fail("cannot flush to disk", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("cannot close", errno);
  if (std::rename(tmp_.c_str(), target_.target.c_str()) != 0) fail("cannot rename the finished file into place", errno);
  committed_ = true;
  unregister_temp(slot_);
  slot_ = -1;
}

void write_whole_file(const std::string& path, const char* bytes, std::size_t n, const std::vector<std::string>& inputs,
                      const std::string& what, SpecialFiles special) {
  const WriteTarget t = check_write_target(path, inputs, what, special);
  if (t.special) {
    const int fd = ::open(t.target.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail_errno(t, "cannot open the " + what, errno);
    std::size_t done = 0;
    while (done < n) {
      const ssize_t k = ::write(fd, bytes + done, n - done);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) {
        const int err = k < 0 ? errno : ENOSPC;
        ::close(fd);
        fail_errno(t, "cannot write the " + what, err);
      }
      done += static_cast<std::size_t>(k);
    }
    if (::close(fd) != 0) fail_errno(t, "cannot close the " + what, errno);
    return;
  }
  TempFile f(t);
  f.write(bytes, n);
  f.commit();
}

}  // namespace gfs::sys
