// The merged timeline: the journal and component log files (plain klog files with rotated
// and gzipped siblings, CRI logs of static pods) read into one time-ordered stream by the
// kjournal binary.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/journal_fixture.h"
#include "tests/support/journal_json.h"
#include "tests/support/kjournal_cli.h"
#include "tests/support/temp_dir.h"

namespace kjt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr uint64_t kBaseS = 1'795'819'800;  // 2026-11-27 22:50:00 UTC

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

void write_gzip(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  gzFile f = gzopen(p.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
}

// klog line at kBaseS + offset seconds (the files are read in UTC).
std::string klog(char level, int offset, const std::string& text) {
  const int s = offset % 60, m = 50 + offset / 60;
  char head[64];
  snprintf(head, sizeof head, "%c1127 22:%02d:%02d.000000       1 sched.go:%d] ", level, m, s,
           offset);
  return head + text + "\n";
}

class Timeline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("kjt-timeline");
    const fs::path logs = dir_->path() / "log";
    // kube-scheduler.log with an older numbered sibling and a gzipped older one.
    write_gzip(logs / "kube-scheduler.log.2.gz", klog('I', 0, "\"gz oldest\""));
    write_text(logs / "kube-scheduler.log.1", klog('I', 2, "\"rotated\""));
    write_text(logs / "kube-scheduler.log",
               klog('I', 4, "\"live first\"") +
                   klog('E', 6, "\"Error scheduling pod\" pod=\"a/b\"") +
                   "goroutine 1 [running]:\nmain.main()\n" + klog('I', 8, "\"live last\""));
    // The static pod's CRI log: klog inside CRI lines.
    write_text(logs / "pods/kube-system_kube-apiserver-n1_0a1b/kube-apiserver/0.log",
               "2026-11-27T22:50:05.000000000Z stderr F I1127 22:50:05.000000       1 "
               "apiserver.go:1] \"apiserver up\"\n"
               "2026-11-27T22:50:09.000000000Z stderr F W1127 22:50:09.000000       1 "
               "apiserver.go:2] \"slow request\"\n");
    for (const char* f : {"kube-scheduler.log.2.gz", "kube-scheduler.log.1", "kube-scheduler.log"})
      fs::last_write_time(logs / f, fs::file_time_type::clock::now());

    // The journal: kubelet at odd seconds, and a kube-scheduler unit entry.
    std::vector<Entry> entries;
    for (int off : {1, 3, 7}) {
      Entry e;
      e.realtime((kBaseS + off) * 1'000'000ULL)
          .monotonic(1'000'000ULL + off)
          .boot_id(id128_from_seed("boot"))
          .set("_SYSTEMD_UNIT", off == 7 ? "kube-scheduler.service" : "kubelet.service")
          .set("SYSLOG_IDENTIFIER", off == 7 ? "kube-scheduler" : "kubelet")
          .set("_HOSTNAME", "n1")
          .set("PRIORITY", "6")
          .message("journal at " + std::to_string(off));
      entries.push_back(e);
    }
    fs::create_directories(dir_->path() / "journal");
    write_journal_file(dir_->path() / "journal" / "x.journal", entries);
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static std::vector<json> run(std::vector<std::string> args) {
    std::vector<std::string> argv = {"-D",        (dir_->path() / "journal").string(),
                                     "--log-dir", (dir_->path() / "log").string(),
                                     "--all",     "--timezone",
                                     "UTC",       "-o",
                                     "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = run_kjournal(argv);
    EXPECT_EQ(r.exit_code(), 0) << r.describe();
    return parse_json_lines(r.out);
  }
  static std::vector<std::string> messages(const std::vector<json>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.value("message", ""));
    return out;
  }
  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> Timeline::dir_;

TEST_F(Timeline, OneOrderedCompleteStream) {
  const auto recs = run({});
  auto got = messages(recs);
  ASSERT_EQ(got.size(), 10u) << json(got).dump(1);
  // The error record owns its stack trace, so it is not structured: the quotes stay.
  EXPECT_EQ(got[6], "\"Error scheduling pod\" pod=\"a/b\"\ngoroutine 1 [running]:\nmain.main()");
  got.erase(got.begin() + 6);
  EXPECT_EQ(got, (std::vector<std::string>{"gz oldest", "journal at 1", "rotated", "journal at 3",
                                           "live first", "apiserver up", "journal at 7",
                                           "live last", "slow request"}));
  std::string prev;
  for (const auto& r : recs) {
    EXPECT_GE(r.value("time", ""), prev);
    prev = r.value("time", "");
  }
  EXPECT_EQ(recs[0].value("source", ""),
            (dir_->path() / "log" / "kube-scheduler.log.2.gz").string());
  EXPECT_EQ(recs[1].value("source", ""), "journal");
}

TEST_F(Timeline, WindowCutsAcrossSources) {
  const auto recs = run({"--since", "2026-11-27 22:50:03", "--until", "2026-11-27 22:50:07"});
  std::vector<std::string> got = messages(recs);
  ASSERT_EQ(got.size(), 5u) << json(got).dump(1);
  EXPECT_EQ(got[0], "journal at 3");
  EXPECT_EQ(got[1], "live first");
  EXPECT_EQ(got[2], "apiserver up");
  EXPECT_EQ(got[4], "journal at 7");
}

TEST_F(Timeline, ComponentFindsFileStaticPodAndJournal) {
  auto recs = run({"-c", "kube-scheduler"});
  std::set<std::string> sources;
  for (const auto& r : recs) {
    EXPECT_EQ(r.value("component", ""), "kube-scheduler");
    sources.insert(r.value("source", ""));
  }
  EXPECT_TRUE(sources.count("journal"));
  EXPECT_TRUE(sources.count((dir_->path() / "log" / "kube-scheduler.log").string()));
  recs = run({"-c", "kube-apiserver", "-p", "warning"});
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].value("message", ""), "slow request");
  EXPECT_EQ(recs[0].value("severity", ""), "warning");
  // CRI-wrapped klog: the CRI time is the event time, the klog header's is kept.
  EXPECT_EQ(recs[0]["attributes"].value("klog_time", ""), "2026-11-27T22:50:09.000000Z");
}

