// kjournal must select and order exactly the entries journalctl selects, for the same flags on
// the same journal files: users switch between the two and compare. Each case runs both
// programs on the "nasty" fixture directory and compares entry for entry: cursor, timestamp,
// message (after kjournal's documented normalizations) and the normalized fields that follow
// from the entry's own fields.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/journal_fixture.h"
#include "tests/support/journal_json.h"
#include "tests/support/kjournal_cli.h"
#include "tests/support/temp_dir.h"

namespace kjt {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Placeholders in case arguments, replaced once the fixture exists.
constexpr std::string_view kDir = "{DIR}";
constexpr std::string_view kFileA = "{A}";
constexpr std::string_view kCursor = "{CURSOR}";
constexpr std::string_view kRoot = "{ROOT}";

struct Case {
  Case(std::string n, std::vector<std::string> a, bool units = false,
       std::optional<size_t> last_n = std::nullopt)
      : name(std::move(n)), args(std::move(a)), unit_filter(units), last_n_of_window(last_n) {}
  std::string name;
  std::vector<std::string> args;  // given to both programs
  bool unit_filter = false;       // without one, kjournal needs --all to show every entry
  // journalctl before v254 printed the *first* N entries for `--since X -n N` and nothing for
  // `--until X -n N` (systemd issue #26657, fixed by PR #26669): -n means "the most recent N".
  // For those cases the reference is the last N entries of journalctl's window.
  std::optional<size_t> last_n_of_window;
};

// gtest prints failing parameters with this instead of a hex dump.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name << ": " << join_command(c.args);
}

std::string at(uint64_t us) {
  return utc_time_arg(us);
}

// journalctl's "@seconds.fraction" form.
std::string epoch(uint64_t us) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "@%llu.%06llu", static_cast<unsigned long long>(us / 1'000'000),
                static_cast<unsigned long long>(us % 1'000'000));
  return buf;
}

std::vector<Case> cases() {
  using namespace nasty;
  const std::string dir(kDir);
  const uint64_t s = kSecond;
  // Entries exist at exactly these times (see nasty_entries()).
  const uint64_t warn_entry = kBaseUs - 30 * s;
  const uint64_t chatter_3 = kBaseUs + 3 * s;
  return {
      {"NoFilter", {"-D", dir}},
      {"SinceUntilOnEntryTimes", {"-D", dir, "--since", at(warn_entry), "--until", at(chatter_3)}},
      {"SinceIdenticalGroup", {"-D", dir, "--since", at(kSameTimeUs)}},
      {"UntilIdenticalGroup", {"-D", dir, "--until", at(kSameTimeUs)}},
      {"WindowIsIdenticalGroup", {"-D", dir, "-S", at(kSameTimeUs), "-U", at(kSameTimeUs)}},
      {"JustAfterIdenticalGroup", {"-D", dir, "--since", at(kSameTimeUs + 1)}},
      {"JustBeforeIdenticalGroup", {"-D", dir, "--until", at(kSameTimeUs - 1)}},
      {"SinceBetweenEntriesUntilEpoch",
       {"-D", dir, "--since", at(kBaseUs - 95 * s), "--until", epoch(kBaseUs + 5'500'000)}},
      {"UnitKubelet", {"-D", dir, "-u", "kubelet"}, true},
      {"UnitGlob", {"-D", dir, "-u", "kube*"}, true},
      {"TwoUnits", {"-D", dir, "-u", "kubelet", "-u", "containerd"}, true},
      {"UnitAndWindow",
       {"-D", dir, "-u", "kubelet.service", "--since", at(kBaseUs - 300 * s), "--until",
        at(kSameTimeUs)},
       true},
      {"Lines5", {"-D", dir, "-n", "5"}},
      {"Lines0", {"-D", dir, "-n", "0"}},
      {"Lines1000", {"-D", dir, "-n", "1000"}},
      {"AfterCursor", {"-D", dir, "--after-cursor", std::string(kCursor)}},
      {"Reverse", {"-D", dir, "-r"}},
      {"ReverseLines3", {"-D", dir, "-r", "-n", "3"}},
      {"SinceLines3", {"-D", dir, "--since", at(kBaseUs - 95 * s), "-n", "3"}, false, 3},
      {"UntilLines3", {"-D", dir, "--until", at(kSameTimeUs), "-n", "3"}, false, 3},
      {"UntilReverse", {"-D", dir, "--until", at(kSameTimeUs), "-r"}},
      {"SinceReverse", {"-D", dir, "--since", at(kSameTimeUs), "-r"}},
      {"UnitNoMatch", {"-D", dir, "-u", "nosuch"}, true},
      {"FileAOnly", {"--file", std::string(kFileA)}},
      {"TwoFiles", {"--file", std::string(kFileA), "--file", dir + "/b.journal"}},
      {"Root", {"--root", std::string(kRoot)}},
      {"FileGlob", {"--file", dir + "/*.journal"}},
  };
}

