/// @file cli_test_util.hpp
/// @brief Runs the built `gfs` binary with arguments in a scratch directory and captures its exit
///        code, stdout and stderr.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../io/io_test_util.hpp"

namespace gfs::cli::test {

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
  [[nodiscard]] std::string all() const { return out + err; }
};

inline std::string data(const std::string& name) { return std::string(GFS_TEST_DATA) + "/" + name; }

/// An .npy file of float32 values [rows, cols] given row-major ([rows] for cols 0), stored
/// column-major ('fortran_order': True) when `fortran`.
inline std::string npy_f32(const std::vector<float>& values, std::int64_t rows, std::int64_t cols,
                           bool fortran = false) {
  const std::string shape =
      "(" + std::to_string(rows) + (cols > 0 ? ", " + std::to_string(cols) : std::string(",")) + ")";
  std::string bytes;
  const std::int64_t width = cols > 0 ? cols : 1;
  for (std::int64_t i = 0; i < rows * width; ++i) {
    const std::int64_t at = fortran ? (i % rows) * width + i / rows : i;
    bytes += io::test::bytes_of(values[static_cast<std::size_t>(at)]);
  }
  return io::test::npy_file("<f4", shape, bytes, fortran);
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Single-quotes an argument for /bin/sh.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// A scratch directory plus a way to run `gfs` inside it.
class Cli : public ::testing::Test {
 protected:
  io::test::TempDir dir_;

  Outcome gfs(const std::vector<std::string>& args) {
    std::string cmd = "cd " + shell_quote(dir_.dir()) + " && " + shell_quote(GFS_CLI_PATH);
    for (const std::string& a : args) cmd += " " + shell_quote(a);
    cmd += " >" + shell_quote(dir_.path(".stdout")) + " 2>" + shell_quote(dir_.path(".stderr")) + " </dev/null";
    const int status = std::system(cmd.c_str());
    Outcome r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(dir_.path(".stdout"));
    r.err = slurp(dir_.path(".stderr"));
    return r;
  }

  /// Expects `gfs args` to exit with `code` and to say every fragment (stdout or stderr).
  void expect_failure(const std::vector<std::string>& args, int code, const std::vector<std::string>& fragments) {
    const Outcome r = gfs(args);
    std::string cmd;
    for (const auto& a : args) cmd += " " + a;
    EXPECT_EQ(r.code, code) << "gfs" << cmd << "\n" << r.all();
    for (const std::string& f : fragments) {
      EXPECT_NE(r.all().find(f), std::string::npos) << "gfs" << cmd << ": output lacks '" << f << "':\n" << r.all();
    }
  }
};

}  // namespace gfs::cli::test
