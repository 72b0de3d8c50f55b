// What kjournal adds over journalctl, checked on the nasty fixture: -p on the normalized
// severity, -g on the normalized message, -c, the default Kubernetes-only selection, the text
// output modes and --cursor-file. Expected results are derived from the entries themselves
// (journalctl's view of the same files), never from kjournal's own output.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
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

std::string without_klog_header(std::string_view message) {
  return std::string(message.substr(klog_header_length(message)));
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class Output : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("kjt-output");
    nasty::write_nasty_fixture(dir_->path());
    RunResult r =
        run_journalctl({"-D", dir_->path().string(), "--all", "-o", "json", "--no-pager"});
    ASSERT_EQ(r.exit_code(), 0) << r.describe();
    all_ = std::make_unique<std::vector<json>>(parse_json_lines(r.out));
  }
  static void TearDownTestSuite() {
    all_.reset();
    dir_.reset();
  }

  // kjournal on the fixture directory; asserts success and parses the JSON records. Messages
  // stay as written (--raw-messages) so they compare with MESSAGE; StructuredMessages below
  // checks the split into attributes.
  static std::vector<json> kjournal_json(std::vector<std::string> args, bool parsed = false) {
    std::vector<std::string> argv = {"-D", dir_->path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const char* a : {"-o", "json", "--no-pager"}) argv.push_back(a);
    if (!parsed) argv.push_back("--raw-messages");
    RunResult r = run_kjournal(argv);
    EXPECT_EQ(r.exit_code(), 0) << r.describe();
    std::vector<json> records;
    EXPECT_NO_THROW(records = parse_json_lines(r.out)) << r.describe();
    return records;
  }

  static std::vector<std::string> cursors(const std::vector<json>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.value("cursor", ""));
    return out;
  }

  // Cursors of the fixture entries (journalctl order) for which `pred` holds.
  template <typename Pred>
  static std::vector<std::string> fixture_cursors(Pred pred) {
    std::vector<std::string> out;
    for (const auto& e : *all_) {
      if (pred(e)) out.push_back(journal_field_bytes(e, "__CURSOR").value_or(""));
    }
    return out;
  }

  static std::string message_of(const json& e) {
    return utf8_replace_invalid(journal_field_bytes(e, "MESSAGE").value_or(""));
  }

  static std::optional<std::string> severity_of(const json& e) {
    return expected_level(message_of(e), journal_field_bytes(e, "PRIORITY")).severity;
  }

  static std::unique_ptr<TempDir> dir_;
  static std::unique_ptr<std::vector<json>> all_;
};

std::unique_ptr<TempDir> Output::dir_;
std::unique_ptr<std::vector<json>> Output::all_;

// ---- -p --------------------------------------------------------------------------------

TEST_F(Output, PriorityErrShowsKubeletErrorsThatJournalctlMisses) {
  auto records = kjournal_json({"--all", "-p", "err"});
  std::set<std::string> messages;
  for (const auto& r : records) messages.insert(r.value("message", ""));
  EXPECT_TRUE(messages.count(without_klog_header(nasty::kKubeletErrorMessage)))
      << "the kubelet E line (PRIORITY=6) is an error";
  EXPECT_TRUE(messages.count(std::string(nasty::kContainerdErrorMessage)))
      << "the containerd level=error line (PRIORITY=6) is an error";

  // Exactly the entries whose normalized severity is err or worse, in journal order.
  auto want = fixture_cursors([](const json& e) {
    auto s = severity_of(e);
    return s == "error" || s == "fatal" || s == "panic";
  });
  EXPECT_EQ(cursors(records), want);
  for (const auto& r : records) {
    std::string s = r.value("severity", "<absent>");
    EXPECT_TRUE(s == "error" || s == "fatal" || s == "panic") << r.dump().substr(0, 300);
  }

  // journalctl only sees PRIORITY, so the same files give it no kubelet error.
  RunResult j = run_journalctl(
      {"-D", dir_->path().string(), "-p", "err", "--all", "-o", "json", "--no-pager"});
  ASSERT_EQ(j.exit_code(), 0) << j.describe();
  auto reference = parse_json_lines(j.out);
  EXPECT_FALSE(reference.empty()) << "the coredump entry has PRIORITY=2";
  for (const auto& e : reference) {
    EXPECT_NE(message_of(e), nasty::kKubeletErrorMessage);
    EXPECT_NE(message_of(e), nasty::kContainerdErrorMessage);
  }
}

