// Checkpoint and resume: a fit stopped at epoch k and resumed from its file gives the result of an
// uninterrupted fit bit for bit (every support rule's path: one model, validated, stability members);
// damaged or mismatched files get clear errors.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gfs/gfs.h"
#include "gfs/gfs.hpp"
#include "synthetic.hpp"
#include "train/checkpoint.hpp"

namespace gfs::test {
namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "gfs_ckpt_" + std::to_string(::getpid()) + "_" + name;
}

/// The temporary files (".NAME.tmp-XXXXXX", "NAME.tmp.*") beside `path`, one a line.
std::string temporaries_beside(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  const std::string dir = path.substr(0, slash + 1), base = path.substr(slash + 1);
  std::string found;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.rfind("." + base + ".tmp", 0) == 0 || name.rfind(base + ".tmp", 0) == 0) found += name + "\n";
    }
    ::closedir(d);
  }
  return found;
}

std::vector<char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<char>& b) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
}

Config small_config(SupportRule rule) {
  Config c;
  c.epochs = 12;
  c.batch_size = 16;
  c.seed = 5;
  c.threads = 2;
  c.support = rule;
  c.members = 4;
  c.n_draws = 50;
  c.record_probabilities = true;
  return c;
}

void expect_same_result(const Result& a, const Result& b) {
  EXPECT_EQ(a.logits, b.logits);
  EXPECT_EQ(a.scores, b.scores);
  EXPECT_EQ(a.selected, b.selected);
  EXPECT_EQ(a.ranking, b.ranking);
  EXPECT_EQ(a.candidates, b.candidates);
  EXPECT_EQ(a.frequencies, b.frequencies);
  EXPECT_EQ(a.probability_history, b.probability_history);
  ASSERT_EQ(a.history.size(), b.history.size());
  for (std::size_t e = 0; e < a.history.size(); ++e) {
    EXPECT_EQ(a.history[e].epoch, b.history[e].epoch);
    EXPECT_EQ(a.history[e].tau, b.history[e].tau);
    EXPECT_EQ(a.history[e].loss, b.history[e].loss) << "epoch " << e + 1;
    EXPECT_EQ(a.history[e].task_loss, b.history[e].task_loss);
    EXPECT_EQ(a.history[e].select_loss, b.history[e].select_loss);
    EXPECT_EQ(a.history[e].mean_mask, b.history[e].mean_mask);
    EXPECT_EQ(a.history[e].n_active, b.history[e].n_active);
  }
}

/// Fits straight through, then again stopped after epoch `stop_at` (the progress callback, as a
/// killed process would stop), then resumed from the checkpoint: the results must be equal.
void kill_and_resume(SupportRule rule, int stop_at, int every) {
  const Synthetic s = make_classification(160, 70, 3, 2, 11);
  const Config cfg = small_config(rule);
  Selector straight(cfg);
  const Result all = straight.fit(s.x.data(), s.rows, s.cols, s.y.data());

  const std::string path = temp_path("kill_" + to_string(rule));
  Selector killed(cfg);
  CheckpointOptions ck;
  ck.path = path;
  ck.every = every;
  killed.set_checkpoint(ck);
  killed.set_progress([&](const EpochRecord& r, int) { return r.epoch < stop_at; });
  const Result head = killed.fit(s.x.data(), s.rows, s.cols, s.y.data());
  ASSERT_EQ(head.history.size(), static_cast<std::size_t>(stop_at));
  EXPECT_NE(head.logits, all.logits) << "the stopped fit must differ, or the test proves nothing";

  Selector resumed(cfg);
  CheckpointOptions rk;
  rk.resume = path;
  resumed.set_checkpoint(rk);
  int first_epoch = 0;
  resumed.set_progress([&](const EpochRecord& r, int) {
    if (first_epoch == 0) first_epoch = r.epoch;
    return true;
  });
  const Result tail = resumed.fit(s.x.data(), s.rows, s.cols, s.y.data());
  EXPECT_EQ(first_epoch, stop_at + 1) << "the resumed fit must not train the saved epochs again";
  expect_same_result(tail, all);
  std::remove(path.c_str());
}

