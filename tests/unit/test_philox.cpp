// Philox4x32-10 against the published known-answer vectors (Salmon et al., Random123 kat_vectors)
// and the cuRAND stream layout the CUDA backend relies on.
#include <gtest/gtest.h>

#include <set>

#include "kernels/philox.hpp"

namespace gfs::kern {
namespace {

void expect_block(Philox4 got, Philox4 want) {
  for (int i = 0; i < 4; ++i) EXPECT_EQ(got.v[i], want.v[i]) << "word " << i;
}

TEST(Philox, KnownAnswerZeroCounterZeroKey) {
  expect_block(philox4x32_10({{0, 0, 0, 0}}, 0, 0), {{0x6627e8d5U, 0xe169c58dU, 0xbc57ac4cU, 0x9b00dbd8U}});
}

TEST(Philox, KnownAnswerAllOnes) {
  expect_block(philox4x32_10({{0xffffffffU, 0xffffffffU, 0xffffffffU, 0xffffffffU}}, 0xffffffffU, 0xffffffffU),
               {{0x408f276dU, 0x41c83b0eU, 0xa20bc7c6U, 0x6d5451fdU}});
}

TEST(Philox, KnownAnswerPiDigits) {
  expect_block(philox4x32_10({{0x243f6a88U, 0x85a308d3U, 0x13198a2eU, 0x03707344U}}, 0xa4093822U, 0x299f31d0U),
               {{0xd16cfe09U, 0x94fdccebU, 0x5001e420U, 0x24126ea1U}});
}

TEST(Philox, BlockLayoutPutsSeedInKeyAndSubsequenceInHighCounterWords) {
  const std::uint64_t seed = 0x0123456789abcdefULL, sub = 0x1122334455667788ULL, block = 0x99aabbccddeeff00ULL;
  const Philox4 direct =
      philox4x32_10({{0xddeeff00U, 0x99aabbccU, 0x55667788U, 0x11223344U}}, 0x89abcdefU, 0x01234567U);
  expect_block(philox_block(seed, sub, block), direct);
}

TEST(Philox, UniformMapMatchesCurandAndStaysInUnitInterval) {
  EXPECT_FLOAT_EQ(uint_to_uniform(0), 2.3283064e-10F / 2.0F);
  EXPECT_GT(uint_to_uniform(0), 0.0F);
  EXPECT_LE(uint_to_uniform(0xffffffffU), 1.0F);
  EXPECT_NEAR(uint_to_uniform(0x80000000U), 0.5F, 1e-7F);
}

TEST(Philox, UniformIndexWalksFourWordsPerBlock) {
  const Philox4 b0 = philox_block(5, 7, 0), b1 = philox_block(5, 7, 1);
  EXPECT_EQ(philox_uniform(5, 7, 2), uint_to_uniform(b0.v[2]));
  EXPECT_EQ(philox_uniform(5, 7, 5), uint_to_uniform(b1.v[1]));
}

TEST(Philox, StreamsOfDifferentPurposesDoNotOverlap) {
  std::set<std::uint32_t> seen;
  for (std::uint64_t sub : {kTrainStream, kScoreStream, kInitStream, kShuffleStream}) {
    const Philox4 b = philox_block(42, sub, 0);
    for (std::uint32_t w : b.v) EXPECT_TRUE(seen.insert(w).second);
  }
}

TEST(Philox, MeanAndVarianceOfUniformsAreThoseOfU01) {
  double sum = 0, sq = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = philox_uniform(9, 3, static_cast<std::uint64_t>(i));
    sum += u;
    sq += u * u;
  }
  const double mean = sum / n, var = sq / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 4 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(var, 1.0 / 12, 2e-3);
}

}  // namespace
}  // namespace gfs::kern
