/// @file test_csv.cpp
/// @brief CSV reader: good files in their variants, and each documented failure with its location.
#include <zlib.h>

#include <cmath>

#include "io/dataset.hpp"
#include "io_test_util.hpp"

namespace gfs::io::test {
namespace {

ReadOptions target(const std::string& t) {
  ReadOptions o;
  o.targets = {t};
  return o;
}

TEST(Csv, TargetByNameKeepsFeatureNames) {
  TempDir dir;
  const auto p = dir.write("a.csv", "a,b,label,c\n1,2,0,3\n4.5,-5e-1,1,+6\n");
  const Dataset d = read_dataset(p, target("label"));
  EXPECT_EQ(d.n_rows, 2);
  EXPECT_EQ(d.n_cols, 3);
  EXPECT_EQ(d.n_targets, 1);
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(d.target_names, (std::vector<std::string>{"label"}));
  EXPECT_EQ(d.x, (std::vector<float>{1, 2, 3, 4.5F, -0.5F, 6}));
  EXPECT_EQ(d.y, (std::vector<float>{0, 1}));
  EXPECT_EQ(d.format, Format::kCsv);
}

TEST(Csv, TargetByIndexAndNegativeIndex) {
  TempDir dir;
  const auto p = dir.write("a.csv", "a,b,c\n1,2,3\n4,5,6\n");
  EXPECT_EQ(read_dataset(p, target("0")).y, (std::vector<float>{1, 4}));
  const Dataset d = read_dataset(p, target("-1"));
  EXPECT_EQ(d.y, (std::vector<float>{3, 6}));
  EXPECT_EQ(d.x, (std::vector<float>{1, 2, 4, 5}));
}

TEST(Csv, NoTargetAndSeveralTargets) {
  TempDir dir;
  const auto p = dir.write("a.csv", "a,b,c\n1,2,3\n4,5,6\n");
  const Dataset none = read_dataset(p);
  EXPECT_EQ(none.n_cols, 3);
  EXPECT_TRUE(none.y.empty());
  ReadOptions o;
  o.targets = {"c", "a"};
  const Dataset two = read_dataset(p, o);
  EXPECT_EQ(two.n_targets, 2);
  EXPECT_EQ(two.y, (std::vector<float>{3, 1, 6, 4}));  // in the order asked for
  EXPECT_EQ(two.target_names, (std::vector<std::string>{"c", "a"}));
}

TEST(Csv, DelimitersQuotesCrlfBomAndBlankLines) {
  TempDir dir;
  EXPECT_EQ(read_dataset(dir.write("t.csv", "a\tb\n1\t2\n"), target("b")).x, (std::vector<float>{1}));
  EXPECT_EQ(read_dataset(dir.write("s.csv", "a;b\n1.5;2\n"), target("b")).n_cols, 1);
  const Dataset q = read_dataset(dir.write("q.csv",
                                           "\xEF\xBB\xBF\"x, y\",\"say \"\"hi\"\"\",z\r\n"
                                           " 1 , \"2\" ,3\r\n\r\n4,5,6\r\n"),
                                 target("z"));
  EXPECT_EQ(q.feature_names, (std::vector<std::string>{"x, y", "say \"hi\""}));
  EXPECT_EQ(q.x, (std::vector<float>{1, 2, 4, 5}));
  EXPECT_EQ(q.n_rows, 2);
}

TEST(Csv, TextTargetBecomesClasses) {
  TempDir dir;
  const auto p = dir.write("iris.csv", "w,species\n1,setosa\n2,virginica\n3,setosa\n");
  const Dataset d = read_dataset(p, target("species"));
  EXPECT_EQ(d.y, (std::vector<float>{0, 1, 0}));
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"setosa", "virginica"}));
}