/// Every field of a Result but fit_seconds: a resumed fit must be the uninterrupted one.
void expect_identical(const Result& a, const Result& b) {
  expect_same_result(a, b);
  EXPECT_EQ(a.stopped_epoch, b.stopped_epoch);
  EXPECT_EQ(a.stop_reason, b.stop_reason);
  EXPECT_EQ(a.n_features, b.n_features);
  EXPECT_EQ(a.probabilities, b.probabilities);
  EXPECT_EQ(a.mean_member_selected, b.mean_member_selected);
  EXPECT_EQ(a.expected_false_selections, b.expected_false_selections);
  EXPECT_EQ(a.feature_mean, b.feature_mean);
  EXPECT_EQ(a.feature_std, b.feature_std);
  EXPECT_EQ(a.n_outputs, b.n_outputs);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.device_note, b.device_note);
  EXPECT_EQ(a.ranks, b.ranks);
  EXPECT_EQ(a.rank_columns, b.rank_columns);
  EXPECT_EQ(a.prescreen_columns, b.prescreen_columns);
  EXPECT_EQ(a.config.items(), b.config.items());
  EXPECT_EQ(a.pair_screen.ran, b.pair_screen.ran);
  EXPECT_EQ(a.pair_screen.note, b.pair_screen.note);
  EXPECT_EQ(a.pair_screen.threshold, b.pair_screen.threshold);
  ASSERT_EQ(a.pair_screen.pairs.size(), b.pair_screen.pairs.size());
  for (std::size_t i = 0; i < a.pair_screen.pairs.size(); ++i) {
    EXPECT_EQ(a.pair_screen.pairs[i].a, b.pair_screen.pairs[i].a);
    EXPECT_EQ(a.pair_screen.pairs[i].b, b.pair_screen.pairs[i].b);
    EXPECT_EQ(a.pair_screen.pairs[i].z, b.pair_screen.pairs[i].z);
  }
  ASSERT_EQ(a.history.size(), b.history.size());
  for (std::size_t e = 0; e < a.history.size(); ++e) EXPECT_EQ(a.history[e].n_trained, b.history[e].n_trained);
}

void copy_file(const std::string& from, const std::string& to) { write_bytes(to, read_bytes(from)); }

/// A fit with a checkpoint after every epoch, each epoch's file kept (PATH.<epoch>); then a fit
/// resumed from each of them, every result field compared with the uninterrupted fit's. `reason`:
/// how the uninterrupted fit must end ("converged" before the cap, or "epochs" at it).
void resume_from_every_epoch(const Config& cfg, const std::string& reason) {
  const Synthetic s = make_classification(160, 70, 3, 2, 11);
  Selector plain(cfg);
  const Result all = plain.fit(s.x.data(), s.rows, s.cols, s.y.data());
  ASSERT_EQ(all.stop_reason, reason) << "the fit must end this way, or the test proves less";
  if (reason == "converged") {
    ASSERT_LT(all.stopped_epoch, cfg.epochs);
  }
  ASSERT_EQ(all.history.size(), static_cast<std::size_t>(all.stopped_epoch));

  const std::string path = temp_path("every_" + to_string(cfg.support));
  Selector writer(cfg);
  writer.set_checkpoint(CheckpointOptions{path, 1, "", nullptr});
  writer.set_progress([&](const EpochRecord& r, int) {
    if (r.epoch > 1) copy_file(path, path + "." + std::to_string(r.epoch - 1));  // the file of the epoch before
    return true;
  });
  expect_identical(writer.fit(s.x.data(), s.rows, s.cols, s.y.data()), all);
  copy_file(path, path + "." + std::to_string(all.stopped_epoch));
  for (int e = 1; e <= all.stopped_epoch; ++e) {
    SCOPED_TRACE("resumed after epoch " + std::to_string(e) + " of " + std::to_string(all.stopped_epoch));
    const std::string file = path + "." + std::to_string(e);
    ASSERT_EQ(train::read_checkpoint(file).position.epochs_done, e);
    Selector resumed(cfg);
    resumed.set_checkpoint(CheckpointOptions{"", 0, file, nullptr});
    int trained = 0;
    resumed.set_progress([&](const EpochRecord&, int) { return ++trained > 0; });
    expect_identical(resumed.fit(s.x.data(), s.rows, s.cols, s.y.data()), all);
    EXPECT_EQ(trained, all.stopped_epoch - e) << "epochs trained after resuming";
    std::remove(file.c_str());
  }
  std::remove(path.c_str());

  // A stop request (SIGTERM) during the last epoch: checkpointed there, and resumed to the same result.
  Selector stopped(cfg);
  int epochs = 0;
  stopped.set_progress([&](const EpochRecord&, int) { return ++epochs > 0; });
  stopped.set_checkpoint(CheckpointOptions{path, 0, "", [&] { return epochs == all.stopped_epoch; }});
  try {
    stopped.fit(s.x.data(), s.rows, s.cols, s.y.data());
    ADD_FAILURE() << "a stop requested in the last epoch must still checkpoint";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCheckpointed) << e.what();
  }
  Selector resumed(cfg);
  resumed.set_checkpoint(CheckpointOptions{"", 0, path, nullptr});
  expect_identical(resumed.fit(s.x.data(), s.rows, s.cols, s.y.data()), all);
  std::remove(path.c_str());
}

