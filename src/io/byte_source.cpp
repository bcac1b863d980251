/// @file byte_source.cpp
/// @brief File, memory and gzip byte streams.
#include "io/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <vector>

#include "gfs/error.hpp"

namespace gfs::io {

std::size_t ByteSource::read_fully(char* dst, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    const std::size_t k = read(dst + got, n - got);
    if (k == 0) break;
    got += k;
  }
  return got;
}

std::uint64_t ByteSource::skip(std::uint64_t n) {
  char scratch[1 << 14];
  std::uint64_t done = 0;
  while (done < n) {
    const std::size_t k = read(scratch, static_cast<std::size_t>(std::min<std::uint64_t>(n - done, sizeof scratch)));
    if (k == 0) break;
    done += k;
  }
  return done;
}

namespace {

class FileSource final : public ByteSource {
 public:
  explicit FileSource(const std::string& path) : ByteSource(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) fail("cannot open");
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail("cannot stat");
    if (S_ISDIR(st.st_mode)) {
      ::close(fd_);
      throw Error(ErrorCode::kIo, path + ": is a directory, not a data file");
    }
    // Pipes and FIFOs (e.g. <(zcat ...)) have no size; regular files do.
    if (S_ISREG(st.st_mode)) size_ = static_cast<std::uint64_t>(st.st_size);
#ifdef POSIX_FADV_SEQUENTIAL
    (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  }
  ~FileSource() override {
    if (fd_ >= 0) ::close(fd_);
  }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  std::size_t read(char* dst, std::size_t n) override {
    for (;;) {
      const ssize_t k = ::read(fd_, dst, n);
      if (k >= 0) return static_cast<std::size_t>(k);
      if (errno != EINTR) fail("cannot read");
    }
  }
  [[nodiscard]] std::uint64_t exact_size() const override { return size_; }
  [[nodiscard]] std::uint64_t max_size() const override {
    return size_ != 0 ? size_ : std::numeric_limits<std::uint64_t>::max();
  }
  [[nodiscard]] bool seeks() const override { return size_ != 0; }
  std::uint64_t skip(std::uint64_t n) override {
    if (size_ == 0) return ByteSource::skip(n);  // a pipe: read and drop
    const off_t at = ::lseek(fd_, 0, SEEK_CUR);
    if (at < 0) fail("cannot seek");
    const std::uint64_t left = size_ - std::min(size_, static_cast<std::uint64_t>(at));
    const std::uint64_t k = std::min(n, left);
    if (::lseek(fd_, static_cast<off_t>(k), SEEK_CUR) < 0) fail("cannot seek");
    return k;
  }

 private:
  [[noreturn]] void fail(const char* what) {
    const int err = errno;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    throw Error(ErrorCode::kIo, name() + ": " + what + ": " + std::strerror(err));
  }
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(const void* data, std::size_t size, std::string name)
      : ByteSource(std::move(name)), data_(static_cast<const char*>(data)), size_(size) {}
  std::size_t read(char* dst, std::size_t n) override {
    const std::size_t k = std::min(n, size_ - pos_);
    if (k != 0) std::memcpy(dst, data_ + pos_, k);
    pos_ += k;
    return k;
  }
  [[nodiscard]] std::uint64_t exact_size() const override { return size_; }
  [[nodiscard]] std::uint64_t max_size() const override { return size_; }

 private:
  const char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

/// Inflates a gzip stream (several concatenated members allowed, as `cat a.gz b.gz` makes).
class GzipSource final : public ByteSource {
 public:
  GzipSource(std::unique_ptr<ByteSource> inner, std::string head)
      : ByteSource(inner->name()), inner_(std::move(inner)), in_(kChunk) {
    std::memcpy(in_.data(), head.data(), head.size());
    zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
    zs_.avail_in = static_cast<uInt>(head.size());
    if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) {
      throw Error(ErrorCode::kInternal, name() + ": zlib inflateInit2 failed");
    }
  }
  ~GzipSource() override { inflateEnd(&zs_); }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  std::size_t read(char* dst, std::size_t n) override {
    n = std::min<std::size_t>(n, std::numeric_limits<uInt>::max());
    zs_.next_out = reinterpret_cast<Bytef*>(dst);
    zs_.avail_out = static_cast<uInt>(n);
    while (zs_.avail_out == n && !done_) step();
    return n - zs_.avail_out;
  }
  [[nodiscard]] std::uint64_t exact_size() const override { return 0; }
  /// Deflate cannot compress better than about 1032:1, so a header that claims more is bogus.
  [[nodiscard]] std::uint64_t max_size() const override {
    const std::uint64_t in = inner_->max_size();
    constexpr std::uint64_t kRatio = 1032;
    return in > std::numeric_limits<std::uint64_t>::max() / kRatio ? in : in * kRatio + 4096;
  }

