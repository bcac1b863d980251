/// @file test_cli_known_columns.cpp
/// @brief `gfs select --must-keep / --must-drop / --feature-cost`: feature names or column numbers,
///        result.json, and the errors a name or number that is not a feature column gets.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "cli_test_util.hpp"

namespace gfs::cli::test {
namespace {

using nlohmann::json;

/// Columns age, g1..g6, label: the label follows g2 and g4; age is noise.
std::string cohort_csv(int rows) {
  std::mt19937 rng(11);
  std::normal_distribution<double> normal;
  std::string csv = "age,g1,g2,g3,g4,g5,g6,label\n";
  for (int i = 0; i < rows; ++i) {
    double x[7];
    for (double& v : x) v = normal(rng);
    for (double v : x) csv += std::to_string(v) + ",";
    csv += (x[2] + x[4] > 0 ? "1" : "0") + std::string("\n");
  }
  return csv;
}

const std::vector<std::string> kFast = {"--epochs", "40", "--seed", "3", "--quiet"};

bool holds(const json& list, int j) {
  for (const json& v : list)
    if (v.get<int>() == j) return true;
  return false;
}

TEST_F(Cli, MustKeepAndMustDropTakeNamesAndColumnNumbers) {
  dir_.write("c.csv", cohort_csv(400));
  std::vector<std::string> args = {"select", "-i", "c.csv", "-t", "label", "-o", "r.json",
                                   "--must-keep", "age", "--must-drop", "2,g6"};
  args.insert(args.end(), kFast.begin(), kFast.end());
  const Outcome r = gfs(args);
  ASSERT_EQ(r.code, 0) << r.all();
  const json j = json::parse(slurp(dir_.path("r.json")));
  EXPECT_EQ(j["config"]["must_keep"], "0");
  EXPECT_EQ(j["config"]["must_drop"], "2,6");
  EXPECT_TRUE(holds(j["selected"], 0)) << j["selected"];   // age: noise, but kept
  EXPECT_FALSE(holds(j["selected"], 2)) << j["selected"];  // g2: informative, but dropped
  EXPECT_TRUE(holds(j["selected"], 4)) << j["selected"];   // g4: found as without the lists
  const int last = j["ranking"].back().get<int>();  // the dropped columns rank last
  EXPECT_TRUE(last == 2 || last == 6) << j["ranking"];
}

TEST_F(Cli, AnUnknownOrConflictingColumnIsRefusedWithExitTwo) {
  dir_.write("c.csv", cohort_csv(60));
  const auto run = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"select", "-i", "c.csv", "-t", "label", "-o", "r.json", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return gfs(args);
  };
  const Outcome unknown = run({"--must-keep", "height"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("--must-keep 'height': no feature column has this name, and it is not a feature "
                             "column number (0..6)"),
            std::string::npos)
      << unknown.all();
  const Outcome beyond = run({"--must-drop", "7"});  // the label's column is not a feature column
  EXPECT_EQ(beyond.code, 2);
  EXPECT_NE(beyond.err.find("--must-drop '7'"), std::string::npos) << beyond.all();
  const Outcome both = run({"--must-keep", "g1", "--must-drop", "1"});
  EXPECT_EQ(both.code, 2);
  EXPECT_NE(both.err.find("both hold column 1"), std::string::npos) << both.all();
  EXPECT_FALSE(std::filesystem::exists(dir_.path("r.json")));
}

TEST_F(Cli, FeatureCostFromAFileByNameOrNumber) {
  dir_.write("c.csv", cohort_csv(400));
  dir_.write("costs.txt", "# assay prices\ng2, 1000\n5,0\n");
  std::vector<std::string> args = {"select", "-i", "c.csv", "-t", "label", "-o", "r.json", "--feature-cost", "costs.txt"};
  args.insert(args.end(), kFast.begin(), kFast.end());
  const Outcome r = gfs(args);
  ASSERT_EQ(r.code, 0) << r.all();
  const json j = json::parse(slurp(dir_.path("r.json")));
  EXPECT_EQ(j["config"]["feature_cost"], "1,1,1000,1,1,0,1");
  EXPECT_FALSE(holds(j["selected"], 2)) << j["selected"];  // g2: informative, but too dear
  EXPECT_TRUE(holds(j["selected"], 4)) << j["selected"];

  dir_.write("bad.txt", "g2;3\n");
  args[8] = "bad.txt";
  const Outcome bad = gfs(args);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--feature-cost bad.txt line 1: expected 'column,cost'"), std::string::npos) << bad.all();
  dir_.write("neg.txt", "g1,-1\n");
  args[8] = "neg.txt";
  const Outcome neg = gfs(args);
  EXPECT_EQ(neg.code, 2);
  EXPECT_NE(neg.err.find("costs must be finite and >= 0"), std::string::npos) << neg.all();
  dir_.write("twice.txt", "g1,2\n# again\n1,3\n");
  args[8] = "twice.txt";
  const Outcome twice = gfs(args);
  EXPECT_EQ(twice.code, 2);
  EXPECT_NE(twice.err.find("line 3: column 1 already has a cost (line 1)"), std::string::npos) << twice.all();
  dir_.write("who.txt", "height,2\n");
  args[8] = "who.txt";
  const Outcome who = gfs(args);
  EXPECT_EQ(who.code, 2);
  EXPECT_NE(who.err.find("line 1 'height': no feature column has this name"), std::string::npos) << who.all();
}

}  // namespace
}  // namespace gfs::cli::test
