/// @file test_libsvm.cpp
/// @brief LIBSVM/SVMlight reader: densifying, qid and comments, and rejected lines with locations.
#include "io/dataset.hpp"
#include "io_test_util.hpp"

namespace gfs::io::test {
namespace {

TEST(Libsvm, DensifiesWithQidAndComments) {
  TempDir dir;
  const auto p = dir.write("a.libsvm", "# a comment line\n+1 qid:3 1:0.5 3:-2 # trailing comment\n\n-1 2:4\n0\n");
  const Dataset d = read_dataset(p);
  EXPECT_EQ(d.format, Format::kLibsvm);
  EXPECT_EQ(d.n_rows, 3);
  EXPECT_EQ(d.n_cols, 3);
  EXPECT_EQ(d.x, (std::vector<float>{0.5F, 0, -2, 0, 4, 0, 0, 0, 0}));
  EXPECT_EQ(d.y, (std::vector<float>{1, -1, 0}));
  ReadOptions wide;
  wide.n_features = 5;
  EXPECT_EQ(read_dataset(p, wide).n_cols, 5);
}

TEST(LibsvmErrors, BadLinesNameLineAndColumn) {
  TempDir dir;
  const auto z = dir.write("z.svm", "1 1:2\n1 0:3\n");
  expect_error([&] { read_dataset(z); }, ErrorCode::kInvalidData, {z, "line 2, column 3", "1-based"});
  const auto o = dir.write("o.svm", "1 3:2 2:1\n");
  expect_error([&] { read_dataset(o); }, ErrorCode::kInvalidData, {"line 1, column 7", "increase"});
  const auto v = dir.write("v.svm", "1 1:2\n0 1:x\n");
  expect_error([&] { read_dataset(v); }, ErrorCode::kInvalidData, {"line 2, column 5", "'x'", "not a number"});
  const auto n = dir.write("n.svm", "1 1:nan\n");
  expect_error([&] { read_dataset(n); }, ErrorCode::kInvalidData, {"line 1, column 5", "NaN"});
  const auto l = dir.write("l.svm", "abc 1:1\n");
  expect_error([&] { read_dataset(l); }, ErrorCode::kInvalidData, {"line 1, column 1", "label 'abc'"});
  const auto m = dir.write("m.svm", "1,2 1:1\n");
  expect_error([&] { read_dataset(m); }, ErrorCode::kInvalidData, {"multi-label"});
  const auto c = dir.write("c.svm", "1 5\n");
  expect_error([&] { read_dataset(c); }, ErrorCode::kInvalidData, {"line 1, column 3", "index:value"});
  ReadOptions narrow;
  narrow.n_features = 2;
  const auto w = dir.write("w.svm", "1 3:1\n");
  expect_error([&] { read_dataset(w, narrow); }, ErrorCode::kInvalidData, {"exceeds the expected 2 features"});
}

TEST(LibsvmErrors, EmptyOrFeatureless) {
  TempDir dir;
  const auto e = dir.write("e.svm", "");
  expect_error([&] { read_dataset(e); }, ErrorCode::kInvalidData, {e, "empty"});
  const auto c = dir.write("c.svm", "# only a comment\n\n");
  expect_error([&] { read_dataset(c); }, ErrorCode::kInvalidData, {"no data lines"});
  const auto f = dir.write("f.svm", "1\n0\n");
  expect_error([&] { read_dataset(f); }, ErrorCode::kInvalidData, {"no features"});
  ReadOptions t;
  t.targets = {"0"};
  const auto ok = dir.write("ok.svm", "1 1:1\n");
  expect_error([&] { read_dataset(ok, t); }, ErrorCode::kInvalidData, {"drop --target"});
}

}  // namespace
}  // namespace gfs::io::test