TEST_F(Output, PriorityWarningIncludesKlogWarnings) {
  auto records = kjournal_json({"--all", "-p", "warning"});
  auto want = fixture_cursors([](const json& e) {
    auto s = severity_of(e);
    return s == "warning" || s == "error" || s == "fatal" || s == "panic";
  });
  EXPECT_EQ(cursors(records), want);
}

// An entry with no level at all (no PRIORITY, nothing in the text) passes only -p debug.
TEST_F(Output, EntriesWithoutLevelOnlyForPriorityDebug) {
  auto no_level = fixture_cursors([](const json& e) { return !severity_of(e).has_value(); });
  ASSERT_EQ(no_level.size(), 1u);

  auto info = cursors(kjournal_json({"--all", "-p", "info"}));
  EXPECT_EQ(std::count(info.begin(), info.end(), no_level[0]), 0);
  EXPECT_EQ(info, fixture_cursors([](const json& e) {
              auto s = severity_of(e);
              return s.has_value() && s != "debug" && s != "trace";
            }));

  auto debug = cursors(kjournal_json({"--all", "-p", "debug"}));
  EXPECT_EQ(debug, fixture_cursors([](const json&) { return true; }));
  auto none = kjournal_json({"--all", "-p", "info"});
  for (const auto& r : none) EXPECT_NE(r.value("message", ""), nasty::kNoLevelMessage);
}

// ---- -g --------------------------------------------------------------------------------

std::vector<std::string> messages_of(const std::vector<json>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.value("message", ""));
  return out;
}

TEST_F(Output, GrepIsCaseInsensitiveOnlyForLowercasePatterns) {
  const std::vector<std::string> versions = {"\"Kubelet version\" kubeletVersion=\"v1.31.2\"",
                                             "\"Kubelet version\" kubeletVersion=\"v1.31.3\""};
  EXPECT_EQ(messages_of(kjournal_json({"--all", "-g", "kubelet version"})), versions);
  EXPECT_EQ(messages_of(kjournal_json({"--all", "-g", "Kubelet version"})), versions);
  // An upper-case letter makes the pattern case-sensitive, as in journalctl.
  EXPECT_TRUE(kjournal_json({"--all", "-g", "KUBELET version"}).empty());
  EXPECT_TRUE(kjournal_json({"--all", "-g", "kubelet Version"}).empty());
}

TEST_F(Output, GrepMatchesTheNormalizedMessage) {
  // The klog header is not part of the message, so an anchored pattern sees the text first.
  const std::string pattern = "^\"Error syncing pod";
  EXPECT_EQ(messages_of(kjournal_json({"--all", "-g", pattern})),
            std::vector<std::string>{without_klog_header(nasty::kKubeletErrorMessage)});
  // journalctl greps the raw MESSAGE, which starts with the header.
  RunResult j =
      run_journalctl({"-D", dir_->path().string(), "-g", pattern, "-o", "json", "--no-pager"});
  EXPECT_TRUE(parse_json_lines(j.out).empty()) << j.describe();
  // A message that only looks like a header keeps it, so the pattern sees the fake header.
  EXPECT_EQ(messages_of(kjournal_json({"--all", "-g", "^E0000 12:00:01"})),
            std::vector<std::string>{std::string(nasty::kFakeHeaderMessage)});
  // PCRE, not a substring search.
  EXPECT_EQ(messages_of(kjournal_json({"--all", "-g", "port \\d{2}\\.$"})),
            std::vector<std::string>{std::string(nasty::kSshdListeningMessage)});
}

// ---- -c and the default selection --------------------------------------------------------

bool unit_is(const json& e, std::string_view unit) {
  return journal_field_bytes(e, "_SYSTEMD_UNIT") == unit;
}