TEST_F(Timeline, LinesAndReverseAcrossSources) {
  EXPECT_EQ(messages(run({"-n", "3"})),
            (std::vector<std::string>{"journal at 7", "live last", "slow request"}));
  EXPECT_EQ(messages(run({"-n", "3", "-r"})),
            (std::vector<std::string>{"slow request", "live last", "journal at 7"}));
}

TEST_F(Timeline, EitherSideCanBeLeftOut) {
  for (const auto& r : run({"--no-files"})) EXPECT_EQ(r.value("source", ""), "journal");
  const auto files = run({"--no-journal"});
  EXPECT_EQ(files.size(), 7u);
  for (const auto& r : files) EXPECT_NE(r.value("source", ""), "journal");
}

// A rotated .gz cut short (a full disk during rotation, a copy interrupted) still gives the
// records before the cut, and the user is told which file is incomplete instead of seeing a
// quietly shorter history.
TEST(TimelineFiles, TruncatedGzipSiblingIsReportedAndTheRestShown) {
  TempDir dir("kjt-truncgz");
  const fs::path logs = dir.path() / "log";
  std::string old_lines;
  for (int i = 0; i < 3000; ++i)
    old_lines += klog('I', i / 10, "\"old " + std::to_string(i) + "\"");
  write_gzip(logs / "whole.gz", old_lines);
  std::string gz;
  {
    std::ifstream in(logs / "whole.gz", std::ios::binary);
    gz.assign(std::istreambuf_iterator<char>(in), {});
  }
  fs::remove(logs / "whole.gz");
  ASSERT_GT(gz.size(), 2000u);
  write_text(logs / "kube-scheduler.log.1.gz", gz.substr(0, gz.size() / 2));
  write_text(logs / "kube-scheduler.log", klog('I', 590, "\"live\""));

  RunResult r =
      run_kjournal({"--no-journal", "--log-dir", logs.string(), "--timezone", "UTC", "-o", "json"});
  EXPECT_EQ(r.exit_code(), 0) << r.describe();
  const auto recs = parse_json_lines(r.out);
  ASSERT_GT(recs.size(), 10u);
  EXPECT_LT(recs.size(), 3001u);
  EXPECT_EQ(recs.front().value("message", ""), "old 0");
  EXPECT_EQ(recs.back().value("message", ""), "live");
  EXPECT_NE(r.err.find("kjournal: warning: could not read all of a log file: " +
                       (logs / "kube-scheduler.log.1.gz").string()),
            std::string::npos)
      << r.err;
}

