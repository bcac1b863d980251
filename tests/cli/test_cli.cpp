/// @file test_cli.cpp
/// @brief `gfs` on good input: every format, the result.json schema, determinism, the transform
///        round trip, the demo, --version and --help.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli_test_util.hpp"
#include "gfs/result.hpp"
#include "io/dataset.hpp"
#include "io/io_util.hpp"

namespace gfs::cli::test {
namespace {

using nlohmann::json;

/// Few epochs: these tests check the plumbing, not the selection quality.
const std::vector<std::string> kFast = {"--epochs", "4", "--seed", "3", "--quiet"};

std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_F(Cli, VersionAndHelp) {
  const Outcome v = gfs({"--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.out.find("gfs 0."), std::string::npos) << v.all();
  for (const char* cmd : {"select", "transform", "demo"}) {
    const Outcome h = gfs({cmd, "--help"});
    EXPECT_EQ(h.code, 0) << cmd;
    EXPECT_NE(h.out.find("--"), std::string::npos) << h.all();
  }
  EXPECT_NE(gfs({"select", "--help"}).out.find("--target-features"), std::string::npos);
}

TEST_F(Cli, EveryFormatSelects) {
  const std::vector<std::vector<std::string>> inputs = {
      {"-i", data("small.csv"), "--target", "label"},
      {"-i", data("small.csv"), "--target", "6"},
      {"-i", data("small_x.npy"), "--labels", data("small_y.npy")},
      {"-i", data("small-images-idx3-ubyte.gz"), "--labels", data("small-labels-idx1-ubyte.gz")},
      {"-i", data("small.libsvm")},
      {"-i", data("iris_like.csv"), "--target", "species", "--batch-size", "8"},
      {"-i", data("regression.csv"), "--target", "y", "--task", "regression"},
  };
  for (const auto& in : inputs) {
    const Outcome r = gfs(cat(cat({"select"}, in), cat({"-o", "r.json"}, kFast)));
    ASSERT_EQ(r.code, 0) << in[1] << "\n" << r.all();
    const json j = json::parse(slurp(dir_.path("r.json")));
    EXPECT_EQ(j["n_features"].get<int>(), in[1].find("images") != std::string::npos ? 6 : j["n_features"].get<int>());
    EXPECT_EQ(j["input"]["rows"].get<int>(), in[1].find("regression") != std::string::npos ? 60
                                             : in[1].find("iris") != std::string::npos     ? 30
                                                                                           : 90);
  }
}

TEST_F(Cli, ResultJsonHasTheDocumentedKeys) {
  const Outcome r = gfs(cat({"select", "-i", data("small.csv"), "-t", "label", "-o", "r.json", "--support", "top-k",
                             "--target-features", "2"},
                            kFast));
  ASSERT_EQ(r.code, 0) << r.all();
  const json j = json::parse(slurp(dir_.path("r.json")));
  for (const char* key : {"version", "n_features", "n_selected", "selected", "feature_names", "scores", "logits",
                          "probabilities", "ranking", "device", "fit_seconds", "config", "history", "input"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  const int D = j["n_features"];
  EXPECT_EQ(D, 6);
  const auto selected = j["selected"].get<std::vector<int>>();
  EXPECT_EQ(selected.size(), 2U);
  EXPECT_EQ(j["n_selected"].get<int>(), 2);
  EXPECT_TRUE(std::is_sorted(selected.begin(), selected.end()));
  for (const char* key : {"feature_names", "scores", "logits", "probabilities", "ranking"}) {
    EXPECT_EQ(j[key].size(), static_cast<std::size_t>(D)) << key;
  }
  EXPECT_EQ(j["history"].size(), 4U);
  for (const char* key : {"epoch", "tau", "loss", "task_loss", "select_loss", "mean_mask", "n_active"}) {
    EXPECT_TRUE(j["history"][0].contains(key)) << key;
  }
  for (const char* key : {"task", "epochs", "batch_size", "lambda", "penalty", "target_features", "support", "seed",
                          "lr_mask", "lr_task", "tau0", "tau_decay", "hidden", "device", "threads"}) {
    EXPECT_TRUE(j["config"].contains(key)) << key;
  }
  EXPECT_EQ(j["config"]["penalty"], "target");  // --target-features switches the penalty
  EXPECT_EQ(j["config"]["epochs"], "4");
  EXPECT_EQ(j["input"]["format"], "csv");
  EXPECT_EQ(j["input"]["classes"], json::array({"0", "1", "2"}));
}

TEST_F(Cli, ResultJsonHoldsEveryFieldOfTheOneList) {
  // gfs::result_fields() names each Result field's result.json key; the default rule ("validated":
  // candidates, screens) and "stability" (its block) with the probability history hold them all.
  std::vector<json> runs;
  for (const std::vector<std::string>& rule :
       {std::vector<std::string>{}, std::vector<std::string>{"--support", "stability", "--set", "record_probabilities=true"}}) {
    const Outcome r = gfs(cat(cat({"select", "-i", data("small.csv"), "-t", "label", "-o", "r.json"}, rule), kFast));
    ASSERT_EQ(r.code, 0) << r.all();
    runs.push_back(json::parse(slurp(dir_.path("r.json"))));
  }
  for (const ResultField& f : result_fields()) {
    const std::string path = f.json;
    const std::size_t dot = path.find('.');
    bool found = false;
    for (const json& j : runs) {
      if (dot == std::string::npos) {
        found = found || j.contains(path);
      } else {
        const std::string outer = path.substr(0, dot);
        found = found || (j.contains(outer) && j[outer].contains(path.substr(dot + 1)));
      }
    }
    EXPECT_TRUE(found) << f.field << ": result.json has no '" << path << "'";
  }
}

TEST_F(Cli, SameSeedSameResult) {
  json runs[2];
  for (int k = 0; k < 2; ++k) {
    const std::string out = "r" + std::to_string(k) + ".json";
    const Outcome r = gfs(cat({"select", "-i", data("small.csv"), "-t", "label", "-o", out, "--threads", "1"}, kFast));
    ASSERT_EQ(r.code, 0) << r.all();
    runs[k] = json::parse(slurp(dir_.path(out)));
    runs[k].erase("fit_seconds");
  }
  EXPECT_EQ(runs[0].dump(), runs[1].dump());
}

TEST_F(Cli, DefaultSupportIsValidatedAndListsItsCandidates) {
  const Outcome r =
      gfs({"select", "-i", data("small.csv"), "-t", "label", "-o", "r.json", "--epochs", "4", "--seed", "3"});
  ASSERT_EQ(r.code, 0) << r.all();
  EXPECT_NE(r.out.find("candidates tested"), std::string::npos) << r.out;
  const json j = json::parse(slurp(dir_.path("r.json")));
  EXPECT_EQ(j["config"]["support"], "validated");
  EXPECT_EQ(j["config"]["lambda"], "0.17");  // "auto" for the raw penalty, resolved in the result
  EXPECT_EQ(j["config"]["penalty_scale"], "rows");
  EXPECT_EQ(j["config"]["penalty_warmup"], "0.1");
  ASSERT_TRUE(j.contains("candidates"));
  const auto candidates = j["candidates"].get<std::vector<int>>();
  const auto selected = j["selected"].get<std::vector<int>>();
  EXPECT_TRUE(std::includes(candidates.begin(), candidates.end(), selected.begin(), selected.end()));
  // The majority set (w_j > 0; the fallback_candidates largest logits when it is empty), and the
  // columns of the pairs the pair screen found.
  const auto logits = j["logits"].get<std::vector<float>>();
  const auto ranking = j["ranking"].get<std::vector<int>>();  // by logit, largest first
  std::size_t majority = 0;
  for (float w : logits) majority += w > 0 ? 1 : 0;
  const auto floor = static_cast<std::size_t>(std::stoi(j["config"]["fallback_candidates"].get<std::string>()));
  EXPECT_EQ(floor, 10U);
  std::set<int> expected(ranking.begin(), ranking.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                ranking.size(), majority == 0 ? floor : majority)));
  ASSERT_TRUE(j.contains("pair_screen"));
  ASSERT_TRUE(j["pair_screen"]["ran"].get<bool>());
  for (const auto& p : j["pair_screen"]["pairs"]) {
    EXPECT_GE(p["z"].get<double>(), j["pair_screen"]["threshold"].get<double>());
    for (int c : p["features"].get<std::vector<int>>()) expected.insert(c);
  }
  EXPECT_EQ(candidates, std::vector<int>(expected.begin(), expected.end()));
}

TEST_F(Cli, SettingsAndReferencePreset) {
  const Outcome r = gfs(cat({"select", "-i", data("small.csv"), "-t", "label", "-o", "r.json", "--reference", "--set",
                             "hidden=8,4", "--set", "n_draws=50", "--batch-size", "16", "--lambda", "0.5"},
                            kFast));
  ASSERT_EQ(r.code, 0) << r.all();
  const json j = json::parse(slurp(dir_.path("r.json")));
  EXPECT_EQ(j["config"]["hidden"], "8,4");
  EXPECT_EQ(j["config"]["n_draws"], "50");
  EXPECT_EQ(j["config"]["batch_size"], "16");  // the named option wins over the preset
  EXPECT_EQ(j["config"]["lambda"], "0.5");
  EXPECT_EQ(j["config"]["support"], "any");  // from --reference
  EXPECT_EQ(j["config"]["shuffle"], "false");
  EXPECT_EQ(j["config"]["penalty_warmup"], "0");
  EXPECT_FALSE(j.contains("candidates"));
}

TEST_F(Cli, TransformRoundTrip) {
  ASSERT_EQ(gfs(cat({"select", "-i", data("small.csv"), "-t", "label", "-o", "r.json", "--support", "top-k",
                     "--target-features", "3"},
                    kFast))
                .code,
            0);
  const json j = json::parse(slurp(dir_.path("r.json")));
  const auto selected = j["selected"].get<std::vector<int>>();
  const Outcome t = gfs({"transform", "-i", data("small.csv"), "-t", "label", "-r", "r.json", "-o", "reduced.csv"});
  ASSERT_EQ(t.code, 0) << t.all();
  io::ReadOptions opt;
  opt.targets = {"label"};
  const io::Dataset in = io::read_dataset(data("small.csv"), opt);
  const io::Dataset out = io::read_dataset(dir_.path("reduced.csv"), opt);
  ASSERT_EQ(out.n_rows, in.n_rows);
  ASSERT_EQ(out.n_cols, 3);
  for (std::size_t s = 0; s < selected.size(); ++s) {
    EXPECT_EQ(out.feature_names[s], in.feature_names[static_cast<std::size_t>(selected[s])]);
    for (std::int64_t r = 0; r < in.n_rows; ++r) {
      EXPECT_EQ(out.x[static_cast<std::size_t>(r * 3) + s],
                in.x[static_cast<std::size_t>(r * in.n_cols + selected[s])]);
    }
  }
  EXPECT_EQ(out.y, in.y);
  // The very file select read, without repeating --target (issue 15): result.json names the
  // target column, which is carried through; the output is the same as with --target.
  const Outcome same = gfs({"transform", "-i", data("small.csv"), "-r", "r.json", "-o", "same.csv"});
  ASSERT_EQ(same.code, 0) << same.all();
  EXPECT_EQ(slurp(dir_.path("same.csv")), slurp(dir_.path("reduced.csv")));
  // A result without names picks by position: 7 columns against a 6-feature fit is refused.
  dir_.write("nameless.json", "{\"n_features\": 6, \"selected\": [0, 2]}");
  const Outcome bad = gfs({"transform", "-i", data("small.csv"), "-r", "nameless.json", "-o", "x.csv"});
  EXPECT_EQ(bad.code, 2) << bad.all();
  EXPECT_NE(bad.err.find("fitted on 6"), std::string::npos) << bad.err;
}

TEST_F(Cli, FortranOrderNpyGivesTheSameResultAsItsCOrderCopy) {
  // numpy.save(path, x) of an F-contiguous x (x[:, perm], many pandas and R exports) writes it
  // column-major: select and transform read it as its C-order copy (issue 24).
  io::ReadOptions opt;
  opt.targets = {"label"};
  const io::Dataset in = io::read_dataset(data("small.csv"), opt);
  std::vector<float> table;  // the features, then the label as the last column
  for (std::int64_t r = 0; r < in.n_rows; ++r) {
    for (std::int64_t c = 0; c < in.n_cols; ++c) table.push_back(in.x[static_cast<std::size_t>(r * in.n_cols + c)]);
    table.push_back(in.y[static_cast<std::size_t>(r)]);
  }
  dir_.write("c.npy", npy_f32(table, in.n_rows, in.n_cols + 1, false));
  dir_.write("f.npy", npy_f32(table, in.n_rows, in.n_cols + 1, true));
  json results[2];
  std::string reduced[2];
  for (int k = 0; k < 2; ++k) {
    const std::string x = k == 0 ? "c.npy" : "f.npy";
    const std::string out = "r" + std::to_string(k) + ".json";
    const Outcome r = gfs(cat({"select", "-i", x, "-t", "-1", "-o", out, "--threads", "1"}, kFast));
    ASSERT_EQ(r.code, 0) << r.all();
    results[k] = json::parse(slurp(dir_.path(out)));
    results[k].erase("fit_seconds");
    results[k]["input"].erase("path");
    const std::string csv = "t" + std::to_string(k) + ".csv";
    const Outcome t = gfs({"transform", "-i", x, "-t", "-1", "-r", out, "-o", csv});
    ASSERT_EQ(t.code, 0) << t.all();
    reduced[k] = slurp(dir_.path(csv));
  }
  EXPECT_FALSE(results[0]["selected"].empty());
  EXPECT_EQ(results[0].dump(), results[1].dump());
  EXPECT_EQ(reduced[0], reduced[1]);
  EXPECT_NE(reduced[0].find('\n'), std::string::npos);
}

TEST_F(Cli, MissingCellsAreReportedAndCopiedAsWritten) {
  // Empty, NA and NaN cells in feature columns are missing values (issue 24): the fit runs,
  // result.json lists each column's missing share, transform copies the cells as written.
  io::ReadOptions opt;
  opt.targets = {"label"};
  const io::Dataset in = io::read_dataset(data("small.csv"), opt);
  std::string csv;
  for (const std::string& name : in.feature_names) csv += name + ",";
  csv += "label\n";
  for (std::int64_t r = 0; r < in.n_rows; ++r) {
    for (std::int64_t c = 0; c < in.n_cols; ++c) {
      const bool hole = c == 1 && r % 5 == 0;
      csv += hole ? (r % 10 == 0 ? "" : "NA") : io::detail::exact_text(in.x[static_cast<std::size_t>(r * in.n_cols + c)]);
      csv += ",";
    }
    csv += std::to_string(static_cast<int>(in.y[static_cast<std::size_t>(r)])) + "\n";
  }
  dir_.write("holes.csv", csv);
  const Outcome r = gfs(cat({"select", "-i", "holes.csv", "-t", "label", "-o", "r.json", "--support", "top-k",
                             "--target-features", "6"},
                            kFast));
  ASSERT_EQ(r.code, 0) << r.all();
  const json j = json::parse(slurp(dir_.path("r.json")));
  ASSERT_EQ(j["missing"]["columns"].size(), 1U);
  EXPECT_EQ(j["missing"]["columns"][0]["feature"], 1);
  EXPECT_EQ(j["missing"]["columns"][0]["name"], in.feature_names[1]);
  EXPECT_DOUBLE_EQ(j["missing"]["columns"][0]["fraction"].get<double>(), 0.2);
  EXPECT_NEAR(j["missing"]["fraction"].get<double>(), 0.2 / static_cast<double>(in.n_cols), 1e-9);
  const Outcome t = gfs({"transform", "-i", "holes.csv", "-r", "r.json", "-o", "t.csv"});
  ASSERT_EQ(t.code, 0) << t.all();
  const std::string out = slurp(dir_.path("t.csv"));
  EXPECT_NE(out.find(",NA,"), std::string::npos) << out.substr(0, 300);
  EXPECT_NE(out.find(",,"), std::string::npos) << out.substr(0, 300);
  // A complete table reports none.
  ASSERT_EQ(gfs(cat({"select", "-i", data("small.csv"), "-t", "label", "-o", "c.json"}, kFast)).code, 0);
  EXPECT_TRUE(json::parse(slurp(dir_.path("c.json")))["missing"]["columns"].empty());
}

TEST_F(Cli, TransformLibsvmKeepsWidth) {
  ASSERT_EQ(
      gfs(cat({"select", "-i", data("small.libsvm"), "-o", "r.json", "--support", "top-k", "--target-features", "2"},
              kFast))
          .code,
      0);
  dir_.write("test.svm", "1 2:0.5\n0 6:1.25\n");  // highest index 6, as in training
  dir_.write("narrow.svm", "1 2:0.5\n");          // highest index 2: still 6 wide
  EXPECT_EQ(gfs({"transform", "-i", "test.svm", "-r", "r.json", "-o", "t.csv"}).code, 0);
  const Outcome r = gfs({"transform", "-i", "narrow.svm", "-r", "r.json", "-o", "n.csv", "--quiet"});
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_EQ(slurp(dir_.path("n.csv")).substr(0, 1), "x");
}

TEST_F(Cli, DemoFindsTheInformativeFeatures) {
  const Outcome r = gfs({"demo", "--quiet", "--threads", "1"});
  ASSERT_EQ(r.code, 0) << r.all();
  EXPECT_NE(r.out.find("truth:"), std::string::npos) << r.out;
  double precision = 0, recall = 0;
  const std::size_t at = r.out.find("precision ");
  ASSERT_NE(at, std::string::npos) << r.out;
  ASSERT_EQ(std::sscanf(r.out.c_str() + at, "precision %lf, recall %lf", &precision, &recall), 2) << r.out;
  EXPECT_GE(precision, 0.75) << r.out;
  EXPECT_GE(recall, 0.75) << r.out;
}

TEST_F(Cli, ProgressLinesWhenNotATerminal) {
  const Outcome r = gfs({"select", "-i", data("small.csv"), "-t", "label", "-o", "r.json", "--epochs", "10"});
  ASSERT_EQ(r.code, 0) << r.all();
  EXPECT_NE(r.err.find("epoch 10/10"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos);  // no bar redraws in a log file
  EXPECT_NE(r.out.find("wrote r.json"), std::string::npos) << r.out;
  const Outcome q = gfs({"select", "-i", data("small.csv"), "-t", "label", "-o", "r.json", "--epochs", "3", "-q"});
  EXPECT_EQ(q.all(), "");
}

TEST_F(Cli, AutoDeviceFallbackIsReportedInLogAndJson) {
  const Outcome o = gfs(
      {"select", "-i", data("small.csv"), "--target", "label", "-o", "auto.json", "--epochs", "2", "--device", "auto"});
  ASSERT_EQ(o.code, 0) << o.all();
  const nlohmann::json j = nlohmann::json::parse(slurp(dir_.path("auto.json")));
  if (j["device"] != "cpu") GTEST_SKIP() << "auto chose " << j["device"] << ": nothing fell back";
  ASSERT_TRUE(j.contains("device_note")) << j.dump();
  const std::string note = j["device_note"];
  EXPECT_NE(note.find("running on the CPU"), std::string::npos) << note;
  EXPECT_NE(o.err.find(note), std::string::npos) << o.err;
}

}  // namespace
}  // namespace gfs::cli::test