TEST_F(Output, ComponentKubelet) {
  auto records = kjournal_json({"-c", "kubelet"});
  ASSERT_FALSE(records.empty());
  for (const auto& r : records) {
    EXPECT_EQ(r.value("component", "<absent>"), "kubelet") << r.dump().substr(0, 300);
  }
  auto got = cursors(records);
  std::set<std::string> shown(got.begin(), got.end());
  for (const auto& c :
       fixture_cursors([](const json& e) { return unit_is(e, "kubelet.service"); })) {
    EXPECT_TRUE(shown.count(c)) << "kubelet.service entry missing: " << c;
  }
  for (const auto& c : fixture_cursors([](const json& e) {
         return unit_is(e, "containerd.service") || unit_is(e, "ssh.service") ||
                unit_is(e, "kube-proxy.service");
       })) {
    EXPECT_FALSE(shown.count(c)) << "entry of another component shown: " << c;
  }
}

const std::set<std::string> kKubernetesNames = {
    "kubelet",        "containerd", "crio",           "docker",
    "cri-docker",     "kube-proxy", "kube-apiserver", "kube-controller-manager",
    "kube-scheduler", "etcd"};

TEST_F(Output, DefaultShowsKubernetesUnitsAndHidesOthers) {
  auto records = kjournal_json({});
  auto got = cursors(records);
  std::set<std::string> shown(got.begin(), got.end());

  // Everything written by a Kubernetes node unit or under its identifier is shown ...
  auto must = fixture_cursors([](const json& e) {
    std::string unit = journal_field_bytes(e, "_SYSTEMD_UNIT").value_or("");
    std::string ident = journal_field_bytes(e, "SYSLOG_IDENTIFIER").value_or("");
    return (unit.ends_with(".service") &&
            kKubernetesNames.count(unit.substr(0, unit.size() - 8))) ||
           kKubernetesNames.count(ident);
  });
  for (const auto& c : must) EXPECT_TRUE(shown.count(c)) << "missing: " << c;
  // ... sshd is not ...
  for (const auto& c : fixture_cursors([](const json& e) { return unit_is(e, "ssh.service"); })) {
    EXPECT_FALSE(shown.count(c)) << "sshd entry shown without --all: " << c;
  }
  for (const auto& r : records) {
    EXPECT_NE(r.value("identifier", ""), "sshd");
    EXPECT_NE(r.value("message", ""), nasty::kSshdAcceptedMessage);
  }
  // ... and nothing beyond what journalctl -u <those units> or -t <those names> would show.
  std::vector<std::string> args = {"-D", dir_->path().string(), "-o", "json", "--no-pager"};
  for (const auto& n : kKubernetesNames) {
    args.push_back("-u");
    args.push_back(n + ".service");
  }
  std::set<std::string> allowed;
  for (const auto& e : parse_json_lines(run_journalctl(args).out)) {
    allowed.insert(journal_field_bytes(e, "__CURSOR").value_or(""));
  }
  for (const auto& e : *all_) {
    if (kKubernetesNames.count(journal_field_bytes(e, "SYSLOG_IDENTIFIER").value_or(""))) {
      allowed.insert(journal_field_bytes(e, "__CURSOR").value_or(""));
    }
  }
  for (const auto& r : records) {
    EXPECT_TRUE(allowed.count(r.value("cursor", "")))
        << "unrelated entry shown: " << r.dump().substr(0, 300);
  }
  // In journal order.
  auto order = fixture_cursors([&](const json& e) {
    return shown.count(journal_field_bytes(e, "__CURSOR").value_or("")) > 0;
  });
  EXPECT_EQ(got, order);
}

// ---- text output modes -------------------------------------------------------------------

TEST_F(Output, CatPrintsOnlyTheMessages) {
  RunResult r =
      run_kjournal({"-D", dir_->path().string(), "-u", "kube-proxy", "-o", "cat", "--no-pager"});
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  // Structured klog lines show their message and pairs, without the klog quoting.
  EXPECT_EQ(r.out, "Using iptables proxy\n" + std::string(nasty::kNoLevelMessage) +
                       "\nSyncProxyRules complete elapsed=12.3ms\n");
}

// ---- structured messages -----------------------------------------------------------------

