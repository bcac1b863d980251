/// @file io_test_util.hpp
/// @brief A temporary directory for reader tests and an assertion that a call throws gfs::Error with
///        a given code and message fragments.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "gfs/error.hpp"

namespace gfs::io::test {

/// A fresh directory under $TMPDIR, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/gfs_io_test_XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
  }
  ~TempDir() {
    const std::string cmd = "rm -rf '" + dir_ + "'";
    (void)std::system(cmd.c_str());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] std::string path(const std::string& name) const { return dir_ + "/" + name; }
  /// Writes bytes to dir/name and returns the full path.
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string p = path(name);
    std::FILE* f = std::fopen(p.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot write " + p);
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    return p;
  }
  [[nodiscard]] const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

/// Runs fn and checks it throws gfs::Error with `code` and a message holding every fragment.
inline void expect_error(const std::function<void()>& fn, ErrorCode code, const std::vector<std::string>& fragments) {
  try {
    fn();
    ADD_FAILURE() << "expected gfs::Error, got no exception";
  } catch (const Error& e) {
    EXPECT_EQ(static_cast<int>(e.code()), static_cast<int>(code)) << e.what();
    for (const std::string& f : fragments) {
      EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << "message lacks '" << f << "': " << e.what();
    }
  }
}

/// Little-endian bytes of a trivially copyable value.
template <typename T>
std::string bytes_of(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}

/// A complete .npy file (version 1.0 unless `major` says otherwise).
inline std::string npy_file(const std::string& descr, const std::string& shape, const std::string& data,
                            bool fortran = false, int major = 1) {
  std::string dict =
      "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
  const std::size_t pre = major == 1 ? 10 : 12;
  while ((pre + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  if (major == 1) {
    out += bytes_of(static_cast<std::uint16_t>(dict.size()));
  } else {
    out += bytes_of(static_cast<std::uint32_t>(dict.size()));
  }
  return out + dict + data;
}

/// An IDX header: magic 00 00 type ndims, then big-endian dims.
inline std::string idx_header(unsigned char type, const std::vector<std::uint32_t>& dims) {
  std::string out{'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (std::uint32_t d : dims) {
    out += static_cast<char>(d >> 24);
    out += static_cast<char>(d >> 16);
    out += static_cast<char>(d >> 8);
    out += static_cast<char>(d);
  }
  return out;
}

}  // namespace gfs::io::test
