/// @file error.hpp
/// @brief The one exception type of libgfs and the status codes it maps to at the C boundary.
#pragma once

#include <stdexcept>
#include <string>

namespace gfs {

/// Why an operation failed. The numeric values are the C API's status codes (gfs.h).
enum class ErrorCode : int {
  kInvalidArgument = 1,    ///< a setting or argument is out of range or unknown
  kInvalidData = 2,        ///< the data (X or y) cannot be used as given
  kDeviceUnavailable = 3,  ///< the requested device is absent or out of memory
  kIo = 4,                 ///< a file could not be read or written
  kInternal = 5,           ///< a bug in libgfs: please report it
  /// The fit stopped on request (CheckpointOptions::stop_requested) after writing its checkpoint:
  /// not a failure; resume from the checkpoint. (6 and 7 are the C API's own statuses.)
  kCheckpointed = 8,
};

namespace detail {
/// The message with NUL bytes written as "\0": what() is a C string, and a NUL taken from the
/// input (a header, a cell) would cut the message there.
inline std::string without_nul(const std::string& message) {
  if (message.find('\0') == std::string::npos) return message;
  std::string out;
  out.reserve(message.size() + 8);
  for (char c : message) {
    if (c == '\0') {
      out += "\\0";
    } else {
      out += c;
    }
  }
  return out;
}
}  // namespace detail

/// A user-facing error: the message says what is wrong and, where it can, what to change.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(detail::without_nul(message)), code_(code) {}
  [[nodiscard]] ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace gfs
