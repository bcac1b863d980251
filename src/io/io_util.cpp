/// @file io_util.cpp
/// @brief Memory check, float parsing and line splitting shared by the readers.
#include "io/io_util.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>

#include "common/host_memory.hpp"

namespace gfs::io::detail {

std::uint64_t available_memory() { return sys::available_memory(); }

std::string human_bytes(std::uint64_t bytes) { return sys::human_bytes(bytes); }

std::uint64_t check_allocation(std::uint64_t rows, std::uint64_t cols, std::size_t elem, std::uint64_t max_bytes,
                               const std::string& file, const char* what, std::uint64_t fit_bytes) {
  const std::string shape = std::to_string(rows) + " x " + std::to_string(cols);
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(rows, cols, &count) || __builtin_mul_overflow(count, elem, &bytes) ||
      bytes > static_cast<std::uint64_t>(std::numeric_limits<std::ptrdiff_t>::max())) {
    fail(ErrorCode::kInvalidData, file,
         what + std::string(" of shape ") + shape + " is too large to address in memory");
  }
  const std::uint64_t limit = max_bytes != 0 ? max_bytes : available_memory();
  if (fit_bytes != 0 && (fit_bytes > limit || bytes > limit - fit_bytes)) {
    const std::uint64_t total = bytes + std::min(fit_bytes, std::numeric_limits<std::uint64_t>::max() - bytes);
    fail(ErrorCode::kInvalidData, file,
         "a fit on " + std::to_string(rows) + " rows x " + std::to_string(cols) + " columns needs an estimated " +
             human_bytes(total) + " (" + what + " " + human_bytes(bytes) + ", the model, optimizer and outputs " +
             human_bytes(fit_bytes) + ") but only " + human_bytes(limit) +
             " may be used (the memory available, or --max-memory); use fewer features or rows, or a machine "
             "with more memory");
  }
  if (bytes > limit) {
    fail(ErrorCode::kInvalidData, file,
         what + std::string(" of shape ") + shape + " need " + human_bytes(bytes) + " but only " + human_bytes(limit) +
             " of memory is available; use a machine with more memory or a subset of the rows");
  }
  return bytes;
}

NumberStatus parse_float(const char*& p, const char* end, float& out) {
  const char* s = p;
  if (s != end && *s == '+') {  // from_chars rejects a leading '+'; "+-1" stays invalid
    ++s;
    if (s != end && *s == '-') return NumberStatus::kNotANumber;
  }
  auto r = std::from_chars(s, end, out);
  if (r.ec == std::errc::invalid_argument) return NumberStatus::kNotANumber;
  if (r.ec == std::errc::result_out_of_range) {
    // Parse as double to tell underflow (round towards zero, as strtof does) from overflow.
    double d = 0;
    r = std::from_chars(s, end, d);
    if (r.ec != std::errc{} || std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())) {
      p = r.ptr;
      return NumberStatus::kOverflow;
    }
    out = static_cast<float>(d);
  }
  p = r.ptr;
  return std::isfinite(out) ? NumberStatus::kOk : NumberStatus::kNonFinite;
}

std::string quote_cell(std::string_view cell) {
  constexpr std::size_t kMax = 40;
  std::string out = "'";
  for (char c : cell.substr(0, kMax)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", u);
      out += hex;
    } else {
      out += c;
    }
  }
  if (cell.size() > kMax) out += "...";
  out += "'";
  return out;
}

bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<std::size_t>(len) > n) return false;
    for (int k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const std::uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += static_cast<std::size_t>(len);
  }
  return true;
}

LineReader::LineReader(ByteSource& src, std::uint64_t max_line, std::size_t block)
    // A small input needs no 4 MiB block (this matters when tests and fuzzers read many tiny files).
    : src_(src),
      max_line_(max_line),
      buf_(static_cast<std::size_t>(std::max<std::uint64_t>(std::min<std::uint64_t>(block, src.max_size()), 1) + 1)) {}

bool LineReader::refill() {
  if (eof_) return false;
  // Move the unfinished line to the front; grow when it fills the whole block.
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) {
    if (end_ > max_line_) {
      fail(ErrorCode::kInvalidData, src_.name(),
           "line " + std::to_string(line_no_ + 1) + " is longer than " + human_bytes(max_line_) +
               " (no line break found): this is not a text table gfs can read (wrong --format?)");
    }
    buf_.resize(buf_.size() * 2);
  }
  const std::size_t k = src_.read(buf_.data() + end_, buf_.size() - end_);
  if (k == 0) eof_ = true;
  end_ += k;
  return k != 0;
}

bool LineReader::next(std::string_view& line) {
  std::size_t scan_from = begin_;
  for (;;) {
    const char* base = buf_.data();
    const void* nl = std::memchr(base + scan_from, '\n', end_ - scan_from);
    if (nl != nullptr) {
      const std::size_t pos = static_cast<std::size_t>(static_cast<const char*>(nl) - base);
      std::size_t len = pos - begin_;
      if (len > 0 && base[begin_ + len - 1] == '\r') --len;
      line = std::string_view(base + begin_, len);
      consumed_ += pos + 1 - begin_;
      begin_ = pos + 1;
      ++line_no_;
      check_line(line);
      return true;
    }
    const std::size_t scanned = end_ - begin_;
    if (!refill()) break;
    scan_from = begin_ + scanned;
  }
  if (begin_ == end_) return false;
  // The last line has no terminator.
  std::size_t len = end_ - begin_;
  if (len > 0 && buf_[begin_ + len - 1] == '\r') --len;
  line = std::string_view(buf_.data() + begin_, len);
  consumed_ += end_ - begin_;
  begin_ = end_;
  ++line_no_;
  check_line(line);
  return true;
}

void LineReader::check_line(std::string_view line) const {
  if (line.size() > max_line_) {
    fail(ErrorCode::kInvalidData, src_.name(),
         "line " + std::to_string(line_no_) + " is longer than " + human_bytes(max_line_) +
             ": this is not a text table gfs can read (wrong --format?)");
  }
  if (std::memchr(line.data(), '\r', line.size()) == nullptr) return;
  fail(ErrorCode::kInvalidData, src_.name(),
       "line " + std::to_string(line_no_) +
           " holds a carriage return (CR) inside it: the file seems to use CR-only (classic Mac) line "
           "endings; convert them to LF first, e.g. tr '\\r' '\\n' < in.csv > out.csv");
}

}  // namespace gfs::io::detail
