/// @file test_cli_checkpoint.cpp
/// @brief `gfs select --checkpoint/--resume`: a fit killed by SIGTERM in the middle exits 75 with
///        its checkpoint written, and the resumed fit's result.json equals an uninterrupted fit's.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_test_util.hpp"

namespace gfs::cli::test {
namespace {

using nlohmann::json;

/// Long enough (a second or two) that a signal lands in the middle of training.
std::vector<std::string> long_fit(const std::string& out) {
  return {"select",       "-i", data("small.csv"), "-t", "label",     "-o", out,         "--epochs",  "1500",
          "--batch-size", "4",  "--seed",          "9",  "--threads", "1",  "--support", "validated", "--quiet"};
}

std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class CliCheckpoint : public Cli {
 protected:
  json result(const std::string& name) {
    json j = json::parse(slurp(dir_.path(name)));
    j.erase("fit_seconds");
    return j;
  }

  /// Starts gfs (exec'd by sh, so the pid is gfs's), sends `sig` once `file` exists, returns the
  /// exit status.
  int run_and_signal(const std::vector<std::string>& args, const std::string& file, int sig) {
    std::string cmd = "cd " + shell_quote(dir_.dir()) + " && exec " + shell_quote(GFS_CLI_PATH);
    for (const std::string& a : args) cmd += " " + shell_quote(a);
    cmd += " >" + shell_quote(dir_.path(".stdout")) + " 2>" + shell_quote(dir_.path(".stderr")) + " </dev/null";
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    struct stat st {};
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (::stat(dir_.path(file).c_str(), &st) != 0 && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

TEST_F(CliCheckpoint, SigtermMidFitThenResumeEqualsAnUninterruptedFit) {
  const Outcome straight = gfs(long_fit("straight.json"));
  ASSERT_EQ(straight.code, 0) << straight.all();

  for (int sig : {SIGTERM, SIGUSR1}) {
    std::remove(dir_.path("fit.ckpt").c_str());
    const int code = run_and_signal(
        cat(long_fit("killed.json"), {"--checkpoint", "fit.ckpt", "--checkpoint-every", "50"}), "fit.ckpt", sig);
    ASSERT_EQ(code, 75) << "signal " << sig << ": " << slurp(dir_.path(".stderr"));
    EXPECT_NE(slurp(dir_.path(".stderr")).find("resume from it"), std::string::npos) << slurp(dir_.path(".stderr"));
    EXPECT_NE(::access(dir_.path("killed.json").c_str(), F_OK), 0) << "a stopped fit writes no result";

    const Outcome resumed = gfs(cat(long_fit("resumed.json"), {"--resume", "fit.ckpt", "--checkpoint", "fit.ckpt"}));
    ASSERT_EQ(resumed.code, 0) << resumed.all();
    const json a = result("straight.json"), b = result("resumed.json");
    EXPECT_EQ(a["logits"], b["logits"]);
    EXPECT_EQ(a["scores"], b["scores"]);
    EXPECT_EQ(a["selected"], b["selected"]);
    EXPECT_EQ(a.dump(), b.dump());
  }
}

TEST_F(CliCheckpoint, ResumedAtTheConvergedEpochAndAtTheCapEqualsTheUninterruptedResult) {
  // result.json byte for byte (fit_seconds aside), resumed from the file --checkpoint-every k
  // leaves: epoch k * floor(stopped / k), the last epoch itself (converged, or the cap) included.
  const std::vector<std::string> fit = {
      "select",  "-i",    data("small.csv"),    "-t",    "label",   "--seed", "3", "--threads", "1",
      "--quiet", "--set", "n_iter_no_change=3", "--set", "tol=0.01"};
  for (const std::string epochs : {"150", "30"}) {  // 150: converges first; 30: stops at the cap
    SCOPED_TRACE("--epochs " + epochs);
    ASSERT_EQ(gfs(cat(fit, {"--epochs", epochs, "-o", "straight.json"})).code, 0);
    const json straight = result("straight.json");
    const int stopped = straight["stopped_epoch"].get<int>();
    ASSERT_EQ(straight["stop_reason"], epochs == "30" ? "epochs" : "converged");
    if (epochs == "30") {
      ASSERT_EQ(stopped, 30);
    } else {
      ASSERT_LT(stopped, 150);
    }
    for (int every : {stopped, stopped - 1, 7, 1}) {
      SCOPED_TRACE("--checkpoint-every " + std::to_string(every));
      std::remove(dir_.path("f.ckpt").c_str());
      ASSERT_EQ(gfs(cat(fit, {"--epochs", epochs, "-o", "written.json", "--checkpoint", "f.ckpt", "--checkpoint-every",
                              std::to_string(every)}))
                    .code,
                0);
      EXPECT_EQ(result("written.json").dump(), straight.dump());
      const Outcome resumed = gfs(cat(fit, {"--epochs", epochs, "-o", "resumed.json", "--resume", "f.ckpt"}));
      ASSERT_EQ(resumed.code, 0) << resumed.all();
      EXPECT_EQ(result("resumed.json").dump(), straight.dump());
    }
  }
}

TEST_F(CliCheckpoint, BadCheckpointUsageIsAClearError) {
  const std::vector<std::string> fast = {"select",   "-i", data("small.csv"), "-t", "label",  "-o", "r.json",
                                         "--epochs", "6",  "--seed",          "2",  "--quiet"};
  expect_failure(cat(fast, {"--checkpoint-every", "2"}), 2, {"--checkpoint-every needs --checkpoint"});
  expect_failure(cat(fast, {"--resume", "missing.ckpt"}), 2, {"missing.ckpt"});
  dir_.write("junk.ckpt", "not a checkpoint at all\n");
  expect_failure(cat(fast, {"--resume", "junk.ckpt"}), 2, {"junk.ckpt is not a gfs checkpoint"});
  ASSERT_EQ(gfs(cat(fast, {"--checkpoint", "c.ckpt", "--checkpoint-every", "3"})).code, 0);
  expect_failure(cat(fast, {"--resume", "c.ckpt", "--lambda", "0.7"}), 2, {"other settings", "lambda="});
  expect_failure({"select", "-i", data("iris_like.csv"), "-t", "species", "-o", "r.json", "--epochs", "6", "--seed",
                  "2", "--quiet", "--batch-size", "8", "--resume", "c.ckpt"},
                 2, {"other data"});
}

}  // namespace
}  // namespace gfs::cli::test
