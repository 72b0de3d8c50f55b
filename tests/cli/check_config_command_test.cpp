#include "cli/check_config_command.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace {

struct CheckRun {
  int status;
  std::string out, err;
};

CheckRun check(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int status = kj::cli::check_config(args, out, err);
  return {status, out.str(), err.str()};
}

std::string write(const kjt::TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

TEST(CheckConfigCommandTest, ValidFilePrintsTheEffectiveConfig) {
  kjt::TempDir dir("kjcheck");
  const std::string path =
      write(dir, "a.yaml", "node: n1\nexporters:\n  - type: file\n    path: /tmp/out.ndjson\n");
  const CheckRun r = check({path});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("node: n1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("path: /tmp/out.ndjson"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/var/log/kube-apiserver.log"), std::string::npos) << "default sources";
}

TEST(CheckConfigCommandTest, ErrorsNameFilePathAndLine) {
  kjt::TempDir dir("kjcheck");
  const std::string path = write(dir, "bad.yaml",
                                 "node: n1\n"
                                 "exporters:\n"
                                 "  - type: clickhouse\n"
                                 "    url: ch:8123\n"
                                 "    tabel: x\n");
  const CheckRun r = check({path});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(
      r.err,
      path + ": exporters[0].url: not a URL: \"ch:8123\" (needs http:// or https://) (line 4)\n" +
          path + ": exporters[0].tabel: unknown key (did you mean \"table\"?) (line 5)\n" + path +
          ": 2 errors\n");
}

TEST(CheckConfigCommandTest, MissingFileAndUsage) {
  const CheckRun missing = check({"/nonexistent/kjournal.yaml"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("cannot read /nonexistent/kjournal.yaml"), std::string::npos);
  EXPECT_EQ(check({}).status, 1);
  EXPECT_EQ(check({"a", "b"}).status, 1);
  const CheckRun help = check({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("Usage: kjournal check-config FILE"), std::string::npos);
}

TEST(CheckConfigCommandTest, ExampleConfigIsValid) {
  const CheckRun r = check({std::string(KJ_SOURCE_DIR) + "/config/agent.yaml"});
  EXPECT_EQ(r.status, 0) << r.err;
}

}  // namespace
