/// @file test_simt_emulator.cpp
/// @brief The block emulator catches what it is there to catch: a removed barrier, a barrier in
///        divergent code, a shuffle from a lane outside its mask, a mask naming a lane that never
///        arrives; and it runs correct code (the shared reductions of reduce.cuh) to the right bits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/cuda/reduce.cuh"
#include "simt_emulator.hpp"

namespace gfs::simt {
namespace {

constexpr int kThreads = 128;

struct Scratch32 {
  float scratch[32];
};

/// A small kernel: out[t] = the value thread t + 1 wrote to shared memory. With `barrier` false
/// the __syncthreads between the write and the read is "deliberately removed".
struct RotateShared {
  float v[kThreads];
};
void rotate(Emulator& em, bool barrier, std::vector<float>& out) {
  em.launch_shared<RotateShared>("rotate", Dim2{2, 1}, kThreads, 0, [&](EmuCtx& c, RotateShared& sh) {
    const int t = c.tid();
    sh.v[t] = static_cast<float>(100 * c.bid_x() + t);
    if (barrier) c.sync();
    out[static_cast<std::size_t>(c.bid_x() * kThreads + t)] = sh.v[(t + 1) % kThreads];
  });
}

/// Runs `rotate` under every order; returns a message if any order's result differs from the
/// correct one (what a kernel test that compares every order with a reference reports).
std::string rotate_defects(bool barrier) {
  std::vector<float> want(2 * kThreads);
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < kThreads; ++t)
      want[static_cast<std::size_t>(b * kThreads + t)] = float(100 * b + (t + 1) % kThreads);
  std::string report;
  for (Order o : kAllOrders) {
    Emulator em(o, 3);
    std::vector<float> out(want.size(), 0.0F);
    rotate(em, barrier, out);
    for (std::size_t i = 0; i < out.size(); ++i)
      if (!(out[i] == want[i])) {
        report += std::string(order_name(o)) + ": out[" + std::to_string(i) + "] = " + std::to_string(out[i]) + "; ";
        break;
      }
  }
  return report;
}

TEST(SimtEmulator, CorrectBarrierPassesUnderEveryOrder) { EXPECT_EQ(rotate_defects(true), ""); }

TEST(SimtEmulator, RemovedBarrierIsCaught) {
  const std::string report = rotate_defects(false);
  // Forward order: thread t reads slot t + 1 before thread t + 1 ran, i.e. poisoned (NaN) memory.
  EXPECT_NE(report.find("forward"), std::string::npos) << report;
  EXPECT_NE(report.find("nan"), std::string::npos) << report;
}

TEST(SimtEmulator, BarrierInDivergentCodeIsReported) {
  Emulator em(Order::kForward);
  try {
    em.launch("divergent", Dim2{1, 1}, kThreads, 0, [](EmuCtx& c) {
      if (c.tid() < 64) c.sync();
    });
    FAIL() << "a barrier reached by half the block was not reported";
  } catch (const SimtError& e) {
    EXPECT_NE(std::string(e.what()).find("without reaching the __syncthreads that 64 of 128"), std::string::npos)
        << e.what();
  }
}

TEST(SimtEmulator, ShuffleFromALaneOutsideItsMaskIsReported) {
  for (Order o : kAllOrders) {
    Emulator em(o);
    try {
      em.launch("wrong_mask", Dim2{1, 1}, 64, 0, [](EmuCtx& c) {
        // The defect: a half-warp mask while the whole warp shuffles.
        (void)c.shfl_xor(0x0000FFFFU, 1.0F, 1);
      });
      FAIL() << "a shuffle from a lane outside its mask was not reported (" << order_name(o) << ")";
    } catch (const SimtError& e) {
      EXPECT_NE(std::string(e.what()).find("outside the mask"), std::string::npos) << e.what();
    }
  }
}

TEST(SimtEmulator, MaskNamingALaneThatExitedIsReported) {
  Emulator em(Order::kReverse);
  try {
    em.launch("early_exit", Dim2{1, 1}, 32, 0, [](EmuCtx& c) {
      if (c.tid() >= 16) return;  // the defect: these lanes are in the full mask below
      (void)c.shfl_xor(cuda::kFullWarpMask, 1.0F, 1);
    });
    FAIL() << "a full-mask shuffle with 16 exited lanes was not reported";
  } catch (const SimtError& e) {
    EXPECT_NE(std::string(e.what()).find("exited without arriving"), std::string::npos) << e.what();
  }
}

TEST(SimtEmulator, ShuffleReadingALaneOutsideAPartialMaskIsReported) {
  Emulator em(Order::kRandom, 9);
  try {
    em.launch("partial", Dim2{1, 1}, 32, 0, [](EmuCtx& c) {
      if (c.tid() < 16) (void)c.shfl_xor(0x0000FFFFU, 1.0F, 16);  // lane l reads lane l ^ 16 >= 16
    });
    FAIL() << "a shuffle reading a lane outside its mask was not reported";
  } catch (const SimtError& e) {
    EXPECT_NE(std::string(e.what()).find("outside mask"), std::string::npos) << e.what();
  }
}

TEST(SimtEmulator, BallotAndPartialMasksWork) {
  for (Order o : kAllOrders) {
    Emulator em(o, 5);
    std::vector<unsigned> out(64, 0);
    em.launch("ballot", Dim2{1, 1}, 64, 0, [&](EmuCtx& c) {
      const int t = c.tid();
      const unsigned half = (t & 31) < 16 ? 0x0000FFFFU : 0xFFFF0000U;
      c.syncwarp(half);
      out[static_cast<std::size_t>(t)] = c.ballot(half, t % 3 == 0);
    });
    for (int t = 0; t < 64; ++t) {
      unsigned want = 0;
      for (int l = 0; l < 32; ++l) {
        const int u = (t & ~31) + l;
        const bool same_half = ((l < 16) == ((t & 31) < 16));
        if (same_half && u % 3 == 0) want |= 1U << l;
      }
      EXPECT_EQ(out[static_cast<std::size_t>(t)], want) << order_name(o) << " thread " << t;
    }
  }
}

TEST(SimtEmulator, BlockSumIsExactAndOrderIndependent) {
  // Integers in float: every association gives the exact sum, and every thread sees it.
  for (Order o : kAllOrders) {
    Emulator em(o, 11);
    std::vector<float> out(256, 0.0F);
    em.launch_shared<Scratch32>("block_sum", Dim2{1, 1}, 256, 0, [&](EmuCtx& c, Scratch32& sh) {
      out[static_cast<std::size_t>(c.tid())] = cuda::block_sum(c, static_cast<float>(c.tid()), sh.scratch);
    });
    for (float v : out) ASSERT_EQ(v, 255.0F * 256.0F / 2.0F) << order_name(o);
  }
}

TEST(SimtEmulator, DynamicSharedMemoryIsPoisonedAndSizedExactly) {
  Emulator em(Order::kForward);
  std::vector<std::uint32_t> seen(32, 0);
  em.launch("poison", Dim2{1, 1}, 32, 7 * sizeof(float), [&](EmuCtx& c) {
    if (c.tid() < 7) std::memcpy(&seen[static_cast<std::size_t>(c.tid())], c.dynamic_shared<float>() + c.tid(), 4);
  });
  for (int i = 0; i < 7; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], 0xFFFFFFFFU);
  // An eighth float would be a heap overrun: AddressSanitizer reports it in the sanitizer build.
}

}  // namespace
}  // namespace gfs::simt