// The fixture is made once per test process; every case reads it.
class NastyDir : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The journal directory sits where --root expects it: ROOT/var/log/journal/<machine-id>.
    root_ = std::make_unique<TempDir>("kjt-agree");
    fs::path dir = root_->path() / "var/log/journal" / nasty::kMachineId;
    fs::create_directories(dir);
    fixture_ = std::make_unique<nasty::Fixture>(nasty::write_nasty_fixture(dir));
    RunResult all = run_journalctl({"-D", dir.string(), "--all", "-o", "json", "--no-pager"});
    ASSERT_EQ(all.exit_code(), 0) << all.describe();
    auto entries = parse_json_lines(all.out);
    ASSERT_EQ(entries.size(), fixture_->size());
    // A cursor in the middle of boot B, so entries before and after it exist in both files.
    cursor_ = journal_field_bytes(entries[entries.size() / 2], "__CURSOR").value();
  }
  static void TearDownTestSuite() {
    fixture_.reset();
    root_.reset();
  }

  static std::vector<std::string> resolve(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (std::string a : args) {
      auto replace = [&](std::string_view from, const std::string& to) {
        for (size_t p = a.find(from); p != std::string::npos; p = a.find(from, p + to.size())) {
          a.replace(p, from.size(), to);
        }
      };
      replace(kDir, fixture_->dir.string());
      replace(kRoot, root_->path().string());
      replace(kFileA, fixture_->file_a.string());
      replace(kCursor, cursor_);
      out.push_back(a);
    }
    return out;
  }

  static std::unique_ptr<TempDir> root_;
  static std::unique_ptr<nasty::Fixture> fixture_;
  static std::string cursor_;
};

std::unique_ptr<TempDir> NastyDir::root_;
std::unique_ptr<nasty::Fixture> NastyDir::fixture_;
std::string NastyDir::cursor_;

class Agreement : public NastyDir, public ::testing::WithParamInterface<Case> {};