/// Convergence stopping on: the fit stops before its cap.
Config converging(SupportRule rule) {
  Config c = small_config(rule);
  c.epochs = 80;
  c.n_iter_no_change = 3;
  c.tol = 1e-2F;
  return c;
}

TEST(Checkpoint, ResumedFromEveryEpochOfAConvergedFitEqualsIt) {
  resume_from_every_epoch(converging(SupportRule::kMajority), "converged");
}

TEST(Checkpoint, ResumedFromEveryEpochOfAConvergedStabilityFitEqualsIt) {
  resume_from_every_epoch(converging(SupportRule::kStability), "converged");
}

TEST(Checkpoint, ResumedFromEveryEpochUpToTheCapEqualsTheFit) {
  Config c = small_config(SupportRule::kValidated);
  c.epochs = 30;
  c.n_iter_no_change = 0;
  resume_from_every_epoch(c, "epochs");
}

TEST(Checkpoint, ResumedFromEveryEpochOfAPrescreenedFitEqualsIt) {
  // The closed columns are in the state: a fit resumed in the warm-up (where the active set
  // already applies) or after it trains what the uninterrupted one does.
  Config c = converging(SupportRule::kValidated);
  c.prescreen = 20;  // of 70 columns
  resume_from_every_epoch(c, "converged");
}

TEST(Checkpoint, ResumedFromEveryEpochOfAStabilityFitUpToTheCapEqualsIt) {
  Config c = small_config(SupportRule::kStability);
  c.n_iter_no_change = 0;
  resume_from_every_epoch(c, "epochs");
}

TEST(Checkpoint, Crc32IsZlibs) {
  const char text[] = "123456789";
  EXPECT_EQ(train::crc32(text, 9), 0xCBF43926U);
  EXPECT_EQ(train::crc32(text + 4, 5, train::crc32(text, 4)), 0xCBF43926U);
}

TEST(Checkpoint, KilledAndResumedFitEqualsAnUninterruptedOne) { kill_and_resume(SupportRule::kMajority, 5, 1); }

TEST(Checkpoint, ResumedValidatedFitRunsItsHeldOutTestAsUninterrupted) {
  kill_and_resume(SupportRule::kValidated, 6, 3);
}

TEST(Checkpoint, StabilityMembersAreAllInTheFile) { kill_and_resume(SupportRule::kStability, 4, 2); }

TEST(Checkpoint, ResumingAFinishedFitTrainsNothingAndGivesItsResult) {
  const Synthetic s = make_classification(96, 40, 2, 2, 3);
  Config cfg = small_config(SupportRule::kMajority);
  const std::string path = temp_path("finished");
  Selector a(cfg);
  a.set_checkpoint(CheckpointOptions{path, 4, "", nullptr});  // epoch 12 is a multiple of 4
  const Result all = a.fit(s.x.data(), s.rows, s.cols, s.y.data());
  Selector b(cfg);
  b.set_checkpoint(CheckpointOptions{"", 0, path, nullptr});
  int called = 0;
  b.set_progress([&](const EpochRecord&, int) { return ++called > 0; });
  expect_same_result(b.fit(s.x.data(), s.rows, s.cols, s.y.data()), all);
  EXPECT_EQ(called, 0);
  std::remove(path.c_str());
}

TEST(Checkpoint, StopRequestWritesTheFileAndThrowsCheckpointed) {
  const Synthetic s = make_classification(96, 40, 2, 2, 3);
  const Config cfg = small_config(SupportRule::kMajority);
  const std::string path = temp_path("stop");
  Selector sel(cfg);
  int epochs = 0;
  sel.set_progress([&](const EpochRecord&, int) { return ++epochs > 0; });
  sel.set_checkpoint(CheckpointOptions{path, 0, "", [&] { return epochs == 7; }});
  try {
    sel.fit(s.x.data(), s.rows, s.cols, s.y.data());
    FAIL() << "a requested stop must end the fit";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCheckpointed) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_EQ(epochs, 7);
  EXPECT_EQ(train::read_checkpoint(path).position.epochs_done, 7);
  // No stray temporary file beside it (the name 94c662c used, and the safe writer's).
  EXPECT_NE(::access((path + ".tmp." + std::to_string(::getpid())).c_str(), F_OK), 0);
  EXPECT_EQ(temporaries_beside(path), "");
  std::remove(path.c_str());
}

