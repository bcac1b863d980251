// Feature-parallel fits under mpirun (every rank runs this program): the result equals one
// process's bit for bit, and a fit stopped at epoch k and resumed from its per-rank checkpoints
// equals an uninterrupted one. CTest runs it with 2 ranks (tests/mpi/CMakeLists.txt).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "gfs/gfs.hpp"
#include "gfs/mpi.hpp"
#include "synthetic.hpp"

namespace gfs::test {
namespace {

int g_rank = 0, g_size = 1;

Config config(SupportRule rule) {
  Config c;
  c.epochs = 10;
  c.exact = true;  // feature-parallel fits train every column (no active set across ranks yet)
  c.batch_size = 16;
  c.seed = 21;
  c.threads = 1;
  c.device = Device::cpu();
  c.support = rule;
  c.n_draws = 100;
  return c;
}

void expect_same(const Result& a, const Result& b) {
  EXPECT_EQ(a.logits, b.logits);
  EXPECT_EQ(a.scores, b.scores);
  EXPECT_EQ(a.selected, b.selected);
  EXPECT_EQ(a.candidates, b.candidates);
  EXPECT_EQ(a.ranking, b.ranking);
  ASSERT_EQ(a.history.size(), b.history.size());
  for (std::size_t e = 0; e < a.history.size(); ++e) {
    EXPECT_EQ(a.history[e].loss, b.history[e].loss) << "epoch " << e + 1;
    EXPECT_EQ(a.history[e].mean_mask, b.history[e].mean_mask) << "epoch " << e + 1;
    EXPECT_EQ(a.history[e].n_active, b.history[e].n_active) << "epoch " << e + 1;
  }
}

TEST(Mpi, RunsOnSeveralRanks) { EXPECT_GE(g_size, 2) << "run this under mpirun -np 2 (or more)"; }

class MpiFit : public ::testing::TestWithParam<SupportRule> {};

TEST_P(MpiFit, EqualsOneProcess) {
  const Synthetic s = make_classification(128, 200, 4, 2, 7);  // 6 column chunks
  Selector one(config(GetParam()));
  const Result single = one.fit(s.x.data(), s.rows, s.cols, s.y.data());
  Selector par(config(GetParam()));
  par.set_feature_parallel(true);
  const Result split = par.fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_EQ(split.ranks, g_size);
  ASSERT_EQ(split.rank_columns.size(), static_cast<std::size_t>(g_size));
  EXPECT_EQ(split.rank_columns.back()[0] + split.rank_columns.back()[1], 200);
  expect_same(split, single);
}

INSTANTIATE_TEST_SUITE_P(Rules, MpiFit, ::testing::Values(SupportRule::kMajority, SupportRule::kValidated));

TEST(Mpi, StoppedAndResumedFromPerRankCheckpointsEqualsAnUninterruptedFit) {
  const Synthetic s = make_classification(128, 200, 4, 2, 8);
  const Config cfg = config(SupportRule::kMajority);
  Selector straight(cfg);
  straight.set_feature_parallel(true);
  const Result all = straight.fit(s.x.data(), s.rows, s.cols, s.y.data());

  const std::string path = ::testing::TempDir() + "gfs_mpi_ckpt_" + std::to_string(g_size);
  Selector head(cfg);
  head.set_feature_parallel(true);
  int epochs = 0;
  // A stop request on rank 0 only: every rank must stop after the same epoch.
  head.set_checkpoint(CheckpointOptions{path, 0, "", [&] { return g_rank == 0 && epochs == 4; }});
  head.set_progress([&](const EpochRecord&, int) { return ++epochs > 0; });
  try {
    head.fit(s.x.data(), s.rows, s.cols, s.y.data());
    ADD_FAILURE() << "the stop request must end the fit on every rank";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCheckpointed) << e.what();
  }
  EXPECT_EQ(epochs, 4);

  Selector tail(cfg);
  tail.set_feature_parallel(true);
  tail.set_checkpoint(CheckpointOptions{"", 0, path, nullptr});
  expect_same(tail.fit(s.x.data(), s.rows, s.cols, s.y.data()), all);
  std::remove((path + ".rank" + std::to_string(g_rank)).c_str());
}

TEST(Mpi, StabilityIsRefusedWithAClearError) {
  const Synthetic s = make_classification(128, 200, 4, 2, 7);
  Selector par(config(SupportRule::kStability));
  par.set_feature_parallel(true);
  try {
    par.fit(s.x.data(), s.rows, s.cols, s.y.data());
    ADD_FAILURE() << "stability under MPI must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("stability"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gfs::test

int main(int argc, char** argv) {
  gfs::mpi::Session mpi(&argc, &argv);
  gfs::test::g_rank = mpi.rank();
  gfs::test::g_size = mpi.size();
  ::testing::InitGoogleTest(&argc, argv);
  // Only rank 0 prints (each rank checks; a failure on any rank fails the run's exit status).
  if (mpi.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  return RUN_ALL_TESTS();
}