std::optional<std::string> string_field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// Compares one kjournal record with the journalctl entry it must correspond to. Returns the
// differences, empty when they agree.
std::vector<std::string> compare_entry(const json& kj, const json& ref) {
  std::vector<std::string> diffs;
  auto differ = [&](const std::string& what, const std::string& got, const std::string& want) {
    diffs.push_back(what + ": kjournal " + printable(got, 160) + " != expected " +
                    printable(want, 160));
  };
  if (!kj.is_object()) return {"not a JSON object: " + kj.dump().substr(0, 200)};
  for (const auto& [key, value] : kj.items()) {
    if (value.is_null()) diffs.push_back("\"" + key + "\" is null (absent values are omitted)");
  }

  const std::string cursor = journal_field_bytes(ref, "__CURSOR").value_or("");
  if (string_field(kj, "cursor") != cursor) differ("cursor", kj.value("cursor", ""), cursor);

  // Timestamps: time is the source time when the entry has one, observed_time is journald's
  // receive time and appears only when it differs.
  const uint64_t realtime = journal_field_u64(ref, "__REALTIME_TIMESTAMP").value_or(0);
  const uint64_t event = journal_field_u64(ref, "_SOURCE_REALTIME_TIMESTAMP").value_or(realtime);
  auto time = parse_rfc3339_utc_us(kj.value("time", ""));
  if (time != static_cast<int64_t>(event)) differ("time", kj.value("time", "<absent>"), at(event));
  if (event != realtime) {
    auto observed = parse_rfc3339_utc_us(kj.value("observed_time", ""));
    if (observed != static_cast<int64_t>(realtime)) {
      differ("observed_time", kj.value("observed_time", "<absent>"), at(realtime));
    }
  } else if (kj.contains("observed_time")) {
    differ("observed_time", kj["observed_time"].dump(), "<absent, equal to time>");
  }

  // Message: MESSAGE with invalid UTF-8 replaced; a klog header, when present, is moved out of
  // the message, and exactly the header (checked independently of kjournal) is gone.
  const std::string raw = journal_field_bytes(ref, "MESSAGE").value_or("");
  const std::string full = utf8_replace_invalid(raw);
  const size_t header = klog_header_length(full);
  const std::string want_message = full.substr(header);
  auto message = string_field(kj, "message");
  if (!message) {
    diffs.push_back("message missing or not a string");
  } else if (*message != want_message) {
    std::string note = full.ends_with(*message) && message->size() < full.size()
                           ? " (stripped prefix " +
                                 printable(full.substr(0, full.size() - message->size()), 80) +
                                 " is not exactly a klog header)"
                           : "";
    differ("message" + note, *message, want_message);
  }

  ExpectedLevel level = expected_level(full, journal_field_bytes(ref, "PRIORITY"));
  if (string_field(kj, "severity") != level.severity) {
    differ("severity", kj.value("severity", "<absent>"), level.severity.value_or("<absent>"));
  }
  if (string_field(kj, "level") != level.level) {
    differ("level", kj.value("level", "<absent>"), level.level.value_or("<absent>"));
  }
  if (header > 0) {
    // caller: "file.go:123" as written before "] ".
    std::string head = full.substr(0, header - 2);
    std::string caller = head.substr(head.rfind(' ') + 1);
    if (string_field(kj, "caller") != caller) differ("caller", kj.value("caller", ""), caller);
  }
  if (auto host = journal_field_bytes(ref, "_HOSTNAME"); string_field(kj, "node") != host) {
    differ("node", kj.value("node", "<absent>"), host.value_or("<absent>"));
  }
  if (auto ident = journal_field_bytes(ref, "SYSLOG_IDENTIFIER");
      ident && string_field(kj, "identifier") != ident) {
    differ("identifier", kj.value("identifier", "<absent>"), *ident);
  }
  if (auto pid = journal_field_u64(ref, "_PID")) {
    auto it = kj.find("pid");
    if (it == kj.end() || !it->is_number_integer() || it->get<int64_t>() != int64_t(*pid)) {
      differ("pid", it == kj.end() ? "<absent>" : it->dump(), std::to_string(*pid));
    }
  }
  if (auto it = kj.find("attributes"); it != kj.end()) {
    bool strings = it->is_object();
    for (const auto& [k, v] : it->items()) strings = strings && v.is_string();
    if (!strings) diffs.push_back("attributes is not an object of strings: " + it->dump());
  }
  if (string_field(kj, "source") != "journal") differ("source", kj.value("source", ""), "journal");
  if (string_field(kj, "id").value_or("").empty()) diffs.push_back("id missing or empty");
  return diffs;
}

// Runs journalctl -o json and returns its entries (the reference).
std::vector<json> journalctl_entries(const std::vector<std::string>& args) {
  std::vector<std::string> argv = args;
  // journalctl's --all prints every field in full (no null for values over 4 KiB).
  for (const char* a : {"--all", "--utc", "-o", "json", "--no-pager"}) argv.push_back(a);
  RunResult r = run_journalctl(argv);
  EXPECT_EQ(r.exit_code(), 0) << r.describe();
  return parse_json_lines(r.out);
}

std::vector<std::string> without_lines(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-n") {
      ++i;
      continue;
    }
    out.push_back(args[i]);
  }
  return out;
}

TEST_P(Agreement, SameEntriesInSameOrderAsJournalctl) {
  const Case& c = GetParam();
  const std::vector<std::string> args = resolve(c.args);

  std::vector<json> reference;
  if (c.last_n_of_window && journalctl_version() < 254) {
    reference = journalctl_entries(without_lines(args));
    size_t n = *c.last_n_of_window;
    if (reference.size() > n) reference.erase(reference.begin(), reference.end() - long(n));
  } else {
    reference = journalctl_entries(args);
  }

  std::vector<std::string> kj_args = args;
  if (!c.unit_filter) kj_args.push_back("--all");
  // Messages are compared as written (--raw-messages keeps structured klog/logrus pairs in
  // the message); output_test checks how kjournal splits them into attributes.
  for (const char* a : {"--utc", "-o", "json", "--no-pager", "--raw-messages"}) {
    kj_args.push_back(a);
  }
  RunResult r = run_kjournal(kj_args);
  ASSERT_FALSE(r.timed_out) << r.describe();
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  std::vector<json> got;
  ASSERT_NO_THROW(got = parse_json_lines(r.out)) << r.describe();

  auto summary = [](const std::vector<json>& list, bool kjournal) {
    std::ostringstream os;
    for (const auto& e : list) {
      std::string msg =
          kjournal ? e.value("message", "") : journal_field_bytes(e, "MESSAGE").value_or("");
      os << "  " << printable(msg, 70) << "\n";
    }
    return os.str();
  };
  ASSERT_EQ(got.size(), reference.size())
      << "kjournal " << join_command(kj_args) << "\nkjournal printed:\n"
      << summary(got, true) << "journalctl printed:\n"
      << summary(reference, false) << "stderr: " << r.err;

  size_t reported = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    auto diffs = compare_entry(got[i], reference[i]);
    if (diffs.empty()) continue;
    std::string all;
    for (const auto& d : diffs) all += "\n    " + d;
    ADD_FAILURE() << "entry " << i << " (MESSAGE "
                  << printable(journal_field_bytes(reference[i], "MESSAGE").value_or(""), 60)
                  << "):" << all;
    if (++reported == 12) {
      ADD_FAILURE() << "further differences not shown";
      break;
    }
  }
  EXPECT_TRUE(r.err.empty()) << "unexpected stderr: " << r.err;
}