// A log path large enough to be read by several threads (over 4 MiB, on a machine with more
// than one CPU): every record arrives once, in order, and -n, -r, -g and the window behave as
// they do for a small file.
TEST(TimelineFiles, LargeFileIsCompleteAndInOrder) {
  TempDir dir("kjt-large");
  const fs::path logs = dir.path() / "log";
  constexpr int kRecords = 120'000;
  // Record i at 22:00:00 + i * 20 ms, one in 40 with a stack trace below it.
  auto line = [](int i) {
    const int ms = i * 20;
    char head[64];
    snprintf(head, sizeof head, "%c1127 22:%02d:%02d.%06d       7 sched.go:1] ", i % 97 ? 'I' : 'E',
             ms / 60'000, ms / 1000 % 60, ms % 1000 * 1000);
    std::string out = head + ("rec " + std::to_string(i) + " scheduled kube-system/p on n1\n");
    if (i % 40 == 0) out += "goroutine 9 [running]:\nmain.run()\n\t/src/sched.go:1 +0x2f\n";
    return out;
  };
  std::string older, live;
  for (int i = 0; i < kRecords / 2; ++i) older += line(i);
  for (int i = kRecords / 2; i < kRecords; ++i) live += line(i);
  write_gzip(logs / "kube-scheduler.log.1.gz", older);
  write_text(logs / "kube-scheduler.log", live);
  ASSERT_GT(live.size(), size_t{4} << 20);
  const std::vector<std::string> base = {"--no-journal", "--log-dir", logs.string(), "--timezone",
                                         "UTC",          "-o",        "json"};
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = base;
    argv.insert(argv.end(), extra.begin(), extra.end());
    RunResult r = run_kjournal(argv);
    EXPECT_EQ(r.exit_code(), 0) << r.describe();
    EXPECT_EQ(r.err, "");
    std::vector<std::string> messages;
    for (const auto& rec : parse_json_lines(r.out)) messages.push_back(rec.value("message", ""));
    return messages;
  };
  auto rec = [](int i) {
    std::string m = "rec " + std::to_string(i) + " scheduled kube-system/p on n1";
    if (i % 40 == 0) m += "\ngoroutine 9 [running]:\nmain.run()\n\t/src/sched.go:1 +0x2f";
    return m;
  };

  const auto all = run({});
  ASSERT_EQ(all.size(), static_cast<size_t>(kRecords));
  for (int i = 0; i < kRecords; ++i) ASSERT_EQ(all[static_cast<size_t>(i)], rec(i)) << "at " << i;

  EXPECT_EQ(run({"-n", "3"}),
            (std::vector<std::string>{rec(kRecords - 3), rec(kRecords - 2), rec(kRecords - 1)}));
  EXPECT_EQ(run({"-r", "-n", "2"}),
            (std::vector<std::string>{rec(kRecords - 1), rec(kRecords - 2)}));
  EXPECT_EQ(run({"-g", "^rec 4242\\b"}), (std::vector<std::string>{rec(4242)}));
  // -p err: the E records, i % 97 == 0.
  const auto errors = run({"-p", "err"});
  ASSERT_EQ(errors.size(), static_cast<size_t>((kRecords + 96) / 97));
  EXPECT_EQ(errors[1], rec(97));
  // 22:19:59.5 to 22:20:00.5: records 59975 to 60025, across the two files.
  const auto window = run({"--since", "2026-11-27 22:19:59.5", "--until", "2026-11-27 22:20:00.5"});
  ASSERT_EQ(window.size(), 51u);
  EXPECT_EQ(window.front(), rec(59'975));
  EXPECT_EQ(window.back(), rec(60'025));
}

// Several large logs (a control plane node's apiserver and scheduler) share the CPUs: their
// records interleave by time, and the merge is still complete and ordered.
TEST(TimelineFiles, SeveralLargeFilesMergeInOrder) {
  TempDir dir("kjt-large2");
  const fs::path logs = dir.path() / "log";
  constexpr int kPerFile = 65'000;
  // File f's record i at 22:00:00 + (2 i + f) * 10 ms: the two files alternate.
  auto content = [](int f) {
    std::string out;
    for (int i = 0; i < kPerFile; ++i) {
      const int ms = (2 * i + f) * 10;
      char head[64];
      snprintf(head, sizeof head, "I1127 22:%02d:%02d.%06d       7 x.go:1] ", ms / 60'000,
               ms / 1000 % 60, ms % 1000 * 1000);
      out += head + std::to_string(2 * i + f) + " padding to make the file large enough\n";
    }
    return out;
  };
  write_text(logs / "kube-apiserver.log", content(0));
  write_text(logs / "kube-scheduler.log", content(1));
  ASSERT_GT(fs::file_size(logs / "kube-apiserver.log"), uint64_t{4} << 20);
  RunResult r =
      run_kjournal({"--no-journal", "--log-dir", logs.string(), "--timezone", "UTC", "-o", "json"});
  EXPECT_EQ(r.exit_code(), 0) << r.describe();
  const auto recs = parse_json_lines(r.out);
  ASSERT_EQ(recs.size(), size_t{2} * kPerFile);
  for (size_t n = 0; n < recs.size(); ++n) {
    ASSERT_EQ(recs[n].value("message", ""),
              std::to_string(n) + " padding to make the file large enough")
        << "at " << n;
    ASSERT_EQ(recs[n].value("component", ""), n % 2 ? "kube-scheduler" : "kube-apiserver");
  }
}

}  // namespace
}  // namespace kjt
