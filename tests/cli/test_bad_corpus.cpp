/// @file test_bad_corpus.cpp
/// @brief Replays the bad-input corpus (tests/data/bad/) against `gfs select`: each line of
///        tests/data/bad/MANIFEST names a file, the exit code it must give, a fragment its message
///        must hold and any extra arguments. New bad inputs are added there, not here.
#include <sstream>

#include "cli_test_util.hpp"

namespace gfs::cli::test {
namespace {

struct Case {
  std::string file;
  int code = 0;
  std::string fragment;
  std::vector<std::string> args;
};

/// MANIFEST lines: file <TAB> exit code <TAB> message fragment [<TAB> extra arguments]; '#' comments.
std::vector<Case> read_manifest(const std::string& path) {
  std::ifstream in(path);
  std::vector<Case> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream s(line);
    std::string f;
    while (std::getline(s, f, '\t')) fields.push_back(f);
    if (fields.size() < 3) {
      ADD_FAILURE() << path << ": malformed line: " << line;
      continue;
    }
    Case c{fields[0], std::stoi(fields[1]), fields[2], {}};
    if (fields.size() > 3) {
      std::stringstream a(fields[3]);
      std::string arg;
      while (a >> arg) c.args.push_back(arg);
    }
    out.push_back(std::move(c));
  }
  return out;
}

TEST_F(Cli, BadInputCorpus) {
  const std::vector<Case> cases = read_manifest(data("bad/MANIFEST"));
  ASSERT_GE(cases.size(), 20U);
  for (const Case& c : cases) {
    std::vector<std::string> args = {"select", "-i", data("bad/" + c.file), "-o", "r.json", "--epochs", "2", "-q"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    for (std::string& a : args) {
      if (a.rfind("@", 0) == 0) a = data("bad/" + a.substr(1));  // @name: another corpus file
    }
    SCOPED_TRACE(c.file);
    expect_failure(args, c.code, {c.fragment});
  }
  EXPECT_FALSE(std::ifstream(dir_.path("r.json")).good());  // no bad input left a result behind
}

}  // namespace
}  // namespace gfs::cli::test
