#include "cli/query_options.h"

#include <gtest/gtest.h>

namespace kj::cli {
namespace {

constexpr int64_t kNow = 1'795'819'800'000'000;  // 2026-11-27 22:50:00 UTC

std::optional<QueryOptions> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "kjournal");
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  std::string help;
  return parse_query_options(static_cast<int>(argv.size()), argv.data(), kNow, &help);
}

std::string usage_error(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(QueryOptions, JournalctlFlags) {
  const auto o = parse({"-u", "kubelet", "-u", "containerd", "-p", "warning..err", "--since", "1h",
                        "-n", "20", "-r", "-o", "json", "-g", "fail", "--utc", "--no-pager"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->units, (std::vector<std::string>{"kubelet", "containerd"}));
  ASSERT_TRUE(o->priority);
  EXPECT_EQ(o->priority->most_severe, 3);
  EXPECT_EQ(o->priority->least_severe, 4);
  EXPECT_EQ(o->since_us, kNow - 3'600'000'000);
  EXPECT_EQ(o->lines, 20u);
  EXPECT_TRUE(o->reverse);
  EXPECT_EQ(o->format.mode, OutputMode::json);
  EXPECT_EQ(o->grep, "fail");
  EXPECT_TRUE(o->format.utc);
}

TEST(QueryOptions, SourcesAndFollowDefaults) {
  auto o = parse({"-D", "/var/log/journal/x", "-f"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->source.kind, journal::JournalSource::Kind::directory);
  EXPECT_EQ(o->lines, 10u);  // -f alone starts with the last 10, like journalctl
  o = parse({"--namespace", "kjt", "-f", "--since", "-5min"});
  EXPECT_EQ(o->source.kind, journal::JournalSource::Kind::ns);
  EXPECT_FALSE(o->lines);
  o = parse({"--root", "/host", "-n", "all"});
  EXPECT_EQ(o->source.kind, journal::JournalSource::Kind::root);
  EXPECT_FALSE(o->lines);
}

TEST(QueryOptions, ErrorsNameTheInput) {
  EXPECT_NE(usage_error({"--since", "1 hourr ago"}).find("hourr"), std::string::npos);
  EXPECT_NE(usage_error({"-p", "loud"}).find("\"loud\""), std::string::npos);
  EXPECT_NE(usage_error({"-o", "verbose"}).find("\"verbose\""), std::string::npos);
  EXPECT_NE(usage_error({"-n", "ten"}).find("\"ten\""), std::string::npos);
  EXPECT_NE(usage_error({"--bogus"}).find("--bogus"), std::string::npos);
  EXPECT_NE(usage_error({"-D", "a", "--namespace", "b"}).find("cannot be combined"),
            std::string::npos);
  EXPECT_NE(usage_error({"--since", "today", "--until", "yesterday"}).find("after --until"),
            std::string::npos);
  EXPECT_NE(usage_error({"--case-sensitive", "maybe"}).find("maybe"), std::string::npos);
}

TEST(QueryOptions, HelpReturnsNothing) {
  std::vector<const char*> argv = {"kjournal", "--help"};
  std::string help;
  EXPECT_FALSE(parse_query_options(2, argv.data(), kNow, &help));
  EXPECT_NE(help.find("normalized"), std::string::npos);
}

}  // namespace
}  // namespace kj::cli