TEST_F(Output, StructuredMessagesAreSplitIntoAttributes) {
  const auto records = kjournal_json({"--all", "-p", "err"}, true);
  const json* kubelet = nullptr;
  const json* containerd = nullptr;
  for (const auto& r : records) {
    if (r.value("component", "") == "kubelet" && r.value("caller", "") == "pod_workers.go:1301")
      kubelet = &r;
    if (r.value("component", "") == "containerd" && r.value("level", "") == "error")
      containerd = &r;
  }
  ASSERT_TRUE(kubelet) << "no kubelet error record";
  EXPECT_EQ(kubelet->value("message", ""), "Error syncing pod, skipping");
  const json& ka = (*kubelet)["attributes"];
  EXPECT_EQ(ka.value("err", ""), "failed to \"StartContainer\" for \"web\" with CrashLoopBackOff");
  EXPECT_EQ(ka.value("pod", ""), "default/web-1");
  EXPECT_EQ(ka.value("podUID", ""), "6f3b0c1e-5d7a-4c55-9a57-0f1e2d3c4b5a");
  // The journal's time stays the event time; the klog header's time (host zone) is kept.
  EXPECT_EQ(ka.value("klog_time", ""), "2026-11-27T22:50:00.123456Z");

  ASSERT_TRUE(containerd) << "no containerd error record";
  EXPECT_EQ(containerd->value("message", ""), "ContainerStatus for \"4f1c\" failed");
  EXPECT_NE((*containerd)["attributes"].value("error", "").find("code = NotFound"),
            std::string::npos);

  // -g still finds the pairs that moved to the attributes.
  const auto by_uid = kjournal_json({"--all", "-g", "podUID=6f3b0c1e-5d7a"}, true);
  ASSERT_EQ(by_uid.size(), 1u);
  EXPECT_EQ(by_uid[0].value("message", ""), "Error syncing pod, skipping");
  // With --raw-messages the pattern sees the pairs as written, quotes included.
  EXPECT_TRUE(kjournal_json({"--all", "-g", "podUID=6f3b0c1e-5d7a"}, false).empty());
  EXPECT_EQ(kjournal_json({"--all", "-g", "podUID=\"6f3b0c1e-5d7a"}, false).size(), 1u);
}

TEST_F(Output, ShortIsoLines) {
  RunResult r = run_kjournal({"-D", dir_->path().string(), "-u", "ssh", "-g", "port", "--utc", "-o",
                              "short-iso", "--no-pager"});
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  // Entries the query selects, from journalctl: sshd lines mentioning a port.
  std::vector<json> want;
  for (const auto& e : *all_) {
    if (unit_is(e, "ssh.service") && contains(message_of(e), "port")) want.push_back(e);
  }
  ASSERT_EQ(want.size(), 3u);

  // TIME HOST IDENTIFIER[PID]: [LEVEL ]MESSAGE, the time in ISO 8601 with a UTC offset.
  const std::regex shape(
      R"(^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(Z|[+-]00:?00) (\S+) ([^\s\[\]]+)\[(\d+)\]: (.*)$)");
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), want.size()) << r.out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[i], m, shape)) << "line " << i << ": " << lines[i];
    uint64_t t = journal_field_u64(want[i], "__REALTIME_TIMESTAMP").value();
    EXPECT_EQ(m[1].str(), utc_iso_seconds(t)) << lines[i];
    EXPECT_EQ(m[3].str(), nasty::kHostname);
    EXPECT_EQ(m[4].str(), "sshd");
    EXPECT_EQ(m[5].str(), "812");
    EXPECT_TRUE(m[6].str().ends_with(message_of(want[i]))) << lines[i];
  }
}

TEST_F(Output, JsonPrettyHasTheSameRecordsAsJson) {
  auto compact = kjournal_json({"-u", "kubelet"}, true);
  RunResult r = run_kjournal(
      {"-D", dir_->path().string(), "-u", "kubelet", "-o", "json-pretty", "--no-pager"});
  ASSERT_EQ(r.exit_code(), 0) << r.describe();
  std::vector<json> pretty;
  std::istringstream in(r.out);
  while ((in >> std::ws).peek() != std::char_traits<char>::eof()) {
    json j;
    ASSERT_NO_THROW(in >> j) << r.out.substr(0, 2000);
    pretty.push_back(j);
  }
  ASSERT_FALSE(compact.empty());
  EXPECT_EQ(pretty, compact);
  EXPECT_GT(std::count(r.out.begin(), r.out.end(), '\n'), static_cast<long>(compact.size()) * 3)
      << "not pretty-printed";
}

