/// @file test_launch_config.cpp
/// @brief Host-only tests of the CUDA launch geometry (run on any machine, GPU or not).
#include <gtest/gtest.h>

#include <algorithm>

#include "kernels/cuda/launch_config.hpp"

namespace gfs::cuda {
namespace {

TEST(LaunchConfig, GemvChunksCoverTheFeaturesWithoutEmptyChunks) {
  for (std::int64_t d : {1LL, 3LL, 255LL, 256LL, 257LL, 1000LL, 4099LL, 100000LL, 1000000LL, 12345678LL}) {
    for (int sms : {1, 2, 132}) {
      const GemvChunks c = gemv_chunks(d, sms);
      ASSERT_GE(c.count, 1) << d;
      EXPECT_LE(c.count, 8 * sms) << d;
      EXPECT_GE(static_cast<std::int64_t>(c.count) * c.size, d) << "chunks do not cover D=" << d;
      EXPECT_LT(static_cast<std::int64_t>(c.count - 1) * c.size, d) << "last chunk empty for D=" << d;
    }
  }
}

TEST(LaunchConfig, GatheredModelsFitTheWholeModelsBuffers) {
  // The CUDA backend sizes its per-chunk and per-block buffers for D and reuses them for a
  // gathered model of any a <= D columns (the active set).
  for (int sms : {1, 4, 132, 144}) {
    int most_chunks = 0, most_feature_blocks = 0, most_mask_blocks = 0;
    for (std::int64_t d = 1; d <= 60000; ++d) {
      most_chunks = std::max(most_chunks, gemv_chunks(d, sms).count);
      most_feature_blocks = std::max(most_feature_blocks, feature_blocks(d, sms));
      most_mask_blocks = std::max(most_mask_blocks, mask_blocks(d));
      ASSERT_LE(most_chunks, gemv_chunks_bound(d, sms)) << "D " << d << ", " << sms << " SMs";
      ASSERT_LE(most_feature_blocks, feature_blocks(d, sms)) << "D " << d << ", " << sms << " SMs";
      ASSERT_LE(most_mask_blocks, mask_blocks(d)) << "D " << d;
    }
  }
}

TEST(LaunchConfig, MaskBlocksCoverTheFeatures) {
  EXPECT_EQ(mask_blocks(1), 1);
  EXPECT_EQ(mask_blocks(kMaskFeaturesPerBlock), 1);
  EXPECT_EQ(mask_blocks(kMaskFeaturesPerBlock + 1), 2);
  EXPECT_EQ(kMaskFeaturesPerBlock, kBlockThreads) << "one feature per thread";
  EXPECT_EQ(mask_blocks(10000), 40) << "D = 10^4 must spread over tens of SMs";
}

TEST(LaunchConfig, FeatureBlocksAreBoundedAndNonEmpty) {
  EXPECT_EQ(feature_blocks(1, 132), 1);
  EXPECT_EQ(feature_blocks(17, 132), 3);
  EXPECT_EQ(feature_blocks(10000000, 132), kFeatureBlocksPerSm * 132);
}

TEST(LaunchConfig, SmallBatchPathFitsSharedMemory) {
  EXPECT_TRUE(use_small_batch_path(1, 32, 32));
  EXPECT_TRUE(use_small_batch_path(kMaxSmallBatch, 32, 32));
  EXPECT_FALSE(use_small_batch_path(kMaxSmallBatch + 1, 32, 32));
  EXPECT_FALSE(use_small_batch_path(16, 4096, 32)) << "dz0 of 16 x 4096 floats exceeds 48 KiB";
  // Whatever the path, the chosen layout must fit the budget for the embedding sizes allowed.
  EXPECT_LE(feature_shared_bytes(1, 32, 1024, false), kSharedBudget);
  EXPECT_LE(mask_shared_bytes(1024) + 32 * sizeof(float), kSharedBudget);
}

}  // namespace
}  // namespace gfs::cuda
