/// @file test_cli_survival.cpp
/// @brief `gfs select --task survival`: a time and an event column (--target/--event or a
///        two-column --labels file), result.json, transform, and the errors bad targets get.
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "cli_test_util.hpp"

namespace gfs::cli::test {
namespace {

using nlohmann::json;

/// A CSV with columns x0..x4, time, status: the hazard rises with x0 and falls with x1. `row_hook`
/// may rewrite row i's time and status text.
std::string survival_csv(int rows, const std::function<void(int, std::string&, std::string&)>& row_hook = {}) {
  std::mt19937 rng(5);
  std::normal_distribution<double> normal;
  std::exponential_distribution<double> unit(1.0);
  std::string csv = "x0,x1,x2,x3,x4,time,status\n";
  for (int i = 0; i < rows; ++i) {
    double x[5];
    for (double& v : x) v = normal(rng);
    const double t = unit(rng) / std::exp(1.5 * x[0] - 1.5 * x[1]), c = unit(rng);
    std::string time = std::to_string(std::min(t, c)), status = t <= c ? "1" : "0";
    if (row_hook) row_hook(i, time, status);
    for (double v : x) csv += std::to_string(v) + ",";
    csv += time + "," + status + "\n";
  }
  return csv;
}

const std::vector<std::string> kFast = {"--epochs", "30", "--seed", "3", "--quiet"};

TEST_F(Cli, SurvivalFromATimeAndAnEventColumn) {
  dir_.write("s.csv", survival_csv(300));
  std::vector<std::string> args = {"select", "-i", "s.csv", "--task", "survival", "--target", "time", "--event",
                                   "status", "-o", "r.json"};
  args.insert(args.end(), kFast.begin(), kFast.end());
  const Outcome r = gfs(args);
  ASSERT_EQ(r.code, 0) << r.all();
  const json j = json::parse(slurp(dir_.path("r.json")));
  EXPECT_EQ(j["config"]["task"], "survival");
  EXPECT_EQ(j["config"]["cox_ties"], "breslow");
  EXPECT_EQ(j["n_features"].get<int>(), 5);
  EXPECT_EQ(j["input"]["targets"], json::array({"time", "status"}));
  const std::vector<int> selected = j["selected"].get<std::vector<int>>();
  EXPECT_NE(std::find(selected.begin(), selected.end(), 0), selected.end()) << j["selected"];
  EXPECT_NE(std::find(selected.begin(), selected.end(), 1), selected.end()) << j["selected"];
  // transform finds both target columns by name and carries them through.
  const Outcome t = gfs({"transform", "-i", "s.csv", "--result", "r.json", "-o", "kept.csv"});
  ASSERT_EQ(t.code, 0) << t.all();
  const std::string kept = slurp(dir_.path("kept.csv"));
  EXPECT_NE(kept.substr(0, kept.find('\n')).find("time,status"), std::string::npos) << kept.substr(0, 80);
}

TEST_F(Cli, SurvivalFromATwoColumnLabelsFileAndEfron) {
  const std::string csv = survival_csv(200);
  std::string x = "x0,x1,x2,x3,x4\n", y = "time,status\n";
  std::size_t at = csv.find('\n') + 1;
  while (at < csv.size()) {
    const std::size_t end = csv.find('\n', at);
    const std::string line = csv.substr(at, end - at);
    std::size_t cut = line.size();
    for (int k = 0; k < 2; ++k) cut = line.rfind(',', cut - 1);
    x += line.substr(0, cut) + "\n";
    y += line.substr(cut + 1) + "\n";
    at = end + 1;
  }
  dir_.write("x.csv", x);
  dir_.write("y.csv", y);
  std::vector<std::string> args = {"select", "-i", "x.csv", "--labels", "y.csv", "--task", "survival", "--set",
                                   "cox_ties=efron", "-o", "r.json"};
  args.insert(args.end(), kFast.begin(), kFast.end());
  const Outcome r = gfs(args);
  ASSERT_EQ(r.code, 0) << r.all();
  const json j = json::parse(slurp(dir_.path("r.json")));
  EXPECT_EQ(j["config"]["cox_ties"], "efron");
  EXPECT_EQ(j["n_outputs"].get<int>(), 1);
}

TEST_F(Cli, SurvivalRefusesBadTargetsWithExitTwo) {
  const std::vector<std::string> base = {"select", "-i", "s.csv", "--task", "survival", "--target", "time",
                                         "--event", "status", "-o", "r.json", "--quiet"};
  dir_.write("s.csv", survival_csv(50, [](int i, std::string& t, std::string&) { if (i == 7) t = "-1.5"; }));
  expect_failure(base, 2, {"survival time at row 7", "finite and >= 0"});
  dir_.write("s.csv", survival_csv(50, [](int i, std::string&, std::string& e) { if (i == 3) e = "2"; }));
  expect_failure(base, 2, {"event flag at row 3 is 2"});
  dir_.write("s.csv", survival_csv(50, [](int i, std::string& t, std::string&) { if (i == 4) t = "NA"; }));
  expect_failure(base, 2, {"('time'): 'NA' is missing"});
  dir_.write("s.csv", survival_csv(50, [](int, std::string&, std::string& e) { e = "0"; }));
  expect_failure(base, 2, {"no event"});
  dir_.write("s.csv", survival_csv(50, [](int i, std::string&, std::string& e) { e = i < 1 ? "1" : "0"; }));
  expect_failure(base, 2, {"1 event, fewer than the 2 batches", "batch_size"});
  // One target without --event: a survival fit needs both columns.
  expect_failure({"select", "-i", "s.csv", "--task", "survival", "--target", "time", "-o", "r.json"}, 2,
                 {"survival takes two target columns"});
}

}  // namespace
}  // namespace gfs::cli::test
