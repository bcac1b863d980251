// Rank-local reads (ReadOptions::columns): each format returns exactly the asked block of the
// feature columns, the whole targets, the file's width and the names of every column; a block
// outside the table and bad values outside the block are refused as a whole read refuses them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "io/dataset.hpp"
#include "io_test_util.hpp"

namespace gfs::io::test {
namespace {

/// Value (r, c) of the test tables: distinct, exact in float32 and in text.
float value(std::int64_t r, std::int64_t c) { return static_cast<float>(r * 1000 + c) * 0.25F - 7.0F; }

/// A .npy v1.0 file of `rows` x `cols` values in dtype `descr` ('<f4' or '<f8'), row-major or
/// (`fortran`) column-major.
std::string npy_bytes(std::int64_t rows, std::int64_t cols, const std::string& descr, bool fortran = false) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (" +
                     std::to_string(rows) + ", " + std::to_string(cols) + "), }";
  while ((10 + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(dict.size() & 0xFF);
  out += static_cast<char>(dict.size() >> 8);
  out += dict;
  for (std::int64_t i = 0; i < rows * cols; ++i) {
    const std::int64_t r = fortran ? i % rows : i / cols;
    const std::int64_t c = fortran ? i / rows : i % cols;
    char b[8];
    if (descr == "<f8") {
      const double v = value(r, c);
      std::memcpy(b, &v, 8);
      out.append(b, 8);
    } else {
      const float v = value(r, c);
      std::memcpy(b, &v, 4);
      out.append(b, 4);
    }
  }
  return out;
}

/// A CSV table; the cell (bad_row, bad_col) holds "inf" when given.
std::string csv_text(std::int64_t rows, std::int64_t cols, std::int64_t target, std::int64_t bad_row = -1,
                     std::int64_t bad_col = -1) {
  std::ostringstream s;
  for (std::int64_t c = 0; c < cols; ++c) s << (c ? "," : "") << "col" << c;
  s << "\n";
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      s << (c ? "," : "");
      if (r == bad_row && c == bad_col)
        s << "inf";
      else
        s << (c == target ? static_cast<float>(r % 3) : value(r, c));
    }
    s << "\n";
  }
  return s.str();
}

/// An IDX file of `n` u8 images a x b.
std::string idx_bytes(int n, int a, int b) {
  std::string out = {'\0', '\0', '\x08', '\x03'};
  for (int dim : {n, a, b}) {
    out += '\0';
    out += '\0';
    out += static_cast<char>(dim >> 8);
    out += static_cast<char>(dim & 0xFF);
  }
  for (int i = 0; i < n * a * b; ++i) out += static_cast<char>((i * 37) % 251);
  return out;
}

/// Sparse lines: every third value is left out (zero); the widest index appears in row 1 only.
std::string libsvm_text(std::int64_t rows, std::int64_t cols) {
  std::ostringstream s;
  for (std::int64_t r = 0; r < rows; ++r) {
    s << r % 2;
    for (std::int64_t c = 0; c < cols; ++c)
      if ((r + c) % 3 != 0 && (c + 1 < cols || r == 1)) s << " " << c + 1 << ":" << value(r, c);
    s << "\n";
  }
  return s.str();
}

/// The block [first, first + count) read alone equals those columns of the whole read.
void expect_block(const std::string& path, ReadOptions opt, std::int64_t first, std::int64_t count) {
  const Dataset whole = read_dataset(path, opt);
  std::int64_t seen_width = -1;
  opt.columns = [&](std::int64_t d) {
    seen_width = d;
    return ColumnWindow{first, count};
  };
  const Dataset part = read_dataset(path, opt);
  EXPECT_EQ(seen_width, whole.n_cols);
  ASSERT_EQ(part.n_rows, whole.n_rows);
  ASSERT_EQ(part.n_cols, count);
  EXPECT_EQ(part.first_col, first);
  EXPECT_EQ(part.features(), whole.n_cols);
  EXPECT_EQ(part.y, whole.y);
  EXPECT_EQ(part.n_targets, whole.n_targets);
  EXPECT_EQ(part.feature_names, whole.feature_names);
  ASSERT_EQ(part.x.size(), static_cast<std::size_t>(part.n_rows * count));
  for (std::int64_t r = 0; r < whole.n_rows; ++r)
    for (std::int64_t c = 0; c < count; ++c)
      ASSERT_EQ(part.x[static_cast<std::size_t>(r * count + c)],
                whole.x[static_cast<std::size_t>(r * whole.n_cols + first + c)])
          << path << " row " << r << " column " << first + c;
}

/// Every block of a split into 1..4 parts, and single columns at both ends.
void expect_blocks(const std::string& path, const ReadOptions& opt, std::int64_t d) {
  for (std::int64_t p = 1; p <= 4; ++p)
    for (std::int64_t r = 0; r < p; ++r) expect_block(path, opt, d * r / p, d * (r + 1) / p - d * r / p);
  expect_block(path, opt, 0, 1);
  expect_block(path, opt, d - 1, 1);
}

TEST(Columns, NpyKeepsTheBlockAroundATargetColumn) {
  TempDir dir;
  for (const char* descr : {"<f4", "<f8"}) {
    const std::string path = dir.write(std::string("x") + descr[2] + ".npy", npy_bytes(37, 23, descr));
    ReadOptions opt;
    expect_blocks(path, opt, 23);
    opt.targets = {"5"};  // features are the other 22 columns
    expect_blocks(path, opt, 22);
  }
}

TEST(Columns, NpyStreamsRowChunks) {
  // 4500 x 1000 float32 = 18 MB: more than one 16 MiB chunk of rows, the last one partial.
  TempDir dir;
  const std::string path = dir.write("big.npy", npy_bytes(4500, 1000, "<f4"));
  ReadOptions opt;
  expect_block(path, opt, 333, 334);
}

TEST(Columns, NpyWideRowsAreReadByOffset) {
  // 30 x 9000 float32: rows of 36 kB, of which a block of 1000 columns needs 4 kB: seek past the rest,
  // with a target column before the block and one after it.
  TempDir dir;
  const std::string path = dir.write("wide.npy", npy_bytes(30, 9000, "<f4"));
  ReadOptions opt;
  expect_block(path, opt, 4000, 1000);
  expect_block(path, opt, 0, 1);
  expect_block(path, opt, 8999, 1);
  opt.targets = {"10", "-1"};
  expect_block(path, opt, 2000, 500);
  // A file cut short in a row is refused before anything is read (its size is known).
  const std::string bytes = npy_bytes(30, 9000, "<f4");
  const std::string cut = dir.write("cut.npy", bytes.substr(0, bytes.size() - 9000 * 4 - 100));
  ReadOptions block;
  block.columns = [](std::int64_t) { return ColumnWindow{100, 10}; };
  expect_error([&] { read_dataset(cut, block); }, ErrorCode::kInvalidData, {"truncated", "270000 values"});
  block.columns = [](std::int64_t) { return ColumnWindow{8990, 10}; };
  expect_error([&] { read_dataset(cut, block); }, ErrorCode::kInvalidData, {"truncated", "270000 values"});
}

TEST(Columns, NpyFortranOrderReadsOnlyTheBlocksColumns) {
  // Column-major: a rank's columns are contiguous. Short columns (under 16 KiB) are streamed and
  // checked; 5000 float32 rows (20 kB a column) are read by offset. Every block equals the
  // C-order file's.
  TempDir dir;
  for (const std::int64_t rows : {std::int64_t{37}, std::int64_t{5000}}) {
    const std::string tag = std::to_string(rows);
    const std::string c_path = dir.write("c" + tag + ".npy", npy_bytes(rows, 23, "<f4"));
    const std::string f_path = dir.write("f" + tag + ".npy", npy_bytes(rows, 23, "<f4", true));
    for (const std::vector<std::string>& targets : {std::vector<std::string>{}, std::vector<std::string>{"5", "-1"}}) {
      ReadOptions opt;
      opt.targets = targets;
      const std::int64_t d = 23 - static_cast<std::int64_t>(targets.size());
      expect_blocks(f_path, opt, d);
      for (std::int64_t p = 1; p <= 3; ++p) {
        ReadOptions block = opt;
        block.columns = [p, d](std::int64_t) { return ColumnWindow{d / (p + 1), d - d / (p + 1)}; };
        const Dataset a = read_dataset(c_path, block);
        const Dataset b = read_dataset(f_path, block);
        EXPECT_EQ(a.x, b.x) << rows << " rows, from column " << d / (p + 1);
        EXPECT_EQ(a.y, b.y);
      }
    }
  }
  // Cut short inside the last column: refused whichever block a rank reads.
  const std::string bytes = npy_bytes(5000, 23, "<f4", true);
  const std::string cut = dir.write("cut.npy", bytes.substr(0, bytes.size() - 100));
  ReadOptions block;
  block.columns = [](std::int64_t) { return ColumnWindow{0, 2}; };
  expect_error([&] { read_dataset(cut, block); }, ErrorCode::kInvalidData, {"truncated"});
}

TEST(Columns, CsvKeepsTheBlockAndEveryName) {
  TempDir dir;
  const std::string path = dir.write("t.csv", csv_text(29, 18, 7));
  ReadOptions opt;
  opt.targets = {"col7"};
  expect_blocks(path, opt, 17);
}

TEST(Columns, LibsvmWithAndWithoutItsWidth) {
  TempDir dir;
  const std::string path = dir.write("t.libsvm", libsvm_text(31, 19));
  ReadOptions opt;
  expect_blocks(path, opt, 19);  // a first pass finds the width
  opt.n_features = 25;
  expect_blocks(path, opt, 25);
}

TEST(Columns, IdxIsCutAfterReading) {
  TempDir dir;
  const std::string path = dir.write("images-idx3-ubyte", idx_bytes(7, 4, 5));
  ReadOptions opt;
  expect_blocks(path, opt, 20);
}

TEST(Columns, ABlockOutsideTheTableIsRefused) {
  TempDir dir;
  const std::string path = dir.write("t.csv", csv_text(5, 4, -1));
  ReadOptions opt;
  opt.columns = [](std::int64_t d) { return ColumnWindow{d - 1, 2}; };
  expect_error([&] { read_dataset(path, opt); }, ErrorCode::kInvalidArgument, {"columns [3, 5)", "[0, 4)"});
  opt.columns = [](std::int64_t) { return ColumnWindow{0, 0}; };
  expect_error([&] { read_dataset(path, opt); }, ErrorCode::kInvalidArgument, {"columns [0, 0)"});
}

TEST(Columns, AnInfinityOutsideTheBlockIsStillRefused) {
  // Every rank refuses the file the same way, whichever block holds the bad value.
  TempDir dir;
  std::string bytes = npy_bytes(6, 8, "<f4");
  const float inf = std::numeric_limits<float>::infinity();
  std::memcpy(bytes.data() + bytes.size() - 4 * (8 * 2 - 6), &inf, 4);  // row 4, column 6
  const std::string path = dir.write("nan.npy", bytes);
  ReadOptions opt;
  opt.columns = [](std::int64_t) { return ColumnWindow{0, 2}; };
  expect_error([&] { read_dataset(path, opt); }, ErrorCode::kInvalidData, {"row 4, column 6", "infinite"});
  // Column-major, the same cell: stored at 6 * 6 + 4.
  std::string fbytes = npy_bytes(6, 8, "<f4", true);
  std::memcpy(fbytes.data() + fbytes.size() - 4 * (6 * 8 - (6 * 6 + 4)), &inf, 4);
  const std::string fpath = dir.write("inf_f.npy", fbytes);
  expect_error([&] { read_dataset(fpath, opt); }, ErrorCode::kInvalidData, {"row 4, column 6", "infinite"});
  const std::string cpath = dir.write("nan.csv", csv_text(6, 8, -1, 4, 7));
  expect_error([&] { read_dataset(cpath, opt); }, ErrorCode::kInvalidData, {"col7", "infinite"});
}

}  // namespace
}  // namespace gfs::io::test