INSTANTIATE_TEST_SUITE_P(Cases, Agreement, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& p) { return p.param.name; });

// The record id must be the same for the same entry on every run (exporters deduplicate on
// it) and different for different entries.
TEST_F(NastyDir, RecordIdsAreDeterministicAndUnique) {
  std::vector<std::string> args = {"-D",        fixture_->dir.string(), "--all", "-o", "json",
                                   "--no-pager"};
  RunResult first = run_kjournal(args);
  RunResult second = run_kjournal(args);
  ASSERT_EQ(first.exit_code(), 0) << first.describe();
  ASSERT_EQ(second.exit_code(), 0) << second.describe();
  auto a = parse_json_lines(first.out);
  auto b = parse_json_lines(second.out);
  ASSERT_EQ(a.size(), fixture_->size());
  ASSERT_EQ(b.size(), a.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].value("id", "a"), b[i].value("id", "b")) << "entry " << i;
    ids.insert(a[i].value("id", ""));
  }
  EXPECT_EQ(ids.size(), a.size()) << "ids are not unique";
}

// Relative times are resolved against the clock, so this fixture is placed relative to now,
// with every entry at least 5 minutes away from every boundary used.
TEST(RelativeTimes, SameWindowAsJournalctl) {
  TempDir dir("kjt-relative");
  const auto now_us = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  const uint64_t minute = 60 * nasty::kSecond;
  const std::string boot = id128_from_seed("relative times");
  std::vector<Entry> entries;
  for (uint64_t ago : {180, 90, 45, 30, 1}) {
    uint64_t t = now_us - ago * minute;
    Entry e;
    e.realtime(t).monotonic(t - (now_us - 200 * minute)).boot_id(boot);
    e.set("_SYSTEMD_UNIT", "kubelet.service").set("PRIORITY", "6");
    e.message(std::to_string(ago) + " minutes ago");
    entries.push_back(e);
  }
  write_journal_file(dir / "rel.journal", entries);

  auto cursors = [](const RunResult& r) {
    EXPECT_EQ(r.exit_code(), 0) << r.describe();
    std::vector<std::string> out;
    for (const auto& e : parse_json_lines(r.out)) {
      out.push_back(e.contains("cursor") ? e.value("cursor", "")
                                         : journal_field_bytes(e, "__CURSOR").value_or(""));
    }
    return out;
  };
  const std::string d = dir.path().string();
  // kjournal's bare duration means "that long ago", journalctl's equivalent is -1h.
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> pairs = {
      {{"--since", "1h"}, {"--since", "-1h"}},
      {{"--since", "-1h"}, {"--since", "-1h"}},
      {{"--since", "2 hours ago"}, {"--since", "2 hours ago"}},
      {{"--until", "1h"}, {"--until", "-1h"}},
      {{"--since", "100m", "--until", "40m"}, {"--since", "-100m", "--until", "-40m"}},
  };
  for (const auto& [kj_args, jc_args] : pairs) {
    std::vector<std::string> kj = {"-D", d, "--all", "-o", "json", "--no-pager"};
    kj.insert(kj.end(), kj_args.begin(), kj_args.end());
    std::vector<std::string> jc = {"-D", d, "-o", "json", "--no-pager"};
    jc.insert(jc.end(), jc_args.begin(), jc_args.end());
    auto want = cursors(run_journalctl(jc));
    EXPECT_FALSE(want.empty()) << join_command(jc);
    EXPECT_EQ(cursors(run_kjournal(kj)), want) << "kjournal " << join_command(kj);
  }
}

}  // namespace
}  // namespace kjt
