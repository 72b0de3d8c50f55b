// Tests of the test support code itself: if the fixture writer or the journald helper were
// wrong, every integration test built on them would prove nothing.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "tests/support/journal_fixture.h"
#include "tests/support/journal_json.h"
#include "tests/support/journald_namespace.h"
#include "tests/support/kjournal_cli.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace kjt {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(Process, CapturesOutputAndExitCode) {
  RunOptions options;
  options.stdin_data = "from stdin";
  options.env = {{"KJT_PROBE", "value 1"}};
  RunResult r =
      run({"/bin/sh", "-c", "cat; echo; echo \"$KJT_PROBE\"; echo oops >&2; exit 3"}, options);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code(), 3) << r.describe();
  EXPECT_EQ(r.out, "from stdin\nvalue 1\n");
  EXPECT_EQ(r.err, "oops\n");
}

TEST(Process, TimeoutKillsTheWholeProcessGroup) {
  RunOptions options;
  options.timeout = 300ms;
  auto start = Clock::now();
  // The grandchild holds stdout open: the timeout must not wait for it.
  RunResult r = run({"/bin/sh", "-c", "sleep 30 & sleep 30"}, options);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(Process, MissingProgramIsReportedNotThrown) {
  RunResult r = run({"/nonexistent/kjt-program"});
  EXPECT_EQ(r.exit_code(), 127);
  EXPECT_NE(r.err.find("/nonexistent/kjt-program"), std::string::npos) << r.err;
}

TEST(Process, DropsToAnotherUser) {
  RunOptions options;
  options.uid = 65534;  // nobody
  RunResult r = run({"/bin/sh", "-c", "id -u; id -G"}, options);
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  EXPECT_EQ(r.out, "65534\n65534\n");
}

TEST(Process, ChildProcessReadsLinesAndStops) {
  ChildProcess child(
      {"/bin/sh", "-c", "echo one; echo two >&2; sleep 0.3; echo three; exec sleep 30"});
  EXPECT_EQ(child.read_line(2s).value_or("<none>"), "one");
  auto start = Clock::now();
  EXPECT_EQ(child.read_line(50ms), std::nullopt);  // "three" comes only after 0.3 s
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(child.read_line(3s).value_or("<none>"), "three");
  EXPECT_EQ(child.stderr_text(), "two\n");
  EXPECT_TRUE(child.running());
  child.signal(SIGTERM);
  auto status = child.wait(2s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->term_signal, SIGTERM);
}

TEST(TempDir, RemovesEverythingIncludingUnreadableFiles) {
  std::filesystem::path kept;
  {
    TempDir dir("kjt-support");
    kept = dir.path();
    std::ofstream(dir / "f") << "x";
    std::filesystem::create_directory(dir / "sub");
    std::ofstream(dir / "sub" / "g") << "y";
    std::filesystem::permissions(dir / "sub" / "g", std::filesystem::perms::none);
    EXPECT_TRUE(std::filesystem::exists(dir / "sub" / "g"));
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(ExportFormat, UsesTheBinaryFormForNewlinesAndControlBytes) {
  Entry e;
  e.realtime(1).monotonic(2).boot_id("0123456789abcdef0123456789abcdef");
  e.set("PLAIN", "a=b c").set("MULTI", "x\ny");
  std::string text = to_export_format({e});
  EXPECT_NE(text.find("PLAIN=a=b c\n"), std::string::npos);
  std::string binary("MULTI\n\x03\0\0\0\0\0\0\0x\ny\n", 15);
  EXPECT_NE(text.find(binary), std::string::npos) << printable(text);
  EXPECT_TRUE(text.ends_with("\n\n"));
  EXPECT_TRUE(needs_binary_form("caf\xc3\xa9"));
  EXPECT_TRUE(needs_binary_form(std::string_view("\0", 1)));
  EXPECT_FALSE(needs_binary_form("printable ascii ~"));
  EXPECT_THROW(to_export_format({Entry().message("no timestamps")}), std::invalid_argument);
  EXPECT_THROW(to_export_format({Entry(e).set("lower", "x")}), std::invalid_argument);
}

// Every byte written must come back unchanged through journal-remote and journalctl.
TEST(JournalFixture, RoundTripsThroughJournalctl) {
  TempDir dir;
  const std::string boot = id128_from_seed("round trip");
  std::vector<Entry> entries;
  const std::string values[] = {
      "plain text",
      "multi\nline\n\twith tab",
      bytes("nul\0inside\xff\xfe binary"),
      "invalid utf-8: \xc3 \xed\xa0\x80 \xf0\x9f\x98\x80",
      std::string(70000, 'z'),  // beyond journalctl's 64 KiB default data threshold
  };
  uint64_t t = 1'795'819'800'000'000ULL;
  for (const auto& v : values) {
    Entry e;
    e.realtime(t).monotonic(t - 1'000'000'000'000ULL).boot_id(boot);
    e.message(v).set("KJT_FIELD", v).set("PRIORITY", "6");
    entries.push_back(e);
    t += 1000;
  }
  write_journal_file(dir / "rt.journal", entries);

  RunResult exported = run_journalctl(
      {"--file", (dir / "rt.journal").string(), "--all", "-o", "export", "--no-pager"});
  ASSERT_EQ(exported.exit_code(), 0) << exported.describe();
  std::vector<Entry> back = parse_export_format(exported.out);
  ASSERT_EQ(back.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    for (const auto& f : entries[i].fields()) {
      EXPECT_EQ(back[i].get(f.name).value_or("<missing>"), f.value)
          << "entry " << i << " field " << f.name;
    }
    EXPECT_TRUE(back[i].get("__CURSOR").has_value());
  }

  RunResult json = run_journalctl(
      {"--file", (dir / "rt.journal").string(), "--all", "-o", "json", "--no-pager"});
  ASSERT_EQ(json.exit_code(), 0) << json.describe();
  auto lines = parse_json_lines(json.out);
  ASSERT_EQ(lines.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(journal_field_bytes(lines[i], "MESSAGE").value_or("<missing>"), values[i]) << i;
    EXPECT_EQ(journal_field_bytes(lines[i], "KJT_FIELD").value_or("<missing>"), values[i]) << i;
    EXPECT_EQ(journal_field_u64(lines[i], "__REALTIME_TIMESTAMP"), entries[i].realtime_us());
  }
}

TEST(JournalFixture, NastyFixtureHasWhatTheTestsRelyOn) {
  TempDir dir;
  nasty::Fixture f = nasty::write_nasty_fixture(dir.path());
  EXPECT_EQ(journal_files_in(dir.path()), (std::vector<std::filesystem::path>{f.file_a, f.file_b}));
  RunResult r = run_journalctl({"-D", dir.path().string(), "--all", "-o", "json", "--no-pager"});
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  auto lines = parse_json_lines(r.out);
  ASSERT_EQ(lines.size(), f.size());

  std::set<std::string> boots, seqnum_ids;
  int same_time = 0;
  bool huge = false, invalid_utf8 = false, binary_field = false, no_priority = false;
  bool kubelet_error = false, source_time = false;
  uint64_t previous = 0;
  for (const auto& e : lines) {
    uint64_t rt = journal_field_u64(e, "__REALTIME_TIMESTAMP").value_or(0);
    EXPECT_GE(rt, previous) << "journalctl output is in time order";
    previous = rt;
    boots.insert(journal_field_bytes(e, "_BOOT_ID").value_or(""));
    std::string cursor = journal_field_bytes(e, "__CURSOR").value_or("");
    seqnum_ids.insert(cursor.substr(0, cursor.find(';')));
    same_time += rt == nasty::kSameTimeUs;
    std::string msg = journal_field_bytes(e, "MESSAGE").value_or("");
    huge = huge || msg.size() == nasty::kHugeMessageSize;
    invalid_utf8 = invalid_utf8 || !is_valid_utf8(msg);
    binary_field = binary_field || e.contains("KJT_BLOB");
    no_priority = no_priority || !e.contains("PRIORITY");
    kubelet_error = kubelet_error || msg == nasty::kKubeletErrorMessage;
    source_time = source_time || e.contains("_SOURCE_REALTIME_TIMESTAMP");
  }
  EXPECT_EQ(boots.size(), 3u);
  EXPECT_EQ(seqnum_ids.size(), 2u) << "entries of both files are interleaved in one listing";
  EXPECT_EQ(same_time, nasty::kSameTimeCount);
  EXPECT_TRUE(huge && invalid_utf8 && binary_field && no_priority && kubelet_error && source_time);

  // journalctl -p err does not see the kubelet error: that is the point of normalization.
  RunResult err =
      run_journalctl({"-D", dir.path().string(), "-p", "err", "--all", "-o", "json", "--no-pager"});
  ASSERT_EQ(err.exit_code(), 0) << err.describe();
  for (const auto& e : parse_json_lines(err.out)) {
    EXPECT_NE(journal_field_bytes(e, "MESSAGE"), std::string(nasty::kKubeletErrorMessage));
  }
}

TEST(JournalJson, Utf8ReplacementMatchesPython) {
  const std::string samples[] = {
      "plain",
      "caf\xc3",
      "\xed\xa0\x80 surrogate",
      "\xe2\x82 truncated",
      "\xf0\x9f\x98\x80 emoji",
      "\xc0\xaf overlong",
      "\xff\xfe stray",
      "\xf4\x90\x80\x80 beyond U+10FFFF",
      "\xe0\x80\x80 overlong 3",
      "\xf0\x9f\x98",
      "\x80\x80\xbf"
      " continuation only",
      "a\xf1\x80\x80\xe1\x80\xc2"
      "b",
  };
  // One python3 run for all samples (interpreter start-up dominates): hex in, JSON out.
  std::vector<std::string> argv = {
      "python3", "-c",
      "import sys, json; print(json.dumps([bytes.fromhex(h).decode('utf-8', 'replace') "
      "for h in sys.argv[1:]]))"};
  for (const auto& s : samples) {
    std::string hex;
    for (unsigned char c : s) {
      char b[3];
      std::snprintf(b, sizeof b, "%02x", c);
      hex += b;
    }
    argv.push_back(hex);
  }
  RunResult py = run(argv);
  if (py.exit_code() == 127) GTEST_SKIP() << "python3 not available";
  ASSERT_EQ(py.exit_code(), 0) << py.describe();
  auto decoded = nlohmann::json::parse(py.out);
  ASSERT_EQ(decoded.size(), std::size(samples));
  for (size_t i = 0; i < std::size(samples); ++i) {
    const std::string& s = samples[i];
    std::string expected = decoded[i].get<std::string>();
    EXPECT_EQ(utf8_replace_invalid(s), expected) << printable(s);
    EXPECT_EQ(is_valid_utf8(s), expected == s) << printable(s);
  }
}

TEST(JournalJson, KlogHeaderShape) {
  EXPECT_EQ(klog_header_length(nasty::kKubeletErrorMessage), nasty::kKubeletErrorHeader.size());
  EXPECT_EQ(klog_header_length("I1025 00:15:15.525108       1 controller_utils.go:116] x"),
            std::string_view("I1025 00:15:15.525108       1 controller_utils.go:116] ").size());
  // The caller is the first file:line, not a later one inside the message.
  std::string_view reflector =
      "W1127 22:49:30.000000    1234 reflector.go:561] k8s.io/client-go/factory.go:160: x";
  EXPECT_EQ(reflector.substr(klog_header_length(reflector)), "k8s.io/client-go/factory.go:160: x");
  EXPECT_EQ(klog_header_length("ERROR: logging before flag.Parse: I0412 10:00:00.000000   "
                               "  1 main.go:1] m"),
            std::string_view("ERROR: logging before flag.Parse: I0412 10:00:00.000000     1 "
                             "main.go:1] ")
                .size());
  EXPECT_EQ(klog_header_length(nasty::kFakeHeaderMessage), 0u);  // month 00
  EXPECT_EQ(klog_header_length("I1127 24:00:00.000000 1 a.go:1] hour 24"), 0u);
  EXPECT_EQ(klog_header_length("D1127 22:00:00.000000 1 a.go:1] no D level"), 0u);
  EXPECT_EQ(klog_header_length("I1127 22:00:00.000000 1 a.go:1]no blank"), 0u);
  EXPECT_EQ(klog_header_length("I1127 22:00:00.000000 1 a.go] no line"), 0u);
  EXPECT_EQ(klog_header_length("level=error msg=x"), 0u);
}

TEST(JournalJson, TimeFormats) {
  EXPECT_EQ(parse_rfc3339_utc_us("2026-11-27T22:50:00.123456Z"),
            static_cast<int64_t>(nasty::kSameTimeUs));
  EXPECT_EQ(parse_rfc3339_utc_us("1970-01-01T00:00:00.000001Z"), 1);
  EXPECT_EQ(parse_rfc3339_utc_us("2026-11-27T22:50:00.123Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339_utc_us("2026-11-27T22:50:00.123456+00:00"), std::nullopt);
  EXPECT_EQ(parse_rfc3339_utc_us("2026-13-27T22:50:00.123456Z"), std::nullopt);
  EXPECT_EQ(utc_time_arg(nasty::kSameTimeUs), "2026-11-27 22:50:00.123456");
  EXPECT_EQ(utc_iso_seconds(nasty::kSameTimeUs), "2026-11-27T22:50:00");
}

TEST(JournaldNamespace, ReceivesMessagesAndCleansUp) {
  std::string name;
  std::filesystem::path journal_dir;
  pid_t pid = 0;
  {
    JournaldNamespace ns;
    name = ns.name();
    journal_dir = ns.journal_dir();
    pid = ns.pid();
    EXPECT_TRUE(std::filesystem::exists(ns.socket_path()));
    const std::string token = "kjt-support-" + name;
    ns.send({{"MESSAGE", token + " first\nsecond line"},
             {"SYSLOG_IDENTIFIER", "kjt-test"},
             {"PRIORITY", "4"},
             {"KJT_BINARY", bytes("\x01\x00\xff")}});
    ns.sync();
    bool found = false;
    for (const auto& e : parse_json_lines(ns.journalctl_json())) {
      if (journal_field_bytes(e, "MESSAGE") != token + " first\nsecond line") continue;
      found = true;
      EXPECT_EQ(journal_field_bytes(e, "SYSLOG_IDENTIFIER"), "kjt-test");
      EXPECT_EQ(journal_field_bytes(e, "PRIORITY"), "4");
      EXPECT_EQ(journal_field_bytes(e, "KJT_BINARY"), bytes("\x01\x00\xff"));
      EXPECT_EQ(journal_field_bytes(e, "_NAMESPACE"), name);
    }
    EXPECT_TRUE(found) << ns.journalctl_json();

    auto files_before = journal_files_in(journal_dir).size();
    ns.rotate();
    EXPECT_EQ(journal_files_in(journal_dir).size(), files_before + 1);
    ns.rotate();
    ns.vacuum_files(1);
    EXPECT_EQ(journal_files_in(journal_dir).size(), 1u);
  }
  EXPECT_FALSE(std::filesystem::exists("/run/systemd/journal." + name));
  EXPECT_FALSE(std::filesystem::exists(journal_dir));
  EXPECT_NE(::kill(pid, 0), 0) << "journald " << pid << " still runs";
}

}  // namespace
}  // namespace kjt