TEST_F(Output, EmptyResultSaysSoInTextModesOnly) {
  RunResult text =
      run_kjournal({"-D", dir_->path().string(), "--all", "-g", "no such text", "--no-pager"});
  EXPECT_EQ(text.exit_code(), 0) << text.describe();
  EXPECT_EQ(text.out, "-- No entries --\n");
  RunResult js = run_kjournal(
      {"-D", dir_->path().string(), "--all", "-g", "no such text", "-o", "json", "--no-pager"});
  EXPECT_EQ(js.exit_code(), 0) << js.describe();
  EXPECT_EQ(js.out, "");
}

// ---- --cursor-file -----------------------------------------------------------------------

std::vector<Entry> kubelet_entries(const std::string& boot, uint64_t from_us, int first,
                                   int count) {
  std::vector<Entry> out;
  for (int i = first; i < first + count; ++i) {
    uint64_t t = from_us + static_cast<uint64_t>(i) * nasty::kSecond;
    Entry e;
    e.realtime(t).monotonic(t - nasty::kBaseUs + nasty::kSecond).boot_id(boot);
    e.set("_SYSTEMD_UNIT", "kubelet.service").set("SYSLOG_IDENTIFIER", "kubelet");
    e.set("PRIORITY", "6").set("_HOSTNAME", "node-1");
    e.message("cursor-file entry " + std::to_string(i));
    out.push_back(e);
  }
  return out;
}

std::string trimmed_file(const fs::path& p) {
  std::ifstream in(p);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

TEST(CursorFile, SecondRunShowsOnlyNewerEntries) {
  TempDir dir("kjt-cursor");
  fs::path journals = dir / "journal";
  fs::create_directory(journals);
  const std::string boot = id128_from_seed("cursor file");
  write_journal_file(journals / "first.journal", kubelet_entries(boot, nasty::kBaseUs, 0, 5));
  const fs::path state = dir / "cursor";
  const std::vector<std::string> args = {
      "-D",   journals.string(), "--all", "--cursor-file", state.string(), "-o",
      "json", "--no-pager"};

  RunResult first = run_kjournal(args);
  ASSERT_EQ(first.exit_code(), 0) << first.describe();
  auto records = parse_json_lines(first.out);
  ASSERT_EQ(records.size(), 5u);
  ASSERT_TRUE(fs::exists(state)) << "--cursor-file was not written";
  EXPECT_EQ(trimmed_file(state), records.back().value("cursor", "")) << "not the last cursor";
  fs::copy_file(state, dir / "cursor.journalctl");

  // Nothing new: nothing printed, cursor kept.
  RunResult idle = run_kjournal(args);
  EXPECT_EQ(idle.exit_code(), 0) << idle.describe();
  EXPECT_EQ(idle.out, "");
  EXPECT_EQ(trimmed_file(state), records.back().value("cursor", ""));

  // A new journal file with later entries appears (journald rotated, or a new file arrived).
  write_journal_file(journals / "second.journal", kubelet_entries(boot, nasty::kBaseUs, 5, 3));
  RunResult second = run_kjournal(args);
  ASSERT_EQ(second.exit_code(), 0) << second.describe();
  auto newer = parse_json_lines(second.out);
  EXPECT_EQ(messages_of(newer),
            (std::vector<std::string>{"cursor-file entry 5", "cursor-file entry 6",
                                      "cursor-file entry 7"}));
  ASSERT_FALSE(newer.empty());
  EXPECT_EQ(trimmed_file(state), newer.back().value("cursor", ""));

  // journalctl, given the cursor file of the first run, picks exactly the same entries.
  RunResult j = run_journalctl({"-D", journals.string(), "--cursor-file",
                                (dir / "cursor.journalctl").string(), "-o", "json", "--no-pager"});
  ASSERT_EQ(j.exit_code(), 0) << j.describe();
  std::vector<std::string> want;
  for (const auto& e : parse_json_lines(j.out)) {
    want.push_back(journal_field_bytes(e, "__CURSOR").value_or(""));
  }
  std::vector<std::string> got;
  for (const auto& r : newer) got.push_back(r.value("cursor", ""));
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace kjt
