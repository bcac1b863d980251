// The column-block API in one process (every build, MPI or not): fit_columns with every column is
// fit; a block without feature-parallel ranks is refused clearly; columns_of splits as the ranks do.
#include <gtest/gtest.h>

#include <string>

#include "gfs/gfs.h"
#include "gfs/gfs.hpp"
#include "gfs/mpi.hpp"
#include "gfs/version.hpp"
#include "synthetic.hpp"

namespace gfs::test {
namespace {

Config small_config() {
  Config c;
  c.epochs = 5;
  c.batch_size = 16;
  c.seed = 4;
  c.threads = 1;
  c.device = Device::cpu();
  c.support = SupportRule::kMajority;
  return c;
}

TEST(ColumnsApi, EveryColumnIsAPlainFit) {
  const Synthetic s = make_classification(64, 40, 3, 2, 11);
  Selector a(small_config()), b(small_config());
  const Result whole = a.fit(s.x.data(), s.rows, s.cols, s.y.data());
  const Result cols = b.fit_columns(s.x.data(), s.rows, Columns{0, s.cols}, s.cols, s.y.data());
  EXPECT_EQ(cols.logits, whole.logits);
  EXPECT_EQ(cols.selected, whole.selected);
  EXPECT_EQ(cols.feature_mean, whole.feature_mean);
}

TEST(ColumnsApi, ABlockInOneProcessIsRefused) {
  const Synthetic s = make_classification(64, 40, 3, 2, 11);
  Selector sel(small_config());
  try {
    sel.fit_columns(s.x.data(), s.rows, Columns{0, 20}, s.cols, s.y.data());
    ADD_FAILURE() << "half the columns cannot make a fit in one process";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    EXPECT_NE(std::string(e.what()).find("one process needs them all"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sel.fit_columns(s.x.data(), s.rows, Columns{0, 0}, s.cols, s.y.data()), Error);
}

TEST(ColumnsApi, ColumnsOfSplitsIntoContiguousBlocks) {
  for (std::int64_t d : {1, 255, 256, 257, 5000}) {
    std::int64_t next = 0;
    const Columns one = mpi::columns_of(d, 0, 1);
    EXPECT_EQ(one.first, 0);
    EXPECT_EQ(one.count, d);
    for (int p = 1; p <= 3; ++p) {
      Columns c;
      try {
        c = mpi::columns_of(d, 0, p);
      } catch (const Error& e) {  // fewer chunks than ranks
        EXPECT_NE(std::string(e.what()).find("column chunks"), std::string::npos) << e.what();
        continue;
      }
      next = 0;
      for (int r = 0; r < p; ++r) {
        c = mpi::columns_of(d, r, p);
        EXPECT_EQ(c.first, next) << "d " << d << " rank " << r << " of " << p;
        EXPECT_GT(c.count, 0);
        next = c.first + c.count;
        std::int64_t first = -1, count = -1;
        ASSERT_EQ(gfs_columns_of(d, r, p, &first, &count), GFS_OK) << gfs_last_error();
        EXPECT_EQ(first, c.first);
        EXPECT_EQ(count, c.count);
      }
      EXPECT_EQ(next, d);
    }
  }
  EXPECT_THROW(mpi::columns_of(10, 2, 2), Error);
  std::int64_t first = 0, count = 0;
  EXPECT_EQ(gfs_columns_of(10, -1, 2, &first, &count), GFS_ERR_INVALID_ARGUMENT);
}

#if !GFS_HAS_MPI
TEST(ColumnsApi, ACommunicatorWithoutMpiIsAClearError) {
  const Synthetic s = make_classification(64, 40, 3, 2, 11);
  gfs_selector* c = nullptr;
  ASSERT_EQ(gfs_create(&c), GFS_OK);
  EXPECT_EQ(gfs_fit_comm(c, 0, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(gfs_last_error()).find("built without MPI"), std::string::npos) << gfs_last_error();
  gfs_destroy(c);
}
#endif

}  // namespace
}  // namespace gfs::test
