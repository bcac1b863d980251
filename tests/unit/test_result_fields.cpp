// One Result schema (issue 20): gfs::result_fields() lists every exported field of Result once, with
// its name in result.json, the C API and Python. Here: every C getter it names exists in the shared
// library, and the getters added for it return what the Result holds. (result.json: tests/cli;
// Python: python/tests/test_selector.py.)
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "gfs/gfs.h"
#include "gfs/gfs.hpp"
#include "synthetic.hpp"

namespace gfs::test {
namespace {

TEST(ResultFields, EveryFieldHasAnEntryPointInTheSharedLibrary) {
  void* lib = dlopen(GFS_SHARED_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << dlerror();
  std::set<std::string> members;
  for (const ResultField& f : result_fields()) {
    EXPECT_TRUE(members.insert(f.field).second) << f.field << " is listed twice";
    EXPECT_NE(dlsym(lib, f.c_api), nullptr) << f.field << ": " << f.c_api << " is not exported";
    EXPECT_NE(std::string(f.json), "") << f.field;
    EXPECT_EQ(std::string(f.python).back(), '_') << f.field << ": a fitted attribute ends in '_'";
  }
  dlclose(lib);
  // The members every front end must carry (a new member of Result joins this list and the table).
  for (const char* m : {"logits", "probabilities", "scores", "selected", "candidates", "history", "stopped_epoch",
                        "stop_reason", "missing_fraction", "feature_mean", "config"})
    EXPECT_EQ(members.count(m), 1U) << m;
}

TEST(ResultFields, TheCGettersReturnTheResult) {
  const Synthetic s = make_classification(120, 8, 2, 2, 5);
  Config c;
  c.device = Device::cpu();
  c.epochs = 5;
  c.record_probabilities = true;
  Selector sel(c);
  const Result& want = sel.fit(s.x.data(), s.rows, s.cols, s.y.data());
  gfs_selector* h = nullptr;
  ASSERT_EQ(gfs_create(&h), GFS_OK);
  ASSERT_EQ(gfs_set(h, "epochs", "5"), GFS_OK);
  ASSERT_EQ(gfs_set(h, "device", "cpu"), GFS_OK);
  ASSERT_EQ(gfs_set(h, "record_probabilities", "true"), GFS_OK);
  ASSERT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  int64_t epochs = 0, stopped = 0, outputs = 0, ranks = 0;
  ASSERT_EQ(gfs_n_epochs(h, &epochs), GFS_OK);
  ASSERT_EQ(epochs, static_cast<int64_t>(want.history.size()));
  std::vector<double> tau(static_cast<std::size_t>(epochs)), trained(static_cast<std::size_t>(epochs));
  ASSERT_EQ(gfs_get_history(h, "tau", tau.data(), epochs), GFS_OK);
  ASSERT_EQ(gfs_get_history(h, "n_trained", trained.data(), epochs), GFS_OK);
  for (std::size_t e = 0; e < want.history.size(); ++e) {
    EXPECT_EQ(tau[e], static_cast<double>(want.history[e].tau));
    EXPECT_EQ(trained[e], want.history[e].n_trained);
  }
  EXPECT_EQ(gfs_get_history(h, "lr", tau.data(), epochs), GFS_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(gfs_last_error()).find("n_active"), std::string::npos) << gfs_last_error();
  ASSERT_EQ(gfs_get_stopped_epoch(h, &stopped), GFS_OK);
  EXPECT_EQ(stopped, want.stopped_epoch);
  char reason[32] = {};
  ASSERT_EQ(gfs_get_stop_reason(h, reason, sizeof reason), GFS_OK);
  EXPECT_EQ(std::string(reason), want.stop_reason);
  ASSERT_EQ(gfs_get_n_outputs(h, &outputs), GFS_OK);
  EXPECT_EQ(outputs, 2);
  ASSERT_EQ(gfs_get_ranks(h, &ranks), GFS_OK);
  EXPECT_EQ(ranks, 1);
  EXPECT_EQ(gfs_get_rank_columns(h, nullptr, 0), GFS_OK);  // one process: no split
  std::vector<float> mean(8), p(want.probability_history.size());
  ASSERT_EQ(gfs_get_feature_mean(h, mean.data(), 8), GFS_OK);
  EXPECT_EQ(mean, want.feature_mean);
  ASSERT_EQ(gfs_get_probability_history(h, p.data(), static_cast<int64_t>(p.size())), GFS_OK);
  EXPECT_EQ(p, want.probability_history);
  char lambda[32] = {}, next[32] = {};
  ASSERT_EQ(gfs_get_fit_setting(h, "lambda", lambda, sizeof lambda), GFS_OK);
  ASSERT_EQ(gfs_get(h, "lambda", next, sizeof next), GFS_OK);
  EXPECT_EQ(std::string(next), "auto");
  std::string resolved;
  for (const auto& [key, value] : want.config.items())
    if (key == "lambda") resolved = value;
  EXPECT_EQ(std::string(lambda), resolved);
  EXPECT_NE(resolved, "auto");  // the fit resolved it
  double seconds = -1;
  ASSERT_EQ(gfs_get_fit_seconds(h, &seconds), GFS_OK);
  EXPECT_GE(seconds, 0.0);
  gfs_destroy(h);
}

}  // namespace
}  // namespace gfs::test