TEST(Csv, ManyRowsAndGzip) {
  TempDir dir;
  std::string text = "a,b,y\n";
  for (int i = 0; i < 3000; ++i)
    text += std::to_string(i) + "," + std::to_string(i * 0.5) + "," + std::to_string(i % 3) + "\n";
  const Dataset d = read_dataset(dir.write("m.csv", text), target("y"));
  ASSERT_EQ(d.n_rows, 3000);
  EXPECT_FLOAT_EQ(d.x[2 * 2999 + 1], 1499.5F);
  const std::string gz = dir.path("m.csv.gz");
  gzFile f = gzopen(gz.c_str(), "wb");
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  const Dataset z = read_dataset(gz, target("y"));
  EXPECT_EQ(z.x, d.x);
  EXPECT_EQ(z.y, d.y);
}

TEST(CsvErrors, EmptyFileAndHeaderOnly) {
  TempDir dir;
  const auto e = dir.write("e.csv", "");
  expect_error([&] { read_dataset(e); }, ErrorCode::kInvalidData, {e, "empty"});
  const auto h = dir.write("h.csv", "a,b\n");
  expect_error([&] { read_dataset(h); }, ErrorCode::kInvalidData, {h, "no data rows"});
}

TEST(CsvErrors, RaggedRowsNameLineAndColumn) {
  TempDir dir;
  const auto s = dir.write("s.csv", "a,b,c\n1,2,3\n4,5\n");
  expect_error([&] { read_dataset(s); }, ErrorCode::kInvalidData, {s, "line 3", "column 3", "'c'", "2 cells"});
  const auto l = dir.write("l.csv", "a,b,c\n1,2,3,4,5\n");
  expect_error([&] { read_dataset(l); }, ErrorCode::kInvalidData, {l, "line 2", "5 cells", "3 columns"});
}

TEST(Csv, EmptyAndNaCellsAreMissingFeatureValues) {
  // As pandas and R write them: empty, NA, N/A, NaN, nan, NULL, None, <NA>, #N/A, quoted or not.
  TempDir dir;
  const auto m = dir.write("m.csv", "a,b,c,y\n1,,NA,0\n\"NaN\", n/a ,NULL,1\nnan,None,\"\",0\n<NA>,#N/A,-NaN,1\n4,5,6,0\n");
  const Dataset d = read_dataset(m, target("y"));
  ASSERT_EQ(d.n_rows, 5);
  ASSERT_EQ(d.n_cols, 3);
  EXPECT_EQ(d.x[0], 1.0F);
  for (std::size_t i = 1; i < 12; ++i) EXPECT_TRUE(std::isnan(d.x[i])) << "cell " << i << " = " << d.x[i];
  EXPECT_EQ(std::vector<float>(d.x.begin() + 12, d.x.end()), (std::vector<float>{4, 5, 6}));
  EXPECT_EQ(d.y, (std::vector<float>{0, 1, 0, 1, 0}));
  // A missing target is refused: numeric, or text classes (where "NA" would otherwise be a class).
  const auto t = dir.write("t.csv", "a,y\n1,0\n2,\n");
  expect_error([&] { read_dataset(t, target("y")); }, ErrorCode::kInvalidData, {"line 3", "column 2", "'y'", "is missing"});
  const auto c = dir.write("c.csv", "a,y\n1,cat\n2,NA\n");
  expect_error([&] { read_dataset(c, target("y")); }, ErrorCode::kInvalidData, {"line 3", "'NA'", "is missing"});
  const auto f = dir.write("f.csv", "a,y\n1,NaN\n2,1\n");
  expect_error([&] { read_dataset(f, target("y")); }, ErrorCode::kInvalidData, {"line 2", "is missing"});
  // Other text stays an error, not a missing value.
  const auto x = dir.write("x.csv", "a,y\nNAN2,0\n");
  expect_error([&] { read_dataset(x, target("y")); }, ErrorCode::kInvalidData, {"'NAN2'", "not a number"});
}

