/// @file io_util.hpp
/// @brief Pieces the readers share: the memory check before any big allocation, float parsing
///        without allocation, and a buffered line splitter that keeps line numbers.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gfs/error.hpp"
#include "io/byte_source.hpp"

namespace gfs::io::detail {

/// Bytes of memory available now: MemAvailable, capped by a cgroup (container) limit.
std::uint64_t available_memory();

/// "1.5 GiB", "300 MiB", "12 KiB", "17 bytes".
std::string human_bytes(std::uint64_t bytes);

/// Throws gfs::Error (kInvalidData) when rows * cols * elem overflows or, with `fit_bytes` (the
/// memory a fit on the table needs besides it), exceeds `max_bytes` (0 = available_memory());
/// `what` says what the array is ("features", "labels"). Returns the array's bytes.
std::uint64_t check_allocation(std::uint64_t rows, std::uint64_t cols, std::size_t elem, std::uint64_t max_bytes,
                               const std::string& file, const char* what, std::uint64_t fit_bytes = 0);

[[noreturn]] inline void fail(ErrorCode code, const std::string& file, const std::string& what) {
  throw Error(code, file + ": " + what);
}

enum class NumberStatus { kOk, kNotANumber, kNonFinite, kOverflow };

/// Parses one float32 at [p, end) (a leading '+' is accepted); on success advances p past it.
/// Values below the float32 range round to zero or a subnormal; NaN and +-Inf are reported as
/// kNonFinite (p still advanced), values beyond +-3.4e38 as kOverflow.
NumberStatus parse_float(const char*& p, const char* end, float& out);

/// The shortest text that reads back as exactly v, in plain digits (1700000000, not 1.7e+09) for
/// magnitudes from 1e-5 up to 1e17, with an exponent outside that range.
template <typename T>
std::string exact_text(T v) {
  char buf[128];
  const T a = v < 0 ? -v : v;
  const bool plain = v == 0 || (a >= static_cast<T>(1e-5) && a < static_cast<T>(1e17));
  const auto r = plain ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                       : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

/// Quotes a cell for a message, shortened to about 40 characters; control bytes (NUL, CR, ...)
/// are shown as \xNN.
std::string quote_cell(std::string_view cell);

/// True when `text` is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_utf8(std::string_view text);

/// Splits a ByteSource into lines ('\n' or "\r\n"), reading in large blocks; a line may be up to
/// `max_line` bytes (the block grows), longer is refused (a file with no line breaks, /dev/zero).
/// A carriage return inside a line is refused with a message about CR-only line endings. The views
/// stay valid until the next call to next().
class LineReader {
 public:
  static constexpr std::uint64_t kDefaultMaxLine = std::uint64_t{256} << 20;
  explicit LineReader(ByteSource& src, std::uint64_t max_line = kDefaultMaxLine,
                      std::size_t block = std::size_t{1} << 22);
  /// The next line without its terminator; false at the end of the input.
  bool next(std::string_view& line);
  /// 1-based number of the line next() returned last.
  [[nodiscard]] std::int64_t line_number() const { return line_no_; }
  /// Bytes of input consumed up to and including the last line returned.
  [[nodiscard]] std::uint64_t bytes_consumed() const { return consumed_; }

 private:
  bool refill();
  void check_line(std::string_view line) const;
  ByteSource& src_;
  std::uint64_t max_line_;
  std::vector<char> buf_;
  std::size_t begin_ = 0;  // first unread byte in buf_
  std::size_t end_ = 0;    // one past the last valid byte in buf_
  bool eof_ = false;
  std::int64_t line_no_ = 0;
  std::uint64_t consumed_ = 0;
};

}  // namespace gfs::io::detail
