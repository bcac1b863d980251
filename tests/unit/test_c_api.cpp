// The C API: round trip through raw pointers, status codes and messages, no exception escapes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gfs/gfs.h"
#include "gfs/gfs.hpp"
#include "synthetic.hpp"

namespace gfs::test {
namespace {

TEST(CApi, VersionMatchesCpp) { EXPECT_STREQ(gfs_version(), gfs::version()); }

TEST(CApi, RoundTripMatchesCppApi) {
  const Synthetic s = make_classification(200, 30, 3, 2, 4);
  gfs_selector* h = nullptr;
  ASSERT_EQ(gfs_create(&h), GFS_OK);
  ASSERT_EQ(gfs_set(h, "epochs", "20"), GFS_OK);
  ASSERT_EQ(gfs_set(h, "device", "cpu"), GFS_OK);
  ASSERT_EQ(gfs_set(h, "seed", "9"), GFS_OK);
  ASSERT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();

  Config c;
  c.epochs = 20;
  c.device = Device::cpu();
  c.seed = 9;
  Selector cpp(c);
  const Result& r = cpp.fit(s.x.data(), s.rows, s.cols, s.y.data());

  int64_t d = 0, k = 0;
  ASSERT_EQ(gfs_n_features(h, &d), GFS_OK);
  ASSERT_EQ(gfs_n_selected(h, &k), GFS_OK);
  EXPECT_EQ(d, 30);
  EXPECT_EQ(k, static_cast<int64_t>(r.selected.size()));
  std::vector<float> logits(30), probs(30);
  std::vector<int32_t> scores(30);
  std::vector<int64_t> ranking(30), selected(static_cast<std::size_t>(k));
  ASSERT_EQ(gfs_get_logits(h, logits.data(), 30), GFS_OK);
  ASSERT_EQ(gfs_get_probabilities(h, probs.data(), 30), GFS_OK);
  ASSERT_EQ(gfs_get_scores(h, scores.data(), 30), GFS_OK);
  ASSERT_EQ(gfs_get_ranking(h, ranking.data(), 30), GFS_OK);
  ASSERT_EQ(gfs_get_selected(h, selected.data(), k), GFS_OK);
  EXPECT_EQ(logits, r.logits);
  EXPECT_EQ(probs, r.probabilities);
  EXPECT_EQ(std::vector<int32_t>(r.scores.begin(), r.scores.end()), scores);
  for (std::size_t i = 0; i < selected.size(); ++i) EXPECT_EQ(selected[i], r.selected[i]);
  int64_t n_candidates = 0;
  ASSERT_EQ(gfs_n_candidates(h, &n_candidates), GFS_OK);  // the default rule: "validated"
  ASSERT_EQ(n_candidates, static_cast<int64_t>(r.candidates.size()));
  ASSERT_GE(n_candidates, k);
  std::vector<int64_t> candidates(static_cast<std::size_t>(n_candidates));
  ASSERT_EQ(gfs_get_candidates(h, candidates.data(), n_candidates), GFS_OK);
  for (std::size_t i = 0; i < candidates.size(); ++i) EXPECT_EQ(candidates[i], r.candidates[i]);
  char dev[16];
  ASSERT_EQ(gfs_get_device(h, dev, sizeof dev), GFS_OK);
  EXPECT_STREQ(dev, "cpu");
  char value[32];
  ASSERT_EQ(gfs_get(h, "epochs", value, sizeof value), GFS_OK);
  EXPECT_STREQ(value, "20");

  std::vector<float> reduced(static_cast<std::size_t>(s.rows * k));
  ASSERT_EQ(gfs_transform(h, s.x.data(), s.rows, s.cols, reduced.data(), static_cast<int64_t>(reduced.size())), GFS_OK);
  EXPECT_EQ(reduced, cpp.transform(s.x.data(), s.rows, s.cols));
  gfs_destroy(h);
}

// gfs_fit_in_place: gfs_fit's result, with x standardised where it is; refused input leaves x alone.
TEST(CApi, FitInPlaceIsTheFitWithoutTheCopy) {
  const Synthetic s = make_classification(200, 30, 3, 2, 5);
  gfs_selector* h = nullptr;
  ASSERT_EQ(gfs_create(&h), GFS_OK);
  ASSERT_EQ(gfs_set(h, "epochs", "15"), GFS_OK);
  ASSERT_EQ(gfs_set(h, "device", "cpu"), GFS_OK);
  ASSERT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  std::vector<float> copied(30), own(30);
  ASSERT_EQ(gfs_get_logits(h, copied.data(), 30), GFS_OK);
  std::vector<float> buffer = s.x;
  ASSERT_EQ(gfs_fit_in_place(h, buffer.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  ASSERT_EQ(gfs_get_logits(h, own.data(), 30), GFS_OK);
  EXPECT_EQ(own, copied);
  // Column 0 now has mean 0 and (population) std 1.
  double sum = 0, sq = 0;
  for (std::int64_t r = 0; r < s.rows; ++r) sum += buffer[static_cast<std::size_t>(r * s.cols)];
  for (std::int64_t r = 0; r < s.rows; ++r) sq += std::pow(buffer[static_cast<std::size_t>(r * s.cols)], 2);
  EXPECT_NEAR(sum / static_cast<double>(s.rows), 0.0, 1e-5);
  EXPECT_NEAR(sq / static_cast<double>(s.rows), 1.0, 1e-4);
  std::vector<float> bad = s.x;
  bad[3] = std::numeric_limits<float>::infinity();
  const std::vector<float> given = bad;
  EXPECT_EQ(gfs_fit_in_place(h, bad.data(), s.rows, s.cols, s.y.data(), 1), GFS_ERR_INVALID_DATA);
  EXPECT_EQ(std::memcmp(bad.data(), given.data(), bad.size() * sizeof(float)), 0);
  gfs_destroy(h);
}

/// Issue 24: must_keep / must_drop / feature_cost through gfs_set (column numbers, as result.json's),
/// and a column beyond the table or a cost list of another length refused at fit time as an
/// invalid argument with the message.
TEST(CApi, MustKeepAndMustDropAreSettings) {
  const Synthetic s = make_classification(400, 12, 3, 2, 8);  // informative: 1, 5, 9
  gfs_selector* h = nullptr;
  ASSERT_EQ(gfs_create(&h), GFS_OK);
  ASSERT_EQ(gfs_set(h, "epochs", "60"), GFS_OK);
  ASSERT_EQ(gfs_set(h, "device", "cpu"), GFS_OK);
  const auto selected = [&] {
    std::int64_t k = 0;
    EXPECT_EQ(gfs_n_selected(h, &k), GFS_OK);
    std::vector<std::int64_t> out(static_cast<std::size_t>(k));
    EXPECT_EQ(gfs_get_selected(h, out.data(), k), GFS_OK);
    return out;
  };
  const auto has = [](const std::vector<std::int64_t>& v, std::int64_t j) {
    return std::find(v.begin(), v.end(), j) != v.end();
  };
  ASSERT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  const std::vector<std::int64_t> free = selected();
  ASSERT_TRUE(has(free, 5)) << ::testing::PrintToString(free);
  ASSERT_FALSE(has(free, 0)) << ::testing::PrintToString(free);
  ASSERT_EQ(gfs_set(h, "must_keep", "0"), GFS_OK);  // noise
  ASSERT_EQ(gfs_set(h, "must_drop", "5"), GFS_OK);  // informative
  ASSERT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  const std::vector<std::int64_t> known = selected();
  EXPECT_TRUE(has(known, 0)) << ::testing::PrintToString(known);
  EXPECT_FALSE(has(known, 5)) << ::testing::PrintToString(known);
  for (std::int64_t j : {1, 9})
    EXPECT_TRUE(!has(free, j) || has(known, j)) << j << " in " << ::testing::PrintToString(known);
  ASSERT_EQ(gfs_set(h, "feature_cost", "1,1,1"), GFS_OK);  // a list like the others: one per column at fit time
  EXPECT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(gfs_last_error()).find("'feature_cost' holds 3 costs"), std::string::npos) << gfs_last_error();
  ASSERT_EQ(gfs_set(h, "feature_cost", ""), GFS_OK);
  ASSERT_EQ(gfs_set(h, "must_drop", "12"), GFS_OK);  // read now, checked against the table at fit time
  EXPECT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(gfs_last_error()).find("'must_drop' holds column 12"), std::string::npos) << gfs_last_error();
  gfs_destroy(h);
}

/// One table [n, d] with labels y fitted through the C API, 5 epochs on the CPU, and the handle
/// returned (a failing call is a test failure: the caller asserts there is none);
/// cpp_fit_five_epochs: the same fit through the C++ API.
gfs_selector* fit_five_epochs(const std::vector<float>& x, std::int64_t n, std::int64_t d,
                              const std::vector<float>& y) {
  gfs_selector* h = nullptr;
  EXPECT_EQ(gfs_create(&h), GFS_OK);
  EXPECT_EQ(gfs_set(h, "epochs", "5"), GFS_OK);
  EXPECT_EQ(gfs_set(h, "device", "cpu"), GFS_OK);
  EXPECT_EQ(gfs_fit(h, x.data(), n, d, y.data(), 1), GFS_OK) << gfs_last_error();
  return h;
}
Result cpp_fit_five_epochs(const std::vector<float>& x, std::int64_t n, std::int64_t d, const std::vector<float>& y) {
  Config c;
  c.epochs = 5;
  c.device = Device::cpu();
  return Selector(c).fit(x.data(), n, d, y.data());
}

TEST(CApi, InteractionsOfTheDefaultRule) {
  // y = 1[x_2 x_9 > 0] among 12 columns: the pair screen finds the pair (2, 9).
  const std::int64_t n = 300, d = 12;
  std::mt19937 rng(6);
  std::normal_distribution<float> normal;
  std::vector<float> x(static_cast<std::size_t>(n * d)), y(static_cast<std::size_t>(n));
  for (float& v : x) v = normal(rng);
  for (std::int64_t i = 0; i < n; ++i)
    y[static_cast<std::size_t>(i)] = x[static_cast<std::size_t>(i * d + 2)] * x[static_cast<std::size_t>(i * d + 9)] > 0;
  gfs_selector* h = fit_five_epochs(x, n, d, y);
  ASSERT_FALSE(HasFailure()) << "the C API's fit";
  const Result r = cpp_fit_five_epochs(x, n, d, y);
  ASSERT_FALSE(r.pair_screen.pairs.empty());
  EXPECT_EQ(r.pair_screen.pairs[0].a, 2);
  EXPECT_EQ(r.pair_screen.pairs[0].b, 9);
  int64_t n_pairs = -1;
  ASSERT_EQ(gfs_n_interactions(h, &n_pairs), GFS_OK);
  ASSERT_EQ(n_pairs, static_cast<int64_t>(r.pair_screen.pairs.size()));
  std::vector<int64_t> pairs(static_cast<std::size_t>(2 * n_pairs) + 1);
  std::vector<double> zs(static_cast<std::size_t>(n_pairs) + 1);
  ASSERT_EQ(gfs_get_interactions(h, pairs.data(), zs.data(), n_pairs), GFS_OK);
  for (std::size_t i = 0; i < r.pair_screen.pairs.size(); ++i) {
    EXPECT_EQ(pairs[2 * i], r.pair_screen.pairs[i].a);
    EXPECT_EQ(pairs[2 * i + 1], r.pair_screen.pairs[i].b);
    EXPECT_EQ(zs[i], r.pair_screen.pairs[i].z);
  }
  if (n_pairs > 0) {  // one pair short: a clear error, nothing written past the buffer
    EXPECT_EQ(gfs_get_interactions(h, pairs.data(), zs.data(), n_pairs - 1), GFS_ERR_BUFFER_TOO_SMALL);
  }
  gfs_destroy(h);
}

TEST(CApi, ScreenedTermsOfACountTable) {
  // Zero-inflated counts (half the rows 0 in every column); column 4's counts above 0 are e^2
  // times larger in class 1: the column screen enters it through its magnitude, term code 2.
  const std::int64_t n = 160, d = 30;
  std::mt19937 rng(8);
  std::normal_distribution<float> normal(0.0F, 1.6F);
  std::vector<float> x(static_cast<std::size_t>(n * d)), y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    y[static_cast<std::size_t>(i)] = static_cast<float>(i % 2);
    for (std::int64_t j = 0; j < d; ++j) {
      const float up = j == 4 && i % 2 == 1 ? 2.0F : 0.0F;
      const float count = std::round(std::exp(2.0F + up + normal(rng))) + 1.0F;
      x[static_cast<std::size_t>(i * d + j)] = rng() % 2 == 0 ? 0.0F : count;
    }
  }
  gfs_selector* h = fit_five_epochs(x, n, d, y);
  ASSERT_FALSE(HasFailure()) << "the C API's fit";
  const Result r = cpp_fit_five_epochs(x, n, d, y);
  int64_t count = -1;
  ASSERT_EQ(gfs_n_screened(h, &count), GFS_OK);
  ASSERT_EQ(count, static_cast<int64_t>(r.column_screen.columns.size()));
  ASSERT_GE(count, 1);
  const auto k = static_cast<std::size_t>(count);
  std::vector<int64_t> columns(k);
  std::vector<int32_t> terms(k);
  std::vector<double> zs(k), ps(k);
  ASSERT_EQ(gfs_get_screened(h, columns.data(), terms.data(), zs.data(), ps.data(), count), GFS_OK);
  for (std::size_t i = 0; i < k; ++i) {
    EXPECT_EQ(columns[i], r.column_screen.columns[i].column);
    EXPECT_EQ(terms[i], static_cast<int32_t>(r.column_screen.columns[i].term));
    EXPECT_EQ(zs[i], r.column_screen.columns[i].z);
    EXPECT_EQ(ps[i], r.column_screen.columns[i].p);
  }
  EXPECT_EQ(columns[0], 4);
  EXPECT_EQ(terms[0], 2);
  gfs_destroy(h);
}

TEST(CApi, StabilityFrequenciesAndBound) {
  const Synthetic s = make_classification(200, 30, 3, 2, 4);
  gfs_selector* h = nullptr;
  ASSERT_EQ(gfs_create(&h), GFS_OK);
  for (const auto& [key, value] : {std::pair<const char*, const char*>{"epochs", "15"},
                                   {"device", "cpu"},
                                   {"seed", "3"},
                                   {"support", "stability"},
                                   {"members", "4"},
                                   {"stability_threshold", "0.75"}})
    ASSERT_EQ(gfs_set(h, key, value), GFS_OK) << key;
  ASSERT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  Config c;
  c.epochs = 15;
  c.device = Device::cpu();
  c.seed = 3;
  c.support = SupportRule::kStability;
  c.members = 4;
  c.stability_threshold = 0.75F;
  const Result r = Selector(c).fit(s.x.data(), s.rows, s.cols, s.y.data());
  std::vector<float> freq(30);
  ASSERT_EQ(gfs_get_frequencies(h, freq.data(), 30), GFS_OK);
  EXPECT_EQ(freq, r.frequencies);
  double bound = -1;
  ASSERT_EQ(gfs_get_expected_false_selections(h, &bound), GFS_OK);
  EXPECT_EQ(bound, r.expected_false_selections);
  EXPECT_GT(bound, 0.0);
  EXPECT_EQ(gfs_get_expected_false_selections(h, nullptr), GFS_ERR_INVALID_ARGUMENT);
  // Under another rule the frequencies are all zero.
  ASSERT_EQ(gfs_set(h, "support", "majority"), GFS_OK);
  ASSERT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  ASSERT_EQ(gfs_get_frequencies(h, freq.data(), 30), GFS_OK);
  EXPECT_EQ(freq, std::vector<float>(30, 0.0F));
  gfs_destroy(h);
}

TEST(CApi, ErrorsAreStatusCodesWithMessages) {
  gfs_selector* h = nullptr;
  ASSERT_EQ(gfs_create(&h), GFS_OK);
  EXPECT_EQ(gfs_set(h, "no_such_key", "1"), GFS_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(gfs_last_error()).find("no_such_key"), std::string::npos);
  EXPECT_EQ(gfs_set(h, "epochs", "-3"), GFS_OK);  // range is checked at fit time
  std::vector<float> x(20, 1.0F), y(10, 0.0F);
  EXPECT_EQ(gfs_fit(h, x.data(), 10, 2, y.data(), 1), GFS_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(gfs_last_error()).find("epochs"), std::string::npos);
  ASSERT_EQ(gfs_set(h, "epochs", "2"), GFS_OK);
  ASSERT_EQ(gfs_set(h, "batch_size", "2"), GFS_OK);
  EXPECT_EQ(gfs_fit(h, x.data(), 10, 2, y.data(), 1), GFS_ERR_INVALID_DATA);  // one class
  EXPECT_NE(std::string(gfs_last_error()).find("one class"), std::string::npos);
  int64_t k = 0;
  EXPECT_EQ(gfs_n_selected(h, &k), GFS_ERR_NOT_FITTED);
  x[3] = INFINITY;  // NaN would be a missing value
  y[1] = 1.0F;
  EXPECT_EQ(gfs_fit(h, x.data(), 10, 2, y.data(), 1), GFS_ERR_INVALID_DATA);
  EXPECT_NE(std::string(gfs_last_error()).find("row 1, column 1"), std::string::npos);
  gfs_destroy(h);
}

TEST(CApi, NullHandleAndSmallBuffersAreRejected) {
  EXPECT_EQ(gfs_create(nullptr), GFS_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(gfs_set(nullptr, "epochs", "1"), GFS_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(gfs_last_error()).find("NULL"), std::string::npos);
  gfs_destroy(nullptr);  // harmless

  const Synthetic s = make_classification(60, 10, 2, 2, 4);
  gfs_selector* h = nullptr;
  ASSERT_EQ(gfs_create(&h), GFS_OK);
  gfs_set(h, "epochs", "2");
  gfs_set(h, "device", "cpu");
  ASSERT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK);
  std::vector<float> logits(5);
  EXPECT_EQ(gfs_get_logits(h, logits.data(), 5), GFS_ERR_BUFFER_TOO_SMALL);
  char dev[2];
  EXPECT_EQ(gfs_get_device(h, dev, sizeof dev), GFS_ERR_BUFFER_TOO_SMALL);
  gfs_destroy(h);
}

// Issue 22 item 12: a negative capacity said GFS_ERR_BUFFER_TOO_SMALL ("the buffer holds -1
// values"), as if a larger buffer would help. It is an invalid argument, named.
TEST(CApi, NegativeCapacityIsAnInvalidArgument) {
  const Synthetic s = make_classification(60, 10, 2, 2, 4);
  gfs_selector* h = nullptr;
  ASSERT_EQ(gfs_create(&h), GFS_OK);
  gfs_set(h, "epochs", "2");
  gfs_set(h, "device", "cpu");
  ASSERT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK);
  std::vector<float> f(10);
  std::vector<int64_t> i(20);
  std::vector<int32_t> k(10);
  std::vector<double> z(10);
  const auto expect_invalid = [](int status, const char* what) {
    EXPECT_EQ(status, GFS_ERR_INVALID_ARGUMENT) << what;
    EXPECT_NE(std::string(gfs_last_error()).find("negative"), std::string::npos) << what << ": " << gfs_last_error();
  };
  expect_invalid(gfs_get_logits(h, f.data(), -1), "gfs_get_logits");
  expect_invalid(gfs_get_probabilities(h, f.data(), -1), "gfs_get_probabilities");
  expect_invalid(gfs_get_frequencies(h, f.data(), -5), "gfs_get_frequencies");
  expect_invalid(gfs_get_scores(h, k.data(), -1), "gfs_get_scores");
  expect_invalid(gfs_get_selected(h, i.data(), INT64_MIN), "gfs_get_selected");
  expect_invalid(gfs_get_candidates(h, i.data(), -1), "gfs_get_candidates");
  expect_invalid(gfs_get_ranking(h, i.data(), -1), "gfs_get_ranking");
  expect_invalid(gfs_get_interactions(h, i.data(), z.data(), -1), "gfs_get_interactions");
  expect_invalid(gfs_transform(h, s.x.data(), 1, s.cols, f.data(), -1), "gfs_transform");
  char buf[16];
  expect_invalid(gfs_get_device(h, buf, -1), "gfs_get_device");
  expect_invalid(gfs_get(h, "epochs", buf, -1), "gfs_get");
  gfs_destroy(h);
}

