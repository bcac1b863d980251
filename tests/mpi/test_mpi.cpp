// Feature-parallel fits under mpirun (every rank runs this program): the result equals one
// process's bit for bit, and a fit stopped at epoch k and resumed from its per-rank checkpoints
// equals an uninterrupted one. CTest runs it with 2 ranks (tests/mpi/CMakeLists.txt).
#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "gfs/gfs.h"
#include "gfs/gfs.hpp"
#include "gfs/gfs_mpi.h"
#include "gfs/mpi.hpp"
#include "gfs/mpi_comm.hpp"
#include "synthetic.hpp"

namespace gfs::test {
namespace {

int g_rank = 0, g_size = 1;

Config config(SupportRule rule) {
  Config c;
  c.epochs = 10;
  c.exact = true;  // the exact algorithm across ranks (MpiDefault: the default one)
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
  EXPECT_EQ(a.frequencies, b.frequencies);
  EXPECT_EQ(a.mean_member_selected, b.mean_member_selected);
  // The column screen's entries: the ranks exchange the marginal |z|s and the pool's columns.
  EXPECT_EQ(a.column_screen.ran, b.column_screen.ran);
  ASSERT_EQ(a.column_screen.columns.size(), b.column_screen.columns.size());
  for (std::size_t k = 0; k < a.column_screen.columns.size(); ++k) {
    EXPECT_EQ(a.column_screen.columns[k].column, b.column_screen.columns[k].column);
    EXPECT_EQ(a.column_screen.columns[k].term, b.column_screen.columns[k].term);
    EXPECT_EQ(a.column_screen.columns[k].z, b.column_screen.columns[k].z);
    EXPECT_EQ(a.column_screen.columns[k].p, b.column_screen.columns[k].p);
  }
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

/// This rank's block of x [rows, cols]: [rows, block.count].
std::vector<float> block_of(const Synthetic& s, const Columns& block) {
  std::vector<float> out;
  for (std::int64_t r = 0; r < s.rows; ++r)
    out.insert(out.end(), s.x.begin() + r * s.cols + block.first, s.x.begin() + r * s.cols + block.first + block.count);
  return out;
}

TEST_P(MpiFit, RankLocalColumnsEqualOneProcess) {
  const Synthetic s = make_classification(128, 200, 4, 2, 7);
  Config cfg = config(GetParam());
  cfg.epochs = 60;  // long enough for a majority set: the validated rule's test then has candidates
  Selector one(cfg);
  const Result single = one.fit(s.x.data(), s.rows, s.cols, s.y.data());
  const Columns mine = mpi::columns_of(s.cols, g_rank, g_size);
  const std::vector<float> x = block_of(s, mine);  // this rank never sees the other columns
  Selector par(cfg);
  par.set_feature_parallel(true);
  const Result split = par.fit_columns(x.data(), s.rows, mine, s.cols, s.y.data());
  EXPECT_EQ(split.ranks, g_size);
  if (GetParam() == SupportRule::kValidated) {
    EXPECT_FALSE(single.candidates.empty()) << "nothing was validated";
    EXPECT_FALSE(single.column_screen.columns.empty()) << "the column screen entered nothing to exchange";
  }
  if (GetParam() == SupportRule::kStability) {
    EXPECT_FALSE(single.frequencies.empty()) << "no members were trained";
  }
  expect_same(split, single);
  EXPECT_EQ(split.feature_mean, single.feature_mean);
  EXPECT_EQ(split.feature_std, single.feature_std);
}

/// A count-like table (every column rounded and floored at 0, so each has a floor and the column
/// screen's magnitude term): each rank computes its columns' terms, the pool's are gathered; the
/// same result as one process.
TEST(Mpi, CountColumnsOnTheirRanksEqualOneProcess) {
  Synthetic s = make_classification(128, 200, 4, 2, 7);
  for (float& v : s.x) v = std::max(0.0F, std::round(4.0F * v));
  const Config cfg = config(SupportRule::kValidated);
  const Result single = Selector(cfg).fit(s.x.data(), s.rows, s.cols, s.y.data());
  ASSERT_FALSE(single.column_screen.columns.empty()) << "the column screen entered nothing to exchange";
  const Columns mine = mpi::columns_of(s.cols, g_rank, g_size);
  const std::vector<float> x = block_of(s, mine);
  Selector par(cfg);
  par.set_feature_parallel(true);
  expect_same(par.fit_columns(x.data(), s.rows, mine, s.cols, s.y.data()), single);
}

/// must_keep / must_drop (issue 24) on columns of the first and the last rank's blocks (pinned on
/// the rank that holds them) and feature costs across the blocks (each rank's share of the
/// penalty's sum of c m travels with its chunks): the same result as one process.
TEST_P(MpiFit, KnownColumnsAndCostsEqualOneProcess) {
  const Synthetic s = make_classification(128, 200, 4, 2, 7);  // informative 1, 51, 101, 151
  Config cfg = config(GetParam());
  cfg.epochs = 30;
  cfg.must_keep = {0, 199};
  cfg.must_drop = {51, 198};
  cfg.feature_cost.assign(200, 1.0F);
  cfg.feature_cost[101] = 3.0F;
  cfg.feature_cost[150] = 0.0F;
  cfg.feature_cost[190] = 2.0F;
  Selector one(cfg);
  const Result single = one.fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_TRUE(std::binary_search(single.selected.begin(), single.selected.end(), 199));
  EXPECT_FALSE(std::binary_search(single.selected.begin(), single.selected.end(), 51));
  Selector par(cfg);
  par.set_feature_parallel(true);
  const Result split = par.fit(s.x.data(), s.rows, s.cols, s.y.data());
  expect_same(split, single);
}

INSTANTIATE_TEST_SUITE_P(Rules, MpiFit,
                         ::testing::Values(SupportRule::kMajority, SupportRule::kValidated, SupportRule::kStability));

/// The pair screens of two fits found the same pairs with the same z.
void expect_same_pairs(const PairScreenReport& a, const PairScreenReport& b) {
  EXPECT_EQ(a.columns, b.columns);
  ASSERT_EQ(a.pairs.size(), b.pairs.size());
  for (std::size_t k = 0; k < a.pairs.size(); ++k) {
    EXPECT_EQ(a.pairs[k].a, b.pairs[k].a);
    EXPECT_EQ(a.pairs[k].b, b.pairs[k].b);
    EXPECT_EQ(a.pairs[k].z, b.pairs[k].z);
  }
}

/// y = 1[x_a x_b + 0.6 x_c > 0] among Gaussian columns: a product the pair screen must find.
Synthetic product_table(int rows, int cols, int a, int b, int c, unsigned seed) {
  Synthetic s;
  s.rows = rows;
  s.cols = cols;
  s.x = gaussian(rows, cols, seed);
  s.informative = {a, b, c};
  for (int i = 0; i < rows; ++i) {
    const float* r = &s.x[static_cast<std::size_t>(i) * cols];
    s.y.push_back(r[a] * r[b] + 0.6F * r[c] > 0 ? 1.0F : 0.0F);
  }
  return s;
}

/// The default algorithm across ranks (issue 23): the prescreen, the active set, convergence
/// stopping and the pair screen. Every epoch the ranks exchange their columns' logits and decide
/// the same active set; each trains its share compacted inside the fit's column chunks, so the
/// chunks' sums and the result equal one process's bit for bit, whole table or rank-local blocks.
Config default_config() {
  Config c;
  c.epochs = 60;
  c.batch_size = 16;
  c.seed = 21;
  c.threads = 1;
  c.device = Device::cpu();
  c.n_draws = 100;
  c.prescreen = 40;  // D = 200 > 2 x 40: the prescreen closes all but 40 columns (and the pairs')
  c.n_iter_no_change = 3;
  return c;
}

TEST(MpiDefault, TheDefaultAlgorithmEqualsOneProcess) {
  const Synthetic s = product_table(300, 200, 3, 150, 60, 11);  // the product's columns on both ranks
  const Config cfg = default_config();
  ASSERT_FALSE(cfg.exact);
  const Result single = Selector(cfg).fit(s.x.data(), s.rows, s.cols, s.y.data());
  ASSERT_TRUE(single.pair_screen.ran) << single.pair_screen.note;
  ASSERT_FALSE(single.pair_screen.pairs.empty()) << "the pair screen found nothing to exchange";
  EXPECT_GT(single.prescreen_columns, 0);
  bool gathered = false;  // some epoch trained a gathered active set
  for (const EpochRecord& r : single.history) gathered = gathered || r.n_trained < s.cols;
  EXPECT_TRUE(gathered);
  for (int c : s.informative) EXPECT_TRUE(std::binary_search(single.selected.begin(), single.selected.end(), c)) << c;

  Selector whole(cfg);
  whole.set_feature_parallel(true);
  const Result split = whole.fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_EQ(split.ranks, g_size);
  expect_same(split, single);
  EXPECT_EQ(split.stop_reason, single.stop_reason);
  EXPECT_EQ(split.stopped_epoch, single.stopped_epoch);
  EXPECT_EQ(split.prescreen_columns, single.prescreen_columns);
  ASSERT_EQ(split.history.size(), single.history.size());
  for (std::size_t e = 0; e < split.history.size(); ++e)
    EXPECT_EQ(split.history[e].n_trained, single.history[e].n_trained) << "epoch " << e + 1;
  expect_same_pairs(split.pair_screen, single.pair_screen);

  const Columns mine = mpi::columns_of(s.cols, g_rank, g_size);
  const std::vector<float> x = block_of(s, mine);  // this rank never sees the other columns
  Selector local(cfg);
  local.set_feature_parallel(true);
  const Result blocks = local.fit_columns(x.data(), s.rows, mine, s.cols, s.y.data());
  expect_same(blocks, single);
  EXPECT_EQ(blocks.stopped_epoch, single.stopped_epoch);
  expect_same_pairs(blocks.pair_screen, single.pair_screen);
}

/// Beyond the pair screen's budget (D^2 N / 2 > 6e10) a rank-local fit builds the pool from
/// scores each rank computes for its own columns: the same pool, pairs and result as one process.
TEST(MpiDefault, APairPoolFromRankLocalBlocksEqualsOneProcess) {
  const Synthetic s = product_table(64, 45000, 7, 40000, 22000, 5);
  Config cfg = default_config();
  cfg.epochs = 20;
  cfg.prescreen = 200;
  const Result single = Selector(cfg).fit(s.x.data(), s.rows, s.cols, s.y.data());
  ASSERT_TRUE(single.pair_screen.ran) << single.pair_screen.note;
  ASSERT_LT(single.pair_screen.columns, s.cols) << "the screen did not reach its pool";
  const Columns mine = mpi::columns_of(s.cols, g_rank, g_size);
  const std::vector<float> x = block_of(s, mine);
  Selector local(cfg);
  local.set_feature_parallel(true);
  const Result blocks = local.fit_columns(x.data(), s.rows, mine, s.cols, s.y.data());
  expect_same_pairs(blocks.pair_screen, single.pair_screen);
  expect_same(blocks, single);
}

/// A rank-local fit of `x` (the block `held`) fails on every rank with `code` and `fragment`.
void expect_refused_everywhere(const Synthetic& s, const std::vector<float>& x, const Columns& held, ErrorCode code,
                               const std::string& fragment) {
  Selector par(config(SupportRule::kMajority));
  par.set_feature_parallel(true);
  try {
    par.fit_columns(x.data(), s.rows, held, s.cols, s.y.data());
    ADD_FAILURE() << "the fit must fail on every rank (" << fragment << ")";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Mpi, AnInfinityInOneRanksBlockEndsEveryRanksFit) {
  Synthetic s = make_classification(64, 200, 4, 2, 3);
  const Columns last = mpi::columns_of(s.cols, g_size - 1, g_size);
  // Only the last rank holds it (NaN would be a missing value).
  s.x[static_cast<std::size_t>(5 * s.cols + last.first + 1)] = std::numeric_limits<float>::infinity();
  const Columns mine = mpi::columns_of(s.cols, g_rank, g_size);
  expect_refused_everywhere(s, block_of(s, mine), mine, ErrorCode::kInvalidData,
                            "row 5, column " + std::to_string(last.first + 1));
}

TEST(Mpi, MissingCellsInOneRanksBlockGiveOneProcesssResult) {
  // Missing cells (NaN) in the last rank's block and in an informative column: the rank-local fit
  // equals one process's, the missing shares gathered over the ranks.
  Synthetic s = make_classification(128, 200, 4, 2, 7);
  const Columns last = mpi::columns_of(s.cols, g_size - 1, g_size);
  for (std::int64_t r = 0; r < s.rows; r += 3) {
    s.x[static_cast<std::size_t>(r * s.cols + last.first + 2)] = std::nanf("");
    s.x[static_cast<std::size_t>(r * s.cols + s.informative[0])] = std::nanf("");
  }
  Selector one(config(SupportRule::kValidated));
  const Result single = one.fit(s.x.data(), s.rows, s.cols, s.y.data());
  const Columns mine = mpi::columns_of(s.cols, g_rank, g_size);
  const std::vector<float> x = block_of(s, mine);
  Selector par(config(SupportRule::kValidated));
  par.set_feature_parallel(true);
  const Result split = par.fit_columns(x.data(), s.rows, mine, s.cols, s.y.data());
  expect_same(split, single);
  EXPECT_EQ(split.missing_fraction, single.missing_fraction);
  EXPECT_FLOAT_EQ(split.missing_fraction[static_cast<std::size_t>(last.first + 2)], 43.0F / 128.0F);
  EXPECT_EQ(split.feature_mean, single.feature_mean);
}

TEST(Mpi, AnotherRanksBlockIsRefusedOnEveryRank) {
  const Synthetic s = make_classification(64, 200, 4, 2, 3);
  const Columns wrong = mpi::columns_of(s.cols, (g_rank + 1) % g_size, g_size);
  expect_refused_everywhere(s, block_of(s, wrong), wrong, ErrorCode::kInvalidArgument, "columns_of");
}

class MpiResume : public ::testing::TestWithParam<SupportRule> {};

TEST_P(MpiResume, StoppedAndResumedFromPerRankCheckpointsEqualsAnUninterruptedFit) {
  const Synthetic s = make_classification(128, 200, 4, 2, 8);
  const Config cfg = config(GetParam());
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

INSTANTIATE_TEST_SUITE_P(Rules, MpiResume, ::testing::Values(SupportRule::kMajority, SupportRule::kStability));

/// A feature-parallel fit stopped (as on SIGUSR1) after epoch `at`, its per-rank files at PATH.rank<r>.
void stop_after(const Synthetic& s, const Config& cfg, const std::string& path, int at) {
  Selector sel(cfg);
  sel.set_feature_parallel(true);
  int epochs = 0;
  sel.set_checkpoint(CheckpointOptions{path, 0, "", [&] { return epochs == at; }});
  sel.set_progress([&](const EpochRecord&, int) { return ++epochs > 0; });
  try {
    sel.fit(s.x.data(), s.rows, s.cols, s.y.data());
    ADD_FAILURE() << "the stop request must end the fit on every rank";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCheckpointed) << e.what();
  }
}

TEST(MpiResume, RankFilesOfDifferentEpochsAreRefusedOnEveryRank) {
  // A kill -9 between two ranks' periodic writes leaves rank files of different epochs: resuming
  // from them must fail on every rank with a message, not leave the ranks waiting for each other.
  const Synthetic s = make_classification(128, 200, 4, 2, 8);
  const Config cfg = config(SupportRule::kMajority);
  const std::string path = ::testing::TempDir() + "gfs_mpi_mixed_" + std::to_string(g_size);
  const std::string later = path + "_later";
  stop_after(s, cfg, path, 4);
  stop_after(s, cfg, later, 6);
  const std::string mine = path + ".rank" + std::to_string(g_rank);
  if (g_rank == g_size - 1) {  // EXPECT: every rank must reach the barrier
    EXPECT_EQ(std::rename((later + ".rank" + std::to_string(g_rank)).c_str(), mine.c_str()), 0);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  Selector tail(cfg);
  tail.set_feature_parallel(true);
  tail.set_checkpoint(CheckpointOptions{"", 0, path, nullptr});
  try {
    tail.fit(s.x.data(), s.rows, s.cols, s.y.data());
    ADD_FAILURE() << "rank files of epochs 4 and 6 must not resume";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    const std::string what = e.what();
    EXPECT_NE(what.find("different epochs"), std::string::npos) << what;
    EXPECT_NE(what.find("after epoch 6"), std::string::npos) << what;
    EXPECT_NE(what.find("after epoch 4"), std::string::npos) << what;
  }
  MPI_Barrier(MPI_COMM_WORLD);
  std::remove(mine.c_str());
  std::remove((later + ".rank" + std::to_string(g_rank)).c_str());
}

TEST(MpiComm, EachRankOfASplitFitsAloneAndEqualsOneProcess) {
  // COMM_WORLD split into one communicator per rank: each rank fits its own data independently.
  MPI_Comm alone;
  ASSERT_EQ(MPI_Comm_split(MPI_COMM_WORLD, g_rank, 0, &alone), MPI_SUCCESS);
  const Synthetic s = make_classification(128, 200, 4, 2, 30 + static_cast<std::uint64_t>(g_rank));
  const Config cfg = config(SupportRule::kValidated);
  Selector one(cfg);
  const Result single = one.fit(s.x.data(), s.rows, s.cols, s.y.data());
  Selector sub(cfg);
  const Result split = gfs::mpi::fit(sub, alone, s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_EQ(split.ranks, 1);
  expect_same(split, single);
  // The C API over the same communicator.
  gfs_selector* c = nullptr;
  ASSERT_EQ(gfs_create(&c), GFS_OK);
  for (const auto& [key, value] : cfg.items()) ASSERT_EQ(gfs_set(c, key.c_str(), value.c_str()), GFS_OK) << key;
  ASSERT_EQ(gfs_fit_mpi(c, alone, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  std::vector<float> logits(static_cast<std::size_t>(s.cols));
  ASSERT_EQ(gfs_get_logits(c, logits.data(), s.cols), GFS_OK);
  EXPECT_EQ(logits, single.logits);
  gfs_destroy(c);
  MPI_Comm_free(&alone);
}

TEST(MpiComm, ASubCommunicatorWithReorderedRanksEqualsOneProcess) {
  // Every rank in one communicator, ranks in reverse order: blocks follow the communicator's ranks.
  MPI_Comm reversed;
  ASSERT_EQ(MPI_Comm_split(MPI_COMM_WORLD, 0, g_size - 1 - g_rank, &reversed), MPI_SUCCESS);
  int rank = 0, size = 0;
  MPI_Comm_rank(reversed, &rank);
  MPI_Comm_size(reversed, &size);
  const Synthetic s = make_classification(128, 200, 4, 2, 7);
  const Config cfg = config(SupportRule::kMajority);
  Selector one(cfg);
  const Result single = one.fit(s.x.data(), s.rows, s.cols, s.y.data());
  const Columns mine = mpi::columns_of(s.cols, rank, size);
  const std::vector<float> x = block_of(s, mine);
  Selector cpp(cfg);
  expect_same(gfs::mpi::fit_columns(cpp, reversed, x.data(), s.rows, mine, s.cols, s.y.data()), single);
  EXPECT_EQ(cpp.result().ranks, size);
  // The C API: the same block through gfs_columns_of and gfs_fit_columns_mpi.
  std::int64_t first = -1, count = -1;
  ASSERT_EQ(gfs_columns_of(s.cols, rank, size, &first, &count), GFS_OK);
  EXPECT_EQ(first, mine.first);
  EXPECT_EQ(count, mine.count);
  gfs_selector* c = nullptr;
  ASSERT_EQ(gfs_create(&c), GFS_OK);
  for (const auto& [key, value] : cfg.items()) ASSERT_EQ(gfs_set(c, key.c_str(), value.c_str()), GFS_OK) << key;
  ASSERT_EQ(gfs_fit_columns_mpi(c, reversed, x.data(), s.rows, first, count, s.cols, s.y.data(), 1), GFS_OK)
      << gfs_last_error();
  std::vector<float> logits(static_cast<std::size_t>(s.cols));
  ASSERT_EQ(gfs_get_logits(c, logits.data(), s.cols), GFS_OK);
  EXPECT_EQ(logits, single.logits);
  gfs_destroy(c);
  // The communicator applies to that call only: the selector's next fit runs in one process.
  EXPECT_EQ(cpp.fit(s.x.data(), s.rows, s.cols, s.y.data()).ranks, 1);
  MPI_Comm_free(&reversed);
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
