/// @file test_cli_errors.cpp
/// @brief `gfs` on documented bad input: each case checks the exit code (2 usage/input, 3 device)
///        and a fragment of the message that names the file, line, column or option.
#include "cli_test_util.hpp"

namespace gfs::cli::test {
namespace {

std::vector<std::string> select_on(const std::string& input, std::vector<std::string> more = {"-t", "label"}) {
  std::vector<std::string> a = {"select", "-i", input, "-o", "r.json", "--epochs", "2", "-q"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

TEST_F(Cli, UsageErrorsExit2) {
  expect_failure({}, 2, {"subcommand"});
  expect_failure({"select", "-i", data("small.csv"), "-t", "label", "-o", "r.json", "--bogus"}, 2, {"--bogus"});
  expect_failure({"select", "-o", "r.json", "-t", "label"}, 2, {"--input", "required"});
  expect_failure(select_on(data("small.csv"), {"-t", "label", "--epochs", "0"}), 2, {"--epochs"});
  expect_failure(select_on(data("small.csv"), {"-t", "label", "--format", "xlsx"}), 2, {"--format"});
  expect_failure(select_on(data("small.csv"), {"-t", "label", "--labels", data("small_y.npy")}), 2, {"excludes"});
  expect_failure(select_on(data("small.csv"), {"-t", "label", "--set", "bogus=1"}), 2, {"unknown setting 'bogus'"});
  expect_failure(select_on(data("small.csv"), {"-t", "label", "--set", "lambda"}), 2, {"key=value"});
  expect_failure(select_on(data("small.csv"), {"-t", "label", "--set", "hidden=0"}), 2, {"hidden"});
  expect_failure(select_on(data("small.csv"), {"--support", "top-k"}), 2, {"target_features"});
  expect_failure(select_on(data("small.csv"), {}), 2, {"--target", "--labels"});
}

TEST_F(Cli, DeviceUnavailableExits3) {
  expect_failure(select_on(data("small.csv"), {"-t", "label", "--device", "cuda:99"}), 3, {"cuda:99"});
  expect_failure({"demo", "--device", "cuda:99", "--quiet"}, 3, {"--device cuda:99"});
}

TEST_F(Cli, UnreadableFilesExit2) {
  expect_failure(select_on("missing.csv"), 2, {"missing.csv", "No such file"});
  expect_failure(select_on("data.xyz"), 2, {"data.xyz"});
  expect_failure({"select", "-i", data("small.csv"), "-t", "label", "-o", "no/dir/r.json", "-q"}, 2,
                 {"no/dir/r.json", "No such file"});
  dir_.write("plain.dat", "a,b\n1,2\n");
  expect_failure(select_on("plain.dat"), 2, {"plain.dat", "--format"});
}

TEST_F(Cli, BadCsvNamesFileLineAndColumn) {
  dir_.write("empty.csv", "");
  expect_failure(select_on("empty.csv"), 2, {"empty.csv", "empty"});
  dir_.write("ragged.csv", "a,b,label\n1,2,0\n3,4\n");
  expect_failure(select_on("ragged.csv"), 2, {"ragged.csv", "line 3", "column 3"});
  dir_.write("text.csv", "a,b,label\n1,2,0\n3,x7,1\n");
  expect_failure(select_on("text.csv"), 2, {"text.csv", "line 3, column 2 ('b')", "'x7'"});
  dir_.write("inf.csv", "a,b,label\n1,inf,0\n");
  expect_failure(select_on("inf.csv"), 2, {"inf.csv", "line 2, column 2", "infinite"});
  dir_.write("nolabel.csv", "a,b,label\n1,2,0\n1,2,NA\n");
  expect_failure(select_on("nolabel.csv"), 2, {"nolabel.csv", "line 3, column 3", "is missing"});
  dir_.write("gone.csv", "a,b,label\n1,,0\n2,NA,1\n");
  expect_failure(select_on("gone.csv", {"-t", "label", "--batch-size", "1"}), 2, {"column 1 has no observed value"});
  dir_.write("ok.csv", "a,b,label\n1,2,0\n3,4,1\n");
  expect_failure(select_on("ok.csv", {"-t", "class"}), 2, {"ok.csv", "no column named 'class'"});
}

TEST_F(Cli, BadLabelsExit2) {
  dir_.write("real.csv", "a,b,label\n1,2,0.5\n3,4,1\n");
  expect_failure(select_on("real.csv"), 2, {"real.csv", "0.5", "not an integer", "--task regression"});
  dir_.write("one.csv", "a,b,label\n1,2,1\n3,4,1\n");
  expect_failure(select_on("one.csv", {"-t", "label", "--batch-size", "1"}), 2, {"one class"});
  expect_failure(select_on(data("iris_like.csv"), {"-t", "species", "--task", "regression"}), 2, {"holds text"});
  dir_.write("few.txt", "0\n1\n");
  expect_failure(select_on(data("small_x.npy"), {"--labels", "few.txt"}), 2,
                 {"few.txt", "2 label rows", "90 data rows"});
}

TEST_F(Cli, BadBinaryAndSparseFilesExit2) {
  const std::string header = "{'descr': '<f4', 'fortran_order': 1, 'shape': (1, 1), }";
  std::string npy = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size() + 1) + '\0' + header + "\n" +
                    std::string(4, '\0');
  dir_.write("f.npy", npy);
  expect_failure(select_on("f.npy", {"--labels", data("small_y.npy")}), 2, {"f.npy", "'fortran_order' is neither"});
  dir_.write("bad-images-idx3-ubyte", "\x12\x34\x56\x78");
  expect_failure(select_on("bad-images-idx3-ubyte", {"--labels", data("small-labels-idx1-ubyte.gz")}), 2,
                 {"bad magic"});
  dir_.write("zero.libsvm", "1 0:1\n");
  expect_failure(select_on("zero.libsvm", {}), 2, {"zero.libsvm", "line 1, column 3", "1-based"});
  expect_failure(select_on(data("small.libsvm"), {"-t", "0"}), 2, {"drop --target"});
}

TEST_F(Cli, BadResultFileForTransform) {
  dir_.write("broken.json", "{\"n_features\": 6, \"selected\": [");
  expect_failure({"transform", "-i", data("small.csv"), "-t", "label", "-r", "broken.json", "-o", "o.csv"}, 2,
                 {"broken.json", "not valid JSON"});
  dir_.write("range.json", "{\"n_features\": 6, \"selected\": [9]}");
  expect_failure({"transform", "-i", data("small.csv"), "-t", "label", "-r", "range.json", "-o", "o.csv"}, 2,
                 {"range.json", "selected index 9"});
  dir_.write("names.json",
             "{\"n_features\": 6, \"selected\": [0], \"feature_names\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}");
  expect_failure({"transform", "-i", data("small.csv"), "-t", "label", "-r", "names.json", "-o", "o.csv"}, 2,
                 {"'f0'", "'a'"});
  EXPECT_FALSE(std::ifstream(dir_.path("o.csv")).good());  // nothing half-written
}

}  // namespace
}  // namespace gfs::cli::test
