// Config: key/value access, validation, the reference preset, Device parsing.
#include <gtest/gtest.h>
#include <omp.h>

#include <vector>

#include "gfs/gfs.hpp"

namespace gfs {
namespace {

TEST(Config, EveryItemReadsBackThroughSet) {
  Config a;
  a.batch_size = 7;
  a.hidden = {64, 16, 8};
  a.task = Task::kRegression;
  a.lambda = 0.25F;
  a.seed = 12345678901234ULL;
  a.device = Device::cuda(1);
  Config b;
  for (const auto& [k, v] : a.items()) b.set(k, v);
  EXPECT_EQ(a.items(), b.items());
}

TEST(Config, UnknownKeyListsTheKnownOnes) {
  Config c;
  try {
    c.set("batchsize", "3");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("batch_size"), std::string::npos);
  }
}

TEST(Config, BadValuesNameTheKey) {
  Config c;
  EXPECT_THROW(c.set("epochs", "ten"), Error);
  EXPECT_THROW(c.set("epochs", "10x"), Error);
  EXPECT_THROW(c.set("lambda", "nan"), Error);
  EXPECT_THROW(c.set("shuffle", "maybe"), Error);
  EXPECT_THROW(c.set("support", "most"), Error);
  EXPECT_THROW(c.set("hidden", "32,,32"), Error);
  try {
    c.set("task", "clustering");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'task'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("regression"), std::string::npos);
  }
}

TEST(Config, ValidateRejectsOutOfRange) {
  Config c;
  c.tau_decay = 1.5F;
  EXPECT_THROW(c.validate(), Error);
  c = Config{};
  c.batch_size = 0;
  EXPECT_THROW(c.validate(), Error);
  c = Config{};
  c.support = SupportRule::kTopK;
  EXPECT_THROW(c.validate(), Error);
  c.target_features = 3;
  EXPECT_NO_THROW(c.validate());
}

TEST(Config, ReferencePresetIsGfsNetwork031) {
  const Config r = Config::reference();
  EXPECT_EQ(r.batch_size, 1);
  EXPECT_EQ(r.epochs, 200);
  EXPECT_FALSE(r.shuffle);
  EXPECT_FALSE(r.train_embedding);
  EXPECT_EQ(r.class_weights, ClassWeights::kReference);
  EXPECT_EQ(r.support, SupportRule::kAny);
  EXPECT_FLOAT_EQ(r.lr_task, 3e-4F);
  EXPECT_FLOAT_EQ(r.lr_mask, 4e-3F);
  EXPECT_FLOAT_EQ(r.lambda, 1.0F);
  EXPECT_EQ(r.penalty, Penalty::kRaw);
  EXPECT_TRUE(r.standardize);
}

TEST(Config, PaperConstantsAreDefaults) {
  const Config c;
  EXPECT_FLOAT_EQ(c.tau0, 2.0F);
  EXPECT_FLOAT_EQ(c.tau_decay, 0.997F);
  EXPECT_EQ(c.embedding_dim, 32);
  EXPECT_EQ(c.hidden, (std::vector<int>{32, 32}));
  EXPECT_FLOAT_EQ(c.adam_beta1, 0.9F);
  EXPECT_FLOAT_EQ(c.adam_beta2, 0.999F);
  EXPECT_FLOAT_EQ(c.adam_eps, 1e-8F);
  EXPECT_EQ(c.support, SupportRule::kValidated);
  EXPECT_FLOAT_EQ(c.penalty_warmup, 0.1F);
}

TEST(Config, LambdaAutoDependsOnThePenalty) {
  Config c;
  EXPECT_EQ(c.penalty_scale, PenaltyScale::kRows);
  EXPECT_FLOAT_EQ(c.penalty_weight(), 0.17F);
  c.penalty_scale = PenaltyScale::kMean;  // the paper's normalisation keeps its own weight
  EXPECT_FLOAT_EQ(c.penalty_weight(), 0.3F);
  c.penalty_scale = PenaltyScale::kColumn;
  EXPECT_FLOAT_EQ(c.penalty_weight(), 0.01F);
  EXPECT_EQ(Config::reference().penalty_scale, PenaltyScale::kMean);
  EXPECT_FLOAT_EQ(Config::reference().penalty_weight(), 1.0F);
  c.penalty = Penalty::kTarget;
  EXPECT_FLOAT_EQ(c.penalty_weight(), 1.0F);
  c.set("lambda", "0.5");
  EXPECT_FLOAT_EQ(c.penalty_weight(), 0.5F);
  c.set("lambda", "auto");
  EXPECT_FLOAT_EQ(c.penalty_weight(), 1.0F);
  EXPECT_THROW(c.set("lambda", "-0.5"), Error);
  c.set("penalty_warmup", "1");  // a fraction of the epochs: 1 would never apply the penalty
  EXPECT_THROW(c.validate(), Error);
}

TEST(Device, ParseAndPrint) {
  EXPECT_EQ(Device::parse("cpu"), Device::cpu());
  EXPECT_EQ(Device::parse("cuda"), Device::cuda(0));
  EXPECT_EQ(Device::parse("cuda:3"), Device::cuda(3));
  EXPECT_EQ(Device::parse("auto").kind, DeviceKind::kAuto);
  EXPECT_EQ(Device::cuda(2).str(), "cuda:2");
  EXPECT_THROW(Device::parse("tpu"), Error);
  EXPECT_THROW(Device::parse("cuda:-1"), Error);
  EXPECT_THROW(Device::parse("cuda:x"), Error);
}

}  // namespace
}  // namespace gfs

