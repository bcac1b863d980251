/// @file byte_source.hpp
/// @brief Sequential byte streams the readers parse from: a file, a memory buffer (tests and fuzz
///        targets), and transparent gzip decompression of either. Readers never see which.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace gfs::io {

class ByteSource {
 public:
  explicit ByteSource(std::string name) : name_(std::move(name)) {}
  virtual ~ByteSource() = default;
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  /// Reads up to n bytes into dst; returns 0 only at the end. Throws gfs::Error on failure.
  virtual std::size_t read(char* dst, std::size_t n) = 0;
  /// The exact number of bytes the stream yields, when known without reading it (else 0).
  [[nodiscard]] virtual std::uint64_t exact_size() const = 0;
  /// An upper bound on the bytes the stream can yield (a header that claims more is lying).
  [[nodiscard]] virtual std::uint64_t max_size() const = 0;
  /// The file name used in every message about this stream.
  [[nodiscard]] const std::string& name() const { return name_; }

  /// Reads until n bytes or the end; returns how many were read.
  std::size_t read_fully(char* dst, std::size_t n);
  /// Passes over up to n bytes; returns how many (fewer only at the end). A regular file seeks;
  /// other streams read and drop them.
  virtual std::uint64_t skip(std::uint64_t n);
  /// True when skip() seeks instead of reading (a regular, uncompressed file).
  [[nodiscard]] virtual bool seeks() const { return false; }

 private:
  std::string name_;
};

/// Opens a file for reading (gzip-compressed content is detected by its magic bytes and inflated).
/// Throws gfs::Error (kIo) naming the file and the reason when it cannot be opened.
std::unique_ptr<ByteSource> open_file(const std::string& path);
/// A stream that first yields `prefix` (bytes already read from src's start), then the rest of src:
/// sniffing a pipe's first bytes must not lose them.
std::unique_ptr<ByteSource> unread(std::unique_ptr<ByteSource> src, std::string prefix);
/// A stream over bytes owned by the caller (gzip detected as for files). `name` labels messages.
std::unique_ptr<ByteSource> open_memory(const void* data, std::size_t size, std::string name);

}  // namespace gfs::io
