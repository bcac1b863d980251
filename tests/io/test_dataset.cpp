/// @file test_dataset.cpp
/// @brief Format names and inference, text labels files, CSV output and atomic writes.
#include <fstream>
#include <sstream>

#include "io/atomic_file.hpp"
#include "io/csv_writer.hpp"
#include "io/dataset.hpp"
#include "io_test_util.hpp"

namespace gfs::io::test {
namespace {

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Formats, NamesAndExtensions) {
  EXPECT_EQ(parse_format("libsvm"), Format::kLibsvm);
  expect_error([] { parse_format("parquet"); }, ErrorCode::kInvalidArgument, {"'parquet'", "csv, npy"});
  EXPECT_EQ(format_from_extension("dir.v2/data.CSV"), Format::kCsv);
  EXPECT_EQ(format_from_extension("x.tsv.gz"), Format::kCsv);
  EXPECT_EQ(format_from_extension("a/x.npy"), Format::kNpy);
  EXPECT_EQ(format_from_extension("t10k-images-idx3-ubyte.gz"), Format::kIdx);
  EXPECT_EQ(format_from_extension("a9a.svmlight"), Format::kLibsvm);
  EXPECT_EQ(format_from_extension("data.bin"), Format::kAuto);
}

TEST(Formats, SniffedFromContentOrRefused) {
  TempDir dir;
  const auto n = dir.write("data.bin", npy_file("<f4", "(1, 1)", bytes_of(2.0F)));
  EXPECT_EQ(read_dataset(n).format, Format::kNpy);
  const auto u = dir.write("data.dat", "a,b\n1,2\n");
  expect_error([&] { read_dataset(u); }, ErrorCode::kInvalidArgument, {u, "--format"});
  ReadOptions o;
  o.format = Format::kCsv;
  EXPECT_EQ(read_dataset(u, o).n_cols, 2);
}

TEST(Labels, TextWithHeaderAndConflicts) {
  TempDir dir;
  const auto x = dir.write("x.csv", "a,b\n1,2\n3,4\n5,6\n");
  ReadOptions o;
  o.labels_path = dir.write("y.txt", "class\n0\n2\n1\n");
  const Dataset d = read_dataset(x, o);
  EXPECT_EQ(d.y, (std::vector<float>{0, 2, 1}));
  EXPECT_EQ(d.target_names, (std::vector<std::string>{"class"}));
  o.labels_path = dir.write("short.txt", "0\n1\n");
  expect_error([&] { read_dataset(x, o); }, ErrorCode::kInvalidData, {"short.txt", "2 label rows", "3 data rows"});
  o.labels_path = dir.write("bad.txt", "0\n1\nzz\n");
  expect_error([&] { read_dataset(x, o); }, ErrorCode::kInvalidData, {"bad.txt", "line 3, column 1", "'zz'"});
  o.labels_path = dir.write("ok.txt", "0\n1\n1\n");
  o.targets = {"a"};
  expect_error([&] { read_dataset(x, o); }, ErrorCode::kInvalidArgument, {"not both"});
}

TEST(Output, ColumnsCsvRoundTrip) {
  TempDir dir;
  const auto x = dir.write("x.csv", "a,\"b,c\",d,y\n1.5,2,3,cat\n4,5,6.25,dog\n");
  ReadOptions o;
  o.targets = {"y"};
  const Dataset d = read_dataset(x, o);
  const auto out = dir.path("out.csv");
  write_columns_csv(out, d, {0, 2}, true);
  EXPECT_EQ(slurp(out), "a,d,y\n1.5,3,cat\n4,6.25,dog\n");
  write_columns_csv(out, d, {1}, false);
  EXPECT_EQ(slurp(out), "\"b,c\"\n2\n5\n");
  const Dataset back = read_dataset(out);
  EXPECT_EQ(back.feature_names, (std::vector<std::string>{"b,c"}));
}

TEST(Output, AtomicFileAllOrNothing) {
  TempDir dir;
  const auto p = dir.path("r.json");
  {
    AtomicFile f(p);
    f.write("half");
  }  // never committed: nothing appears, no temporary file is left
  EXPECT_FALSE(std::ifstream(p).good());
  EXPECT_EQ(std::system(("test -z \"$(ls -A '" + dir.dir() + "')\"").c_str()), 0);
  write_file_atomic(p, "{}\n");
  EXPECT_EQ(slurp(p), "{}\n");
  const auto bad = dir.path("no/such/dir/r.json");
  expect_error([&] { write_file_atomic(bad, "x"); }, ErrorCode::kIo, {bad, "No such file"});
}

}  // namespace
}  // namespace gfs::io::test
