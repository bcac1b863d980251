/// @file binary_detail.hpp
/// @brief The pieces of the binary readers (binary_reader.cpp) that the rank-local NPY reader
///        (npy_block.cpp) shares: element types and their conversion, the .npy header, target columns.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "io/byte_source.hpp"

namespace gfs::io::detail {

/// Element type of a binary array: kind 'f' float, 'i' signed, 'u' unsigned, 'b' bool.
struct DType {
  char kind = 'f';
  int size = 4;
  bool big_endian = false;
};

template <typename T>
T load(const unsigned char* p, bool big_endian) {
  unsigned char b[sizeof(T)];
  std::memcpy(b, p, sizeof(T));
  if (big_endian) std::reverse(b, b + sizeof(T));  // the host is little-endian (x86-64, aarch64)
  T v;
  std::memcpy(&v, b, sizeof(T));
  return v;
}

/// One element as float32.
float convert_one(const unsigned char* p, DType t);

/// The exact decimal text of an integer element (labels keep 64-bit class ids exact).
std::string int_text(const unsigned char* p, DType t);

/// Throws gfs::Error (kInvalidData) unless src is at its end: nothing follows the last element.
void expect_end(ByteSource& src);

/// A [rows, cols] array stored column-major, in row-major order.
std::vector<float> transposed(const std::vector<float>& column_major, std::uint64_t rows, std::uint64_t cols);

/// "(2, 3)", "(5,)".
std::string shape_text(const std::vector<std::uint64_t>& shape);

/// What a .npy header says: the shape, the element type, the element count, the header's bytes.
struct NpyHeader {
  std::vector<std::uint64_t> shape;
  DType t;
  bool fortran = false;  ///< column-major ('fortran_order': True): element (r, c) at c * rows + r
  std::uint64_t count = 1;
  std::uint64_t bytes = 0;
};
/// Reads and checks the header; src is left at the first element.
NpyHeader read_npy_header(ByteSource& src);

/// The array columns --target names (0-based, negative from the end), marked in is_target.
std::vector<std::uint64_t> target_columns(const std::vector<std::string>& specs, std::uint64_t cols,
                                          const std::string& file, std::vector<bool>& is_target);

}  // namespace gfs::io::detail