// Issue 22 item 12: gfs_request_stop on a handle without a checkpoint left its flag set, and the
// first fit after gfs_set_checkpoint stopped after epoch 1. A request now applies to one fit.
TEST(CApi, AStopRequestDoesNotCarryOverIntoALaterFit) {
  const Synthetic s = make_classification(96, 12, 2, 2, 3);
  const std::string path = ::testing::TempDir() + "gfs_capi_stop_" + std::to_string(s.cols) + ".ckpt";
  gfs_selector* h = nullptr;
  ASSERT_EQ(gfs_create(&h), GFS_OK);
  for (const auto& [key, value] : {std::pair<const char*, const char*>{"epochs", "4"},
                                   {"device", "cpu"},
                                   {"support", "majority"},
                                   {"n_iter_no_change", "0"}})
    ASSERT_EQ(gfs_set(h, key, value), GFS_OK);
  gfs_request_stop(h);  // no checkpoint: no fit would act on it, so it is discarded
  ASSERT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  gfs_request_stop(h);
  ASSERT_EQ(gfs_set_checkpoint(h, path.c_str(), 0, nullptr), GFS_OK);
  ASSERT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  // With a checkpoint, a request made before the fit still stops it (a signal handler's case)...
  gfs_request_stop(h);
  EXPECT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_CHECKPOINTED);
  // ... once: the next fit runs to its end.
  EXPECT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  gfs_destroy(h);
  std::remove(path.c_str());
}

