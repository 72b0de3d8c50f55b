// `kjournal -f` against a live journald (a namespace instance started by the test): entries
// must show up promptly, survive rotation and vacuuming without loss or duplicates, honour
// journalctl's start position (-n 0, default last 10), and the follower must stop cleanly.
#include <signal.h>

#include <chrono>
#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "tests/support/journal_fixture.h"
#include "tests/support/journal_json.h"
#include "tests/support/journald_namespace.h"
#include "tests/support/kjournal_cli.h"
#include "tests/support/process.h"

namespace kjt {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr auto kDeliveryLimit = 1s;  // the latency kjournal -f promises per entry
constexpr auto kStartupLimit = 10s;  // generous: only bounds a hang, not measured

class Follow : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = std::make_unique<JournaldNamespace>();
    token_ = "kjt-follow-" + ns_->name();
  }

  std::string message(const std::string& tag, int seq) const {
    return token_ + " " + tag + " " + std::to_string(seq);
  }

  void send(const std::string& tag, int seq) {
    ns_->send({{"MESSAGE", message(tag, seq)},
               {"SYSLOG_IDENTIFIER", "kjt-follow"},
               {"PRIORITY", "6"},
               {"KJT_SEQ", std::to_string(seq)}});
  }

  std::unique_ptr<ChildProcess> start_kjournal(std::vector<std::string> extra) {
    std::vector<std::string> argv = {
        kjournal_binary(), "--namespace", ns_->name(), "--all", "-f", "-o", "json", "--no-pager"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    RunOptions options;
    options.env = {{"TZ", "UTC"}};
    return std::make_unique<ChildProcess>(argv, options);
  }

  // Reads kjournal's output until a record with message `want` arrives or `timeout` passes.
  // Every record is kept in lines_ (in order), so tests can look for losses, duplicates and
  // entries that should not have been printed.
  bool read_until(ChildProcess& kj, const std::string& want, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      auto line = kj.read_line(left);
      if (!line) break;
      json record;
      try {
        record = json::parse(*line);
      } catch (const json::exception& e) {
        ADD_FAILURE() << "kjournal -f printed a line that is not JSON (" << e.what()
                      << "): " << printable(*line);
        continue;
      }
      lines_.push_back(record);
      if (record.value("message", "") == want) return true;
    }
    return false;
  }

  // Sends one entry and asserts kjournal prints it within the delivery limit.
  void send_and_expect_prompt(ChildProcess& kj, const std::string& tag, int seq) {
    send(tag, seq);
    const auto sent = Clock::now();
    bool seen = read_until(kj, message(tag, seq), 5s);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent);
    ASSERT_TRUE(seen) << message(tag, seq)
                      << " not printed within 5 s; stderr: " << kj.stderr_text();
    EXPECT_LT(took, kDeliveryLimit) << message(tag, seq) << " took " << took.count() << " ms";
  }

  // Sends probes until kjournal prints one: proves the follower is running and positioned,
  // without assuming how long it takes to start.
  void wait_until_following(ChildProcess& kj) {
    const auto deadline = Clock::now() + kStartupLimit;
    for (int probe = 0; Clock::now() < deadline; ++probe) {
      send("probe", probe);
      if (read_until(kj, message("probe", probe), 300ms)) return;
      ASSERT_TRUE(kj.running()) << "kjournal exited: " << kj.stderr_text();
    }
    FAIL() << "kjournal -f printed none of the probes; stderr: " << kj.stderr_text();
  }

  // How often each of our messages with `tag` was printed.
  std::map<int, int> counts(const std::string& tag) const {
    std::map<int, int> n;
    const std::string prefix = token_ + " " + tag + " ";
    for (const auto& r : lines_) {
      std::string m = r.value("message", "");
      if (m.starts_with(prefix)) ++n[std::stoi(m.substr(prefix.size()))];
    }
    return n;
  }

  std::unique_ptr<JournaldNamespace> ns_;
  std::string token_;
  std::vector<json> lines_;
};