TEST(Checkpoint, CApiStopsOnRequestAndResumes) {
  const Synthetic s = make_classification(96, 40, 2, 2, 3);
  const std::string path = temp_path("capi");
  const auto make = [](gfs_selector** h) {
    ASSERT_EQ(gfs_create(h), GFS_OK);
    for (const auto& [k, v] : {std::pair<const char*, const char*>{"epochs", "9"},
                               {"device", "cpu"},
                               {"seed", "4"},
                               {"support", "majority"}})
      ASSERT_EQ(gfs_set(*h, k, v), GFS_OK);
  };
  gfs_selector *straight = nullptr, *stopped = nullptr, *resumed = nullptr;
  make(&straight);
  make(&stopped);
  make(&resumed);
  ASSERT_EQ(gfs_fit(straight, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  ASSERT_EQ(gfs_set_checkpoint(stopped, path.c_str(), 0, nullptr), GFS_OK);
  gfs_request_stop(stopped);  // as a signal handler would, before or during the fit
  EXPECT_EQ(gfs_fit(stopped, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_CHECKPOINTED);
  EXPECT_NE(std::string(gfs_last_error()).find("after epoch 1 of 9"), std::string::npos) << gfs_last_error();
  ASSERT_EQ(gfs_set_checkpoint(resumed, nullptr, 0, path.c_str()), GFS_OK);
  ASSERT_EQ(gfs_fit(resumed, s.x.data(), s.rows, s.cols, s.y.data(), 1), GFS_OK) << gfs_last_error();
  std::vector<float> a(40), b(40);
  ASSERT_EQ(gfs_get_logits(straight, a.data(), 40), GFS_OK);
  ASSERT_EQ(gfs_get_logits(resumed, b.data(), 40), GFS_OK);
  EXPECT_EQ(a, b);
  for (gfs_selector* h : {straight, stopped, resumed}) gfs_destroy(h);
  std::remove(path.c_str());
}

class BadCheckpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = make_classification(96, 40, 2, 2, 3);
    cfg_ = small_config(SupportRule::kMajority);
    path_ = temp_path("bad");
    Selector sel(cfg_);
    sel.set_checkpoint(CheckpointOptions{path_, 5, "", nullptr});
    sel.set_progress([](const EpochRecord& r, int) { return r.epoch < 5; });
    sel.fit(data_.x.data(), data_.rows, data_.cols, data_.y.data());
    bytes_ = read_bytes(path_);
    ASSERT_GT(bytes_.size(), 100U);
  }
  void TearDown() override { std::remove(path_.c_str()); }

  /// Resuming must throw gfs::Error with `code` whose message holds `fragment`.
  void expect_refused(const Config& cfg, const Synthetic& d, ErrorCode code, const std::string& fragment,
                      const std::string& resume = "") {
    Selector sel(cfg);
    sel.set_checkpoint(CheckpointOptions{"", 0, resume.empty() ? path_ : resume, nullptr});
    try {
      sel.fit(d.x.data(), d.rows, d.cols, d.y.data());
      ADD_FAILURE() << "resuming was not refused (" << fragment << ")";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }

  Synthetic data_;
  Config cfg_;
  std::string path_;
  std::vector<char> bytes_;
};

TEST_F(BadCheckpoint, TruncatedAnywhereIsRefused) {
  for (std::size_t keep :
       {std::size_t{0}, std::size_t{5}, std::size_t{12}, std::size_t{40}, bytes_.size() / 2, bytes_.size() - 1}) {
    write_bytes(path_, std::vector<char>(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(keep)));
    const char* says = keep < 8 ? "not a gfs checkpoint" : keep < 16 ? "truncated" : "checksum";
    expect_refused(cfg_, data_, ErrorCode::kInvalidData, says);
  }
}

TEST_F(BadCheckpoint, DamagedByteFailsTheChecksum) {
  bytes_[bytes_.size() / 2] = static_cast<char>(bytes_[bytes_.size() / 2] ^ 0x10);
  write_bytes(path_, bytes_);
  expect_refused(cfg_, data_, ErrorCode::kInvalidData, "checksum");
}

TEST_F(BadCheckpoint, OtherFormatVersionIsRefused) {
  bytes_[8] = 9;  // the version field follows the 8-byte magic
  write_bytes(path_, bytes_);
  expect_refused(cfg_, data_, ErrorCode::kInvalidData, "format version 9");
}

TEST_F(BadCheckpoint, MissingFileIsAnIoError) {
  std::remove(path_.c_str());
  expect_refused(cfg_, data_, ErrorCode::kIo, path_);
}

TEST_F(BadCheckpoint, OtherDataIsRefused) {
  Synthetic other = data_;
  other.x[17] += 1.0F;
  expect_refused(cfg_, other, ErrorCode::kInvalidArgument, "other data");
  Synthetic labels = data_;
  labels.y[3] = 1.0F - labels.y[3];
  expect_refused(cfg_, labels, ErrorCode::kInvalidArgument, "other data");
  // Only the labels differ: the message says so (the features' checksum is the same on both sides).
  expect_refused(cfg_, labels, ErrorCode::kInvalidArgument, "other labels");
}

TEST_F(BadCheckpoint, OtherSettingsAreRefusedByName) {
  Config other = cfg_;
  other.lr_mask = 0.01F;
  expect_refused(other, data_, ErrorCode::kInvalidArgument, "lr_mask=");
  Config seed = cfg_;
  seed.seed = 6;
  expect_refused(seed, data_, ErrorCode::kInvalidArgument, "seed=5 in the checkpoint, seed=6 in this fit");
  // Threads only change how fast: a resume on another thread count is allowed (and equal).
  Config threads = cfg_;
  threads.threads = 1;
  Selector sel(threads);
  sel.set_checkpoint(CheckpointOptions{"", 0, path_, nullptr});
  EXPECT_NO_THROW(sel.fit(data_.x.data(), data_.rows, data_.cols, data_.y.data()));
}

TEST_F(BadCheckpoint, PerRankFilesOfAnMpiFitAreNamedInTheError) {
  const std::string base = path_ + "_mpi";
  write_bytes(base + ".rank0", bytes_);
  expect_refused(cfg_, data_, ErrorCode::kInvalidArgument, "feature-parallel fit", base);
  std::remove((base + ".rank0").c_str());
}

TEST_F(BadCheckpoint, NotACheckpointIsRefused) {
  write_bytes(path_, std::vector<char>{'{', '"', 'a', '"', ':', '1', '}', '\n', ' ', ' ', ' ', ' '});
  expect_refused(cfg_, data_, ErrorCode::kInvalidData, "not a gfs checkpoint");
}

// Issue 22 (1, 2): the writer went through PATH.tmp.<pid> opened with O_CREAT | O_TRUNC (a link
// planted there redirected it) and renamed over whatever was at PATH (a FIFO, a device, a symlink).
TEST(CheckpointFile, WriterNeverFollowsAPlantedLinkNorReplacesSpecialFiles) {
  train::Checkpoint c;
  c.settings = "seed=1\n";
  const std::string path = temp_path("planted");
  const std::string victim = temp_path("victim");
  write_bytes(victim, {'k', 'e', 'e', 'p'});
  const std::string plant = path + ".tmp." + std::to_string(::getpid());
  ASSERT_EQ(::symlink(victim.c_str(), plant.c_str()), 0);
  train::write_checkpoint(path, c);
  EXPECT_EQ(read_bytes(victim), (std::vector<char>{'k', 'e', 'e', 'p'}));
  EXPECT_EQ(train::read_checkpoint(path).settings, "seed=1\n");
  std::remove(plant.c_str());
  EXPECT_EQ(temporaries_beside(path), "");

  const std::string fifo = temp_path("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  try {
    train::write_checkpoint(fifo, c);
    ADD_FAILURE() << "a FIFO was accepted as a checkpoint path";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
  }
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));

  // A symlink stays a symlink: the file it points to is replaced.
  const std::string link = temp_path("link");
  ASSERT_EQ(::symlink(victim.c_str(), link.c_str()), 0);
  train::write_checkpoint(link, c);
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(train::read_checkpoint(victim).settings, "seed=1\n");
  for (const std::string& p : {path, victim, fifo, link}) std::remove(p.c_str());
}

// Issue 22 (12): reading a directory threw "basic_filebuf::underflow", a FIFO blocked forever and
// /dev/zero was read without end before its magic was looked at.
TEST(CheckpointFile, ReaderRefusesWhatIsNotARegularFileWithoutBlocking) {
  const std::string fifo = temp_path("rfifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string dir = ::testing::TempDir();
  for (const std::string& p : {dir, fifo, std::string("/dev/zero")}) {
    try {
      (void)train::read_checkpoint(p);
      ADD_FAILURE() << p << " was read as a checkpoint";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(p == dir ? "is a directory" : "not a regular file"), std::string::npos)
          << e.what();
    }
  }
  std::remove(fifo.c_str());
}

}  // namespace
}  // namespace gfs::test