 private:
  static constexpr std::size_t kChunk = 1 << 16;

  void step() {
    if (zs_.avail_in == 0) {
      const std::size_t k = inner_->read(in_.data(), in_.size());
      if (k == 0) {
        if (member_started_) {
          throw Error(ErrorCode::kInvalidData, name() +
                                                   ": truncated gzip stream (the file ends "
                                                   "before the compressed data does)");
        }
        done_ = true;
        return;
      }
      zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
      zs_.avail_in = static_cast<uInt>(k);
    }
    member_started_ = true;
    const int rc = inflate(&zs_, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      member_started_ = false;
      inflateReset(&zs_);
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      const char* why = zs_.msg != nullptr ? zs_.msg : "inflate failed";
      throw Error(ErrorCode::kInvalidData, name() + ": corrupt gzip data: " + why);
    }
  }

  std::unique_ptr<ByteSource> inner_;
  std::vector<char> in_;
  z_stream zs_{};
  bool member_started_ = false;
  bool done_ = false;
};

/// Yields `prefix` (bytes already read from `inner`), then the rest of `inner`: how a reader looks
/// at the first bytes of a pipe without losing them.
class Prefixed final : public ByteSource {
 public:
  Prefixed(std::unique_ptr<ByteSource> s, std::string p)
      : ByteSource(s->name()), inner_(std::move(s)), prefix_(std::move(p)) {}
  std::size_t read(char* dst, std::size_t n) override {
    if (pos_ < prefix_.size()) {
      const std::size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(dst, prefix_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return inner_->read(dst, n);
  }
  std::uint64_t skip(std::uint64_t n) override {
    const std::uint64_t from_prefix = std::min<std::uint64_t>(n, prefix_.size() - pos_);
    pos_ += static_cast<std::size_t>(from_prefix);
    return from_prefix + (n > from_prefix ? inner_->skip(n - from_prefix) : 0);
  }
  [[nodiscard]] bool seeks() const override { return inner_->seeks(); }
  [[nodiscard]] std::uint64_t exact_size() const override { return inner_->exact_size(); }
  [[nodiscard]] std::uint64_t max_size() const override { return inner_->max_size(); }

 private:
  std::unique_ptr<ByteSource> inner_;
  std::string prefix_;
  std::size_t pos_ = 0;
};

/// Wraps src in a GzipSource when its first two bytes are the gzip magic 1f 8b.
std::unique_ptr<ByteSource> maybe_gunzip(std::unique_ptr<ByteSource> src) {
  char head[2] = {0, 0};
  const std::size_t k = src->read_fully(head, 2);
  std::string got(head, k);
  if (k == 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b) {
    return std::make_unique<GzipSource>(std::move(src), got);
  }
  return unread(std::move(src), std::move(got));
}

}  // namespace

std::unique_ptr<ByteSource> open_file(const std::string& path) {
  return maybe_gunzip(std::make_unique<FileSource>(path));
}

std::unique_ptr<ByteSource> unread(std::unique_ptr<ByteSource> src, std::string prefix) {
  if (prefix.empty()) return src;
  return std::make_unique<Prefixed>(std::move(src), std::move(prefix));
}

std::unique_ptr<ByteSource> open_memory(const void* data, std::size_t size, std::string name) {
  return maybe_gunzip(std::make_unique<MemorySource>(data, size, std::move(name)));
}

}  // namespace gfs::io