TEST(CsvErrors, NonNumericAndInfiniteCells) {
  TempDir dir;
  const auto n = dir.write("n.csv", "a,b\n1,2\n3,abc\n");
  expect_error([&] { read_dataset(n); }, ErrorCode::kInvalidData,
               {n, "line 3", "column 2", "'b'", "'abc'", "not a number"});
  const auto t = dir.write("t.csv", "a,b\n1.5x,2\n");
  expect_error([&] { read_dataset(t); }, ErrorCode::kInvalidData, {"line 2", "column 1", "'1.5x'"});
  const auto inf = dir.write("inf.csv", "a,b\n1,2\n\n3,Infinity\n");
  expect_error([&] { read_dataset(inf); }, ErrorCode::kInvalidData, {"line 4", "column 2", "is infinite"});
  const auto minus = dir.write("minus.csv", "a,b\n-inf,2\n");
  expect_error([&] { read_dataset(minus); }, ErrorCode::kInvalidData, {"line 2", "column 1", "is infinite"});
  const auto big = dir.write("big.csv", "a,b\n1e39,2\n");
  expect_error([&] { read_dataset(big); }, ErrorCode::kInvalidData, {"line 2", "column 1", "float32 range"});
  // A numeric first row fixes the target as numeric: later text there is an error, not a class.
  const auto y = dir.write("y.csv", "a,y\n1,0\n2,cat\n");
  expect_error([&] { read_dataset(y, target("y")); }, ErrorCode::kInvalidData, {"line 3", "column 2", "'y'", "'cat'"});
}

TEST(CsvErrors, TargetColumnProblems) {
  TempDir dir;
  const auto p = dir.write("p.csv", "a,b,c\n1,2,3\n");
  expect_error([&] { read_dataset(p, target("label")); }, ErrorCode::kInvalidData,
               {p, "no column named 'label'", "'a', 'b'"});
  expect_error([&] { read_dataset(p, target("7")); }, ErrorCode::kInvalidData,
               {"index 7 is out of range", "3 columns"});
  // A name twice is refused whichever column is the target (transform could not tell them apart).
  const auto twice = dir.write("twice.csv", "a,b,b\n1,2,3\n");
  for (const char* t : {"b", "a", "0"})
    expect_error([&] { read_dataset(twice, target(t)); }, ErrorCode::kInvalidData,
                 {twice, "'b' more than once", "columns 2 and 3"});
  const auto one = dir.write("one.csv", "y\n1\n");
  expect_error([&] { read_dataset(one, target("y")); }, ErrorCode::kInvalidData, {"no feature columns"});
}

// Issue 22 (12): a line break inside a quoted header name cut the header in two ("no column named
// 'label'"); now it is named as what it is. Quoted names without one still read as before.
TEST(CsvErrors, HeaderNameWithALineBreak) {
  TempDir dir;
  const auto cut = dir.write("cut.csv", "x0,\"x\n1\",label\n1,2,0\n3,4,1\n");
  expect_error([&] { read_dataset(cut, target("label")); }, ErrorCode::kInvalidData,
               {cut, "line 1", "not closed on its line", "line breaks inside column names"});
  const auto fine = dir.write("fine.csv", "\"a,b\",\"say \"\"hi\"\"\",label\n1,2,0\n3,4,1\n");
  const Dataset d = read_dataset(fine, target("label"));
  ASSERT_EQ(d.feature_names.size(), 2U);
  EXPECT_EQ(d.feature_names[0], "a,b");
  EXPECT_EQ(d.feature_names[1], "say \"hi\"");
}

TEST(CsvErrors, UnreadableFiles) {
  TempDir dir;
  const auto missing = dir.path("missing.csv");
  expect_error([&] { read_dataset(missing); }, ErrorCode::kIo, {missing, "No such file"});
  expect_error([&] { read_dataset(dir.dir() + "/"); }, ErrorCode::kIo, {"is a directory"});
}

TEST(CsvErrors, ShapeTooLargeForMemoryBudget) {
  TempDir dir;
  std::string text = "a,b,c,d\n";
  for (int i = 0; i < 2000; ++i) text += "1,2,3,4\n";
  ReadOptions o;
  o.max_bytes = 1000;  // far below 2000 x 4 floats
  const auto p = dir.write("m.csv", text);
  expect_error([&] { read_dataset(p, o); }, ErrorCode::kInvalidData, {p, "memory"});
}

}  // namespace
}  // namespace gfs::io::test