TEST(CApi, LastErrorIsClearedBySuccess) {
  gfs_selector* h = nullptr;
  EXPECT_EQ(gfs_set(nullptr, "a", "b"), GFS_ERR_INVALID_ARGUMENT);
  EXPECT_STRNE(gfs_last_error(), "");
  ASSERT_EQ(gfs_create(&h), GFS_OK);
  EXPECT_STREQ(gfs_last_error(), "");
  gfs_destroy(h);
}

}  // namespace
}  // namespace gfs::test

namespace gfs::test {
namespace {

// Issue 13, defect 9: gfs_transform before a fit said 1 (invalid argument).
TEST(CApiStatus, TransformBeforeFitIsNotFitted) {
  gfs_selector* h = nullptr;
  ASSERT_EQ(gfs_create(&h), GFS_OK);
  const float x[4] = {1, 2, 3, 4};
  float out[4] = {};
  EXPECT_EQ(gfs_transform(h, x, 2, 2, out, 4), GFS_ERR_NOT_FITTED);
  EXPECT_NE(std::string(gfs_last_error()).find("gfs_fit"), std::string::npos) << gfs_last_error();
  gfs_destroy(h);
}

// Issue 13, defect 9 asked that a failed refit leave no result; issue 22 item 12 settled it the
// other way, as scikit-learn and the Python selector behave: a failed fit (an error status) leaves
// the previous successful fit's result exactly as it was (documented at gfs_fit). Before any
// successful fit the getters are GFS_ERR_NOT_FITTED.
TEST(CApiStatus, FailedRefitKeepsThePreviousResult) {
  const Synthetic s = make_classification(120, 10, 2, 2, 5);
  gfs_selector* h = nullptr;
  ASSERT_EQ(gfs_create(&h), GFS_OK);
  ASSERT_EQ(gfs_set(h, "epochs", "3"), GFS_OK);
  ASSERT_EQ(gfs_set(h, "device", "cpu"), GFS_OK);
  std::vector<float> bad = s.x;
  bad[7] = std::numeric_limits<float>::infinity();
  EXPECT_EQ(gfs_fit(h, bad.data(), s.rows, s.cols, s.y.data(), 1), GFS_ERR_INVALID_DATA);
  int64_t k = -1;
  EXPECT_EQ(gfs_n_selected(h, &k), GFS_ERR_NOT_FITTED);  // nothing to keep yet
  float none[10] = {};
  EXPECT_EQ(gfs_transform(h, s.x.data(), 1, s.cols, none, 10), GFS_ERR_NOT_FITTED);
  ASSERT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  ASSERT_EQ(gfs_n_selected(h, &k), GFS_OK);
  std::vector<float> before(10), after(10);
  ASSERT_EQ(gfs_get_logits(h, before.data(), 10), GFS_OK);
  std::vector<float> reduced_before(static_cast<std::size_t>(k) + 1), reduced_after(static_cast<std::size_t>(k) + 1);
  ASSERT_EQ(gfs_transform(h, s.x.data(), 1, s.cols, reduced_before.data(), k), GFS_OK);
  // A refit that fails on the data, and one that fails on a setting.
  EXPECT_EQ(gfs_fit(h, bad.data(), s.rows, s.cols, s.y.data(), 1), GFS_ERR_INVALID_DATA);
  ASSERT_EQ(gfs_set(h, "epochs", "7"), GFS_OK);
  ASSERT_EQ(gfs_set(h, "tau_decay", "1e-20"), GFS_OK);  // refused by validate()
  EXPECT_EQ(gfs_fit(h, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_ERR_INVALID_ARGUMENT);
  int64_t k_after = -1;
  ASSERT_EQ(gfs_n_selected(h, &k_after), GFS_OK);
  EXPECT_EQ(k_after, k);
  ASSERT_EQ(gfs_get_logits(h, after.data(), 10), GFS_OK);
  EXPECT_EQ(after, before);  // bit for bit: the previous fit's
  ASSERT_EQ(gfs_transform(h, s.x.data(), 1, s.cols, reduced_after.data(), k), GFS_OK);
  EXPECT_EQ(reduced_after, reduced_before);
  gfs_destroy(h);
}

}  // namespace
}  // namespace gfs::test