namespace gfs {
namespace {

// Issue 13, defect 6: out-of-range integers were truncated (epochs=4294967297 became 1).
TEST(ConfigRanges, IntegersOutsideTheirTypeAreErrorsNotWraps) {
  for (const char* key : {"epochs", "batch_size", "threads", "n_draws", "target_features", "embedding_dim"}) {
    Config c;
    const Config before = c;
    try {
      c.set(key, "4294967297");
      FAIL() << key << " accepted 4294967297";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("2147483647"), std::string::npos) << e.what();
    }
    EXPECT_EQ(c.items(), before.items()) << key;
  }
  Config c;
  EXPECT_THROW(c.set("hidden", "32,4294967328"), Error);
  EXPECT_THROW(c.set("seed", "-5"), Error);
  EXPECT_THROW(c.set("seed", "18446744073709551616"), Error);
  EXPECT_NO_THROW(c.set("seed", "18446744073709551615"));
  EXPECT_EQ(c.seed, 18446744073709551615ULL);
}

// Issue 22 item 5: `--threads 100000` crashed the OpenMP runtime (SIGSEGV in GOMP_parallel) and
// GFSSelector(n_jobs=100000) killed Python. Config::validate bounds it by kMaxThreads.
TEST(ConfigRanges, ThreadsAreBoundedByKMaxThreads) {
  Config c;
  c.threads = kMaxThreads;
  EXPECT_NO_THROW(c.validate());
  for (const int bad : {kMaxThreads + 1, 100000, -1}) {
    c.threads = bad;
    try {
      c.validate();
      ADD_FAILURE() << "threads = " << bad << " passed validate()";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find("'threads' must be in 0.." + std::to_string(kMaxThreads)), std::string::npos)
          << e.what();
    }
  }
}

// ... and threads = 0 ("all cores") where OMP_NUM_THREADS asks for more than kMaxThreads.
TEST(ConfigRanges, AllCoresBeyondKMaxThreadsIsAnError) {
  const int before = omp_get_max_threads();
  omp_set_num_threads(100000);  // what OMP_NUM_THREADS=100000 sets
  Config c;
  c.device = Device::cpu();
  c.epochs = 2;
  c.support = SupportRule::kMajority;
  const std::vector<float> x = {0, 1, 2, 3, 1, 0, 3, 2, 2, 3, 0, 1, 3, 2, 1, 0};
  const std::vector<float> y = {0, 1, 0, 1};
  c.batch_size = 2;
  try {
    Selector(c).fit(x.data(), 4, 4, y.data());
    ADD_FAILURE() << "a fit with 100000 OpenMP threads started";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("OMP_NUM_THREADS"), std::string::npos) << e.what();
  }
  c.threads = 2;  // an explicit count does not read OMP_NUM_THREADS
  EXPECT_NO_THROW(Selector(c).fit(x.data(), 4, 4, y.data()));
  omp_set_num_threads(before);
}

TEST(ConfigRanges, LongValuesAreShortenedInMessages) {
  Config c;
  try {
    c.set("threads", "1" + std::string(300, '0'));
    FAIL();
  } catch (const Error& e) {
    EXPECT_LT(std::string(e.what()).size(), 200U) << e.what();
  }
}

// Issue 13, defect 1: settings that can only end in Inf/NaN are refused before the fit.
TEST(ConfigRanges, SettingsThatDivergeAreRefusedUpFront) {
  auto refused = [](const char* key, const char* value) {
    Config c;
    c.set(key, value);
    try {
      c.validate();
      ADD_FAILURE() << key << "=" << value << " passed validate()";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  };
  refused("tau_decay", "1e-20");
  refused("lr_task", "1e30");
  refused("lr_mask", "1e30");
  refused("lambda", "1e30");
  refused("adam_eps", "1e30");
  Config ok;
  ok.set("tau_decay", "0.9");
  ok.set("lr_task", "0.01");
  EXPECT_NO_THROW(ok.validate());
}

TEST(ConfigRanges, MaxMemoryReadsSizes) {
  Config c;
  EXPECT_EQ(c.max_memory, 0U);
  c.set("max_memory", "8G");
  EXPECT_EQ(c.max_memory, std::uint64_t{8} << 30);
  c.set("max_memory", "512MiB");
  EXPECT_EQ(c.max_memory, std::uint64_t{512} << 20);
  c.set("max_memory", "1.5g");
  EXPECT_EQ(c.max_memory, std::uint64_t{3} << 29);
  c.set("max_memory", "1000");
  EXPECT_EQ(c.max_memory, 1000U);
  EXPECT_THROW(c.set("max_memory", "lots"), Error);
  EXPECT_THROW(c.set("max_memory", "-1G"), Error);
  EXPECT_THROW(c.set("max_memory", "8X"), Error);
  Config back;
  for (const auto& [k, v] : c.items()) back.set(k, v);
  EXPECT_EQ(back.max_memory, 1000U);
}

}  // namespace
}  // namespace gfs