TEST_F(Follow, EntriesArriveWithinOneSecondAcrossRotationAndVacuum) {
  auto kj = start_kjournal({});
  ASSERT_NO_FATAL_FAILURE(wait_until_following(*kj));

  int seq = 0;
  for (int i = 0; i < 5; ++i) ASSERT_NO_FATAL_FAILURE(send_and_expect_prompt(*kj, "live", seq++));
  // The active file becomes an archived one and journald opens a new system.journal.
  ns_->rotate();
  for (int i = 0; i < 5; ++i) ASSERT_NO_FATAL_FAILURE(send_and_expect_prompt(*kj, "live", seq++));
  // Archived files (holding entries kjournal already printed) are deleted under its feet.
  ns_->rotate();
  ns_->vacuum_files(1);
  ASSERT_EQ(journal_files_in(ns_->journal_dir()).size(), 1u) << "vacuum removed no file";
  for (int i = 0; i < 5; ++i) ASSERT_NO_FATAL_FAILURE(send_and_expect_prompt(*kj, "live", seq++));

  // Anything still in flight (a late duplicate) shows up now or never.
  read_until(*kj, "<never>", 500ms);
  std::map<int, int> seen = counts("live");
  for (int i = 0; i < seq; ++i)
    EXPECT_EQ(seen[i], 1) << "live " << i << " printed " << seen[i] << " times";
  EXPECT_EQ(seen.size(), static_cast<size_t>(seq));

  // Printed in the order they were sent.
  int last = -1;
  const std::string prefix = token_ + " live ";
  for (const auto& r : lines_) {
    std::string m = r.value("message", "");
    if (!m.starts_with(prefix)) continue;
    int n = std::stoi(m.substr(prefix.size()));
    EXPECT_GT(n, last) << "out of order";
    last = n;
  }
  EXPECT_TRUE(kj->running()) << kj->stderr_text();
}

TEST_F(Follow, LinesZeroPrintsOnlyNewEntries) {
  for (int i = 0; i < 3; ++i) send("old", i);
  ns_->sync();
  auto kj = start_kjournal({"-n", "0"});
  ASSERT_NO_FATAL_FAILURE(wait_until_following(*kj));
  ASSERT_NO_FATAL_FAILURE(send_and_expect_prompt(*kj, "new", 0));
  EXPECT_TRUE(counts("old").empty()) << "-n 0 printed entries from before it started";
  // Not even journald's own start-up messages: the first record is one of the probes (an
  // early probe may predate kjournal's start and rightly be skipped).
  ASSERT_FALSE(lines_.empty());
  EXPECT_TRUE(lines_.front().value("message", "").starts_with(token_ + " probe "))
      << lines_.front().dump();
}

TEST_F(Follow, DefaultStartIsTheLastTenEntriesLikeJournalctl) {
  for (int i = 0; i < 15; ++i) send("hist", i);
  ns_->sync();
  // What journalctl -f would print first: its last 10 entries.
  std::vector<std::string> want;
  for (const auto& e : parse_json_lines(ns_->journalctl_json({"-n", "10"}))) {
    want.push_back(journal_field_bytes(e, "__CURSOR").value_or(""));
  }
  ASSERT_EQ(want.size(), 10u);

  auto kj = start_kjournal({});
  std::vector<std::string> got;
  for (int i = 0; i < 10; ++i) {
    auto line = kj->read_line(kStartupLimit);
    ASSERT_TRUE(line.has_value()) << "only " << i << " lines; stderr: " << kj->stderr_text();
    json record = json::parse(*line);
    got.push_back(record.value("cursor", ""));
    lines_.push_back(record);
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(lines_.back().value("message", ""), message("hist", 14));
  // Then it waits for new entries instead of printing more history.
  auto extra = kj->read_line(500ms);
  EXPECT_FALSE(extra.has_value()) << "unexpected line: " << printable(extra.value_or(""));
  ASSERT_NO_FATAL_FAILURE(send_and_expect_prompt(*kj, "new", 0));
  EXPECT_EQ(counts("hist").size(), 10u);
}

class FollowStop : public Follow, public ::testing::WithParamInterface<int> {};

TEST_P(FollowStop, SignalEndsFollowWithExitZeroWithinTwoSeconds) {
  auto kj = start_kjournal({});
  ASSERT_NO_FATAL_FAILURE(wait_until_following(*kj));
  kj->signal(GetParam());
  auto status = kj->wait(2s);
  ASSERT_TRUE(status.has_value()) << "kjournal -f still runs 2 s after signal " << GetParam();
  EXPECT_TRUE(status->exited()) << "killed by signal " << status->term_signal;
  EXPECT_EQ(status->exit_code, 0) << kj->stderr_text();
}

INSTANTIATE_TEST_SUITE_P(Signals, FollowStop, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return p.param == SIGTERM ? std::string("SIGTERM")
                                                     : std::string("SIGINT");
                         });

}  // namespace
}  // namespace kjt
