/// @file test_binary.cpp
/// @brief NPY and IDX readers: dtypes, versions, labels files, gzip, and every rejected input.
#include <zlib.h>

#include <cmath>

#include "io/dataset.hpp"
#include "io_test_util.hpp"

namespace gfs::io::test {
namespace {

template <typename T>
std::string raw(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

/// Big-endian bytes of each value.
template <typename T>
std::string raw_be(const std::vector<T>& v) {
  std::string out;
  for (T x : v) {
    std::string b = bytes_of(x);
    out.append(b.rbegin(), b.rend());
  }
  return out;
}

TEST(Npy, Float32AndFloat64WithLabels) {
  TempDir dir;
  const auto x = dir.write("x.npy", npy_file("<f4", "(2, 3)", raw<float>({1, 2, 3, 4, 5, 6})));
  const auto y = dir.write("y.npy", npy_file("<i8", "(2,)", raw<std::int64_t>({0, 1})));
  ReadOptions o;
  o.labels_path = y;
  const Dataset d = read_dataset(x, o);
  EXPECT_EQ(d.n_rows, 2);
  EXPECT_EQ(d.n_cols, 3);
  EXPECT_EQ(d.x, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(d.y, (std::vector<float>{0, 1}));
  EXPECT_TRUE(d.feature_names.empty());
  const auto x8 = dir.write("x8.npy", npy_file("<f8", "(1, 2)", raw<double>({0.25, -1e10}), false, 2));
  EXPECT_EQ(read_dataset(x8).x, (std::vector<float>{0.25F, -1e10F}));
}

TEST(Npy, LabelDtypesAndTargetColumn) {
  TempDir dir;
  const auto x = dir.write("x.npy", npy_file("<f4", "(2, 2)", raw<float>({1, 7, 2, 8})));
  ReadOptions o;
  o.labels_path = dir.write("y.npy", npy_file("|u1", "(2, 1)", std::string("\x03\x04", 2)));
  EXPECT_EQ(read_dataset(x, o).y, (std::vector<float>{3, 4}));
  o.labels_path = dir.write("b.npy", npy_file("|b1", "(2,)", std::string("\x00\x01", 2)));
  EXPECT_EQ(read_dataset(x, o).y, (std::vector<float>{0, 1}));
  ReadOptions t;
  t.targets = {"1"};
  const Dataset d = read_dataset(x, t);
  EXPECT_EQ(d.x, (std::vector<float>{1, 2}));
  EXPECT_EQ(d.y, (std::vector<float>{7, 8}));
}

TEST(Npy, FortranOrderReadsAsItsCOrderCopy) {
  // numpy.save writes an F-contiguous array (X[:, perm], X.T.copy().T, many R and pandas exports)
  // column-major with 'fortran_order': True; it reads as the C-order copy of the same array.
  TempDir dir;
  constexpr int kRows = 70, kCols = 130;  // more than one 64 x 64 tile each way, partial tiles
  std::vector<float> c_order(kRows * kCols), f_order(kRows * kCols);
  std::vector<double> f64(kRows * kCols);
  for (int r = 0; r < kRows; ++r)
    for (int c = 0; c < kCols; ++c) {
      const float v = static_cast<float>(r * 1000 + c) * 0.5F;
      c_order[r * kCols + c] = v;
      f_order[c * kRows + r] = v;
      f64[c * kRows + r] = v;
    }
  const std::string shape = "(" + std::to_string(kRows) + ", " + std::to_string(kCols) + ")";
  const auto cf = dir.write("c.npy", npy_file("<f4", shape, raw(c_order)));
  const auto ff = dir.write("f.npy", npy_file("<f4", shape, raw(f_order), true));
  const auto f8 = dir.write("f8.npy", npy_file("<f8", shape, raw(f64), true, 3));
  for (const std::vector<std::string>& targets : {std::vector<std::string>{}, std::vector<std::string>{"3", "-1"}}) {
    ReadOptions o;
    o.targets = targets;
    const Dataset want = read_dataset(cf, o);
    for (const auto& path : {ff, f8}) {
      const Dataset got = read_dataset(path, o);
      EXPECT_EQ(got.n_rows, want.n_rows);
      EXPECT_EQ(got.n_cols, want.n_cols);
      EXPECT_EQ(got.x, want.x) << path;
      EXPECT_EQ(got.y, want.y) << path;
    }
  }
  // Labels in F order: [rows, 2] regression targets, and a [rows, 1] column (the same bytes).
  const auto x = dir.write("x.npy", npy_file("<f4", "(3, 1)", raw<float>({1, 2, 3})));
  ReadOptions o;
  o.labels_path = dir.write("y.npy", npy_file("<f4", "(3, 2)", raw<float>({1, 2, 3, 10, 20, 30}), true));
  EXPECT_EQ(read_dataset(x, o).y, (std::vector<float>{1, 10, 2, 20, 3, 30}));
  o.labels_path = dir.write("y1.npy", npy_file("<i8", "(3, 1)", raw<std::int64_t>({4, 5, 4}), true));
  EXPECT_EQ(read_dataset(x, o).y, (std::vector<float>{4, 5, 4}));
}

TEST(NpyErrors, FortranOrderErrorsNameTheCell) {
  TempDir dir;
  // Column-major: the fourth value stored is row 1 of column 1 (of 3 rows), the second row 1 of column 0.
  const auto n = dir.write("n.npy", npy_file("<f4", "(3, 2)", raw<float>({1, 2, 3, 4, INFINITY, 6}), true));
  expect_error([&] { read_dataset(n); }, ErrorCode::kInvalidData, {"row 1, column 1", "infinite"});
  const auto big = dir.write("big.npy", npy_file("<f8", "(3, 2)", raw<double>({1, 1e300, 3, 4, 5, 6}), true));
  expect_error([&] { read_dataset(big); }, ErrorCode::kInvalidData, {"row 1, column 0", "float32 range"});
  const auto t = dir.write("t.npy", npy_file("<f4", "(3, 2)", raw<float>({1, 2, 3, 4}), true));
  expect_error([&] { read_dataset(t); }, ErrorCode::kInvalidData, {t, "truncated"});
  const auto three = dir.write("3d.npy", npy_file("<f4", "(2, 2, 2)", raw<float>({1, 2, 3, 4, 5, 6, 7, 8}), true));
  expect_error([&] { read_dataset(three); }, ErrorCode::kInvalidData, {"Fortran-order", "(2, 2, 2)", "2 dimensions"});
  std::string odd = npy_file("<f4", "(1, 1)", raw<float>({1}));
  odd.replace(odd.find("False"), 5, "1    ");
  const auto o = dir.write("o.npy", odd);
  expect_error([&] { read_dataset(o); }, ErrorCode::kInvalidData, {"'fortran_order' is neither True nor False"});
}

TEST(NpyErrors, LayoutAndTypeRejectedWithAdvice) {
  TempDir dir;
  const auto be = dir.write("be.npy", npy_file(">f4", "(1, 1)", raw<float>({1})));
  expect_error([&] { read_dataset(be); }, ErrorCode::kInvalidData, {"big-endian"});
  const auto c = dir.write("c.npy", npy_file("<c8", "(1, 1)", raw<float>({1, 2})));
  expect_error([&] { read_dataset(c); }, ErrorCode::kInvalidData, {"'<c8' is not supported"});
  const auto one = dir.write("one.npy", npy_file("<f4", "(3,)", raw<float>({1, 2, 3})));
  expect_error([&] { read_dataset(one); }, ErrorCode::kInvalidData, {"2-D", "(3,)"});
}

TEST(NpyErrors, MagicTruncationTrailingNanAndHugeShape) {
  TempDir dir;
  const auto m = dir.write("m.npy", "PK\x03\x04 not numpy at all");
  expect_error([&] { read_dataset(m); }, ErrorCode::kInvalidData, {m, "bad magic"});
  const auto t = dir.write("t.npy", npy_file("<f4", "(2, 2)", raw<float>({1, 2, 3})));
  expect_error([&] { read_dataset(t); }, ErrorCode::kInvalidData, {t, "truncated"});
  const auto x = dir.write("x.npy", npy_file("<f4", "(1, 2)", raw<float>({1, 2, 3})));
  expect_error([&] { read_dataset(x); }, ErrorCode::kInvalidData, {"bytes after the data"});
  const auto n = dir.write("n.npy", npy_file("<f4", "(2, 2)", raw<float>({1, 2, 3, -INFINITY})));
  expect_error([&] { read_dataset(n); }, ErrorCode::kInvalidData, {"row 1, column 1", "infinite"});
  // NaN is a missing feature value, but a target must be given.
  const auto missing = dir.write("missing.npy", npy_file("<f4", "(2, 2)", raw<float>({1, NAN, NAN, 4})));
  EXPECT_TRUE(std::isnan(read_dataset(missing).x[1]));
  ReadOptions second;
  second.targets = {"1"};
  expect_error([&] { read_dataset(missing, second); }, ErrorCode::kInvalidData, {"row 0: target 1 is missing (NaN)"});
  const auto h = dir.write("h.npy", npy_file("<f4", "(100000000000, 100000000000)", ""));
  expect_error([&] { read_dataset(h); }, ErrorCode::kInvalidData, {h});
  const auto o = dir.write("o.npy", npy_file("<f4", "(4294967296, 4294967296, 4294967296)", ""));
  expect_error([&] { read_dataset(o); }, ErrorCode::kInvalidData, {"too large"});
  const auto e = dir.write("e.npy", "");
  expect_error([&] { read_dataset(e); }, ErrorCode::kInvalidData, {e, "empty"});
}

TEST(NpyErrors, LabelRowsMustMatch) {
  TempDir dir;
  const auto x = dir.write("x.npy", npy_file("<f4", "(2, 1)", raw<float>({1, 2})));
  ReadOptions o;
  o.labels_path = dir.write("y.npy", npy_file("<f4", "(3,)", raw<float>({0, 1, 0})));
  expect_error([&] { read_dataset(x, o); }, ErrorCode::kInvalidData, {o.labels_path, "3 label rows", "2 data rows"});
}

TEST(Idx, ImagesFlattenedLabelsAndGzip) {
  TempDir dir;
  std::string img = idx_header(0x08, {2, 2, 3});
  for (int i = 0; i < 12; ++i) img += static_cast<char>(i * 20);
  const auto x = dir.write("train-images-idx3-ubyte", img);
  const auto y = dir.path("train-labels-idx1-ubyte.gz");
  const std::string lab = idx_header(0x08, {2}) + std::string("\x07\x02", 2);
  gzFile f = gzopen(y.c_str(), "wb");
  gzwrite(f, lab.data(), static_cast<unsigned>(lab.size()));
  gzclose(f);
  ReadOptions o;
  o.labels_path = y;
  const Dataset d = read_dataset(x, o);
  EXPECT_EQ(d.format, Format::kIdx);
  EXPECT_EQ(d.n_rows, 2);
  EXPECT_EQ(d.n_cols, 6);
  EXPECT_FLOAT_EQ(d.x[11], 220.0F);
  EXPECT_EQ(d.y, (std::vector<float>{7, 2}));
}

TEST(Idx, BigEndianWideTypes) {
  TempDir dir;
  const auto i = dir.write("i.idx", idx_header(0x0C, {1, 2}) + raw_be<std::int32_t>({-5, 70000}));
  EXPECT_EQ(read_dataset(i).x, (std::vector<float>{-5, 70000}));
  const auto s = dir.write("s.idx", idx_header(0x0B, {1, 1}) + raw_be<std::int16_t>({-300}));
  EXPECT_EQ(read_dataset(s).x, (std::vector<float>{-300}));
  const auto f = dir.write("f.idx", idx_header(0x0D, {1, 1}) + raw_be<float>({1.5F}));
  EXPECT_EQ(read_dataset(f).x, (std::vector<float>{1.5F}));
  const auto d = dir.write("d.idx", idx_header(0x0E, {1, 1}) + raw_be<double>({-2.25}));
  EXPECT_EQ(read_dataset(d).x, (std::vector<float>{-2.25F}));
  const auto b = dir.write("b.idx", idx_header(0x09, {1, 1}) + std::string("\xFF", 1));
  EXPECT_EQ(read_dataset(b).x, (std::vector<float>{-1}));
}

TEST(IdxErrors, MagicTruncationAndLyingHeader) {
  TempDir dir;
  const auto m = dir.write("m.idx", std::string("\x00\x00\x07\x01\x00\x00\x00\x01\x05", 9));
  expect_error([&] { read_dataset(m); }, ErrorCode::kInvalidData, {m, "bad magic", "0x00000701"});
  const auto t = dir.write("t.idx", idx_header(0x08, {3, 2}) + "abc");
  expect_error([&] { read_dataset(t); }, ErrorCode::kInvalidData, {t, "truncated"});
  const auto h = dir.write("h.idx", idx_header(0x08, {60000, 60000, 60000}) + "x");
  expect_error([&] { read_dataset(h); }, ErrorCode::kInvalidData, {h, "truncated"});
  const auto th = dir.write("th.idx", std::string("\x00\x00\x08\x03\x00\x00", 6));
  expect_error([&] { read_dataset(th); }, ErrorCode::kInvalidData, {"truncated IDX header"});
  const auto x = dir.write("x.idx", idx_header(0x08, {1, 1}) + "a");
  ReadOptions o;
  o.targets = {"0"};
  expect_error([&] { read_dataset(x, o); }, ErrorCode::kInvalidData, {"--labels"});
}

TEST(IdxErrors, CorruptGzip) {
  TempDir dir;
  std::string img = idx_header(0x08, {1, 4}) + "abcd";
  const auto gz = dir.path("c.idx.gz");
  gzFile f = gzopen(gz.c_str(), "wb");
  gzwrite(f, img.data(), static_cast<unsigned>(img.size()));
  gzclose(f);
  std::FILE* in = std::fopen(gz.c_str(), "rb");
  std::string bytes(4096, '\0');
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), in));
  std::fclose(in);
  const auto cut = dir.write("cut.idx.gz", bytes.substr(0, bytes.size() - 6));
  expect_error([&] { read_dataset(cut); }, ErrorCode::kInvalidData, {cut});
  std::string bad = bytes;
  bad[12] = static_cast<char>(bad[12] ^ 0x55);
  const auto corrupt = dir.write("bad.idx.gz", bad);
  expect_error([&] { read_dataset(corrupt); }, ErrorCode::kInvalidData, {corrupt});
}

}  // namespace
}  // namespace gfs::io::test
