// Bad input gets a specific gfs::Error naming the problem (SPEC section 4), never a crash or NaN.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "gfs/gfs.hpp"
#include "synthetic.hpp"

namespace gfs::test {
namespace {

/// Runs fit and expects a gfs::Error of `code` whose message contains `fragment`.
void expect_fit_error(Config c, const std::vector<float>& x, std::int64_t rows, std::int64_t cols,
                      const std::vector<float>& y, ErrorCode code, const std::string& fragment, int n_targets = 1) {
  c.device = Device::cpu();
  c.epochs = 1;
  Selector sel(c);
  try {
    sel.fit(x.empty() ? nullptr : x.data(), rows, cols, y.empty() ? nullptr : y.data(), n_targets);
    FAIL() << "expected an error containing '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
  EXPECT_FALSE(sel.fitted());
}

class BadInput : public ::testing::Test {
 protected:
  Synthetic s = make_classification(40, 6, 2, 2, 1);
  Config c;
  void SetUp() override { c.batch_size = 4; }
};

TEST_F(BadInput, NaNInXNamesRowAndColumn) {
  s.x[3 * 6 + 4] = std::nanf("");
  expect_fit_error(c, s.x, s.rows, s.cols, s.y, ErrorCode::kInvalidData, "row 3, column 4");
}

TEST_F(BadInput, InfinityInX) {
  s.x[7] = std::numeric_limits<float>::infinity();
  expect_fit_error(c, s.x, s.rows, s.cols, s.y, ErrorCode::kInvalidData, "non-finite");
}

TEST_F(BadInput, NaNInY) {
  s.y[5] = std::nanf("");
  expect_fit_error(c, s.x, s.rows, s.cols, s.y, ErrorCode::kInvalidData, "y has a non-finite value at row 5");
}

TEST_F(BadInput, OneClassOnly) {
  std::fill(s.y.begin(), s.y.end(), 1.0F);
  expect_fit_error(c, s.x, s.rows, s.cols, s.y, ErrorCode::kInvalidData, "only one class");
}

TEST_F(BadInput, NonIntegerLabels) {
  s.y[2] = 0.5F;
  expect_fit_error(c, s.x, s.rows, s.cols, s.y, ErrorCode::kInvalidData, "integer labels");
}

TEST_F(BadInput, NegativeLabels) {
  s.y[2] = -1.0F;
  expect_fit_error(c, s.x, s.rows, s.cols, s.y, ErrorCode::kInvalidData, "label at row 2");
}

TEST_F(BadInput, NoRows) { expect_fit_error(c, s.x, 0, s.cols, s.y, ErrorCode::kInvalidData, "no rows"); }

TEST_F(BadInput, NoFeatures) { expect_fit_error(c, s.x, s.rows, 0, s.y, ErrorCode::kInvalidData, "no features"); }

TEST_F(BadInput, NullPointers) {
  expect_fit_error(c, {}, s.rows, s.cols, s.y, ErrorCode::kInvalidData, "x is a null pointer");
  expect_fit_error(c, s.x, s.rows, s.cols, {}, ErrorCode::kInvalidData, "y is a null pointer");
}

TEST_F(BadInput, FewerRowsThanBatch) {
  c.batch_size = 64;
  expect_fit_error(c, s.x, s.rows, s.cols, s.y, ErrorCode::kInvalidData, "fewer than batch_size");
}

TEST_F(BadInput, ShapeThatCannotFitInMemory) {
  expect_fit_error(c, s.x, std::int64_t(1) << 40, std::int64_t(1) << 40, s.y, ErrorCode::kInvalidData,
                   "does not fit in memory");
}

TEST_F(BadInput, ClassificationWithSeveralLabelColumns) {
  expect_fit_error(c, s.x, s.rows / 2, s.cols, s.y, ErrorCode::kInvalidData, "one label column", 2);
}

TEST_F(BadInput, BadSettingsAreInvalidArguments) {
  Config bad = c;
  bad.tau0 = 0;
  expect_fit_error(bad, s.x, s.rows, s.cols, s.y, ErrorCode::kInvalidArgument, "tau0");
  bad = c;
  bad.penalty = Penalty::kTarget;
  expect_fit_error(bad, s.x, s.rows, s.cols, s.y, ErrorCode::kInvalidArgument, "target_features");
  bad = c;
  bad.hidden.clear();
  expect_fit_error(bad, s.x, s.rows, s.cols, s.y, ErrorCode::kInvalidArgument, "hidden");
}

TEST_F(BadInput, CudaRequestedButUnavailableIsDeviceError) {
  if (cuda_device_count() > 0) GTEST_SKIP() << "a CUDA device is present";
  Config cc = c;
  cc.epochs = 1;
  cc.device = Device::cuda(0);
  Selector sel(cc);
  try {
    sel.fit(s.x.data(), s.rows, s.cols, s.y.data());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDeviceUnavailable) << e.what();
  }
}

TEST_F(BadInput, AutoDeviceFallsBackToCpuAndSaysWhy) {
  if (cuda_device_count() > 0) GTEST_SKIP() << "a CUDA device is present";
  c.epochs = 1;
  Selector sel(c);
  const Result& r = sel.fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_EQ(r.device, "cpu");
  EXPECT_NE(r.device_note.find("running on the CPU"), std::string::npos);
}

TEST_F(BadInput, ResultBeforeFitThrows) {
  Selector sel(c);
  EXPECT_THROW((void)sel.result(), Error);
}

TEST(Standardize, ConstantColumnGivesZerosNotNaN) {
  std::vector<float> x(50 * 3);
  for (int i = 0; i < 50; ++i) {
    x[static_cast<std::size_t>(i * 3)] = 7.0F;  // constant
    x[static_cast<std::size_t>(i * 3 + 1)] = float(i);
    x[static_cast<std::size_t>(i * 3 + 2)] = float(i % 2);
  }
  std::vector<float> y(50);
  for (int i = 0; i < 50; ++i) y[static_cast<std::size_t>(i)] = float(i % 2);
  Config c;
  c.epochs = 2;
  c.batch_size = 5;
  c.device = Device::cpu();
  Selector sel(c);
  const Result& r = sel.fit(x.data(), 50, 3, y.data());
  EXPECT_FLOAT_EQ(r.feature_mean[0], 7.0F);
  EXPECT_FLOAT_EQ(r.feature_std[0], 0.0F);
  EXPECT_NEAR(r.feature_mean[1], 24.5F, 1e-5);
  EXPECT_NEAR(r.feature_std[1], std::sqrt((50.0 * 50.0 - 1) / 12.0), 1e-4);
  for (float w : r.logits) EXPECT_TRUE(std::isfinite(w));
  for (const EpochRecord& e : r.history) EXPECT_TRUE(std::isfinite(e.loss));
}

}  // namespace
}  // namespace gfs::test
