// JournalReader over real journal files: normalization of each entry and the query logic
// that the CLI agreement tests check only from the outside.
#include "collectors/journal/journal_reader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <map>
#include <optional>

#include "tests/support/journal_fixture.h"
#include "tests/support/temp_dir.h"

namespace kj::journal {
namespace {

constexpr uint64_t kBase = 1'795'819'800'000'000ULL;  // 2026-11-27 22:50:00 UTC

kjt::Entry entry(uint64_t offset_s, std::string_view unit, std::string_view message) {
  kjt::Entry e;
  e.realtime(kBase + offset_s * 1'000'000)
      .monotonic(1'000'000 + offset_s * 1'000'000)
      .boot_id(kjt::id128_from_seed("boot-1"))
      .set("_HOSTNAME", "node-1")
      .set("_PID", "1234")
      .set("PRIORITY", "6")
      .message(message);
  if (!unit.empty()) {
    e.set("_SYSTEMD_UNIT", unit);
    e.set("SYSLOG_IDENTIFIER", unit.substr(0, unit.find('.')));
  }
  return e;
}

class JournalReaderTest : public ::testing::Test {
 protected:
  // klog header times are resolved in the host's zone; pin it so expectations hold anywhere.
  void SetUp() override {
    if (const char* tz = std::getenv("TZ")) saved_tz_ = tz;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (saved_tz_) {
      setenv("TZ", saved_tz_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  std::optional<std::string> saved_tz_;
  JournalQuery query() {
    JournalQuery q;
    q.source.kind = JournalSource::Kind::directory;
    q.source.path = dir_.path().string();
    return q;
  }
  std::vector<Record> read_all(JournalQuery q, RecordFilter f = {}) {
    JournalReader r(std::move(q), std::move(f));
    std::vector<Record> out;
    Record rec;
    while (r.next(rec)) out.push_back(rec);
    return out;
  }
  kjt::TempDir dir_{"kj-reader"};
};

TEST_F(JournalReaderTest, NormalizesKubeletContainerdAndPid1Entries) {
  auto pid1 = entry(3, "", "Started kubelet.service - kubelet: The Kubernetes Node Agent.");
  pid1.set("_PID", "1").set("UNIT", "kubelet.service").set("SYSLOG_IDENTIFIER", "systemd");
  auto nolevel = entry(4, "kube-proxy.service", "iptables-restore failed");
  nolevel.remove("PRIORITY");
  auto src = entry(5, "kubelet.service", "I1127 22:50:05.000000    1234 a.go:1] with source time");
  src.set("_SOURCE_REALTIME_TIMESTAMP", std::to_string(kBase + 4'500'000));
  kjt::write_journal_file(
      dir_ / "x.journal",
      {entry(1, "kubelet.service",
             "E1127 22:50:01.000001    1234 pod_workers.go:1301] \"Error syncing pod\""),
       entry(2, "containerd.service",
             "time=\"2026-11-27T22:50:02Z\" level=warning msg=\"cleanup\""),
       pid1, nolevel, src});
  auto q = query();
  q.all = true;
  const auto recs = read_all(q);
  ASSERT_EQ(recs.size(), 5u);

  EXPECT_EQ(recs[0].severity, Severity::error);
  EXPECT_EQ(recs[0].level_raw, "E");
  EXPECT_EQ(recs[0].caller, "pod_workers.go:1301");
  EXPECT_EQ(recs[0].message, "Error syncing pod");  // structured: the unquoted message
  EXPECT_EQ(recs[0].component, "kubelet");
  EXPECT_EQ(recs[0].unit, "kubelet.service");
  EXPECT_EQ(recs[0].node, "node-1");
  EXPECT_EQ(recs[0].pid, 1234);
  EXPECT_EQ(recs[0].time_ns, static_cast<int64_t>(kBase + 1'000'000) * 1000);
  EXPECT_FALSE(recs[0].position.cursor.empty());

  EXPECT_EQ(recs[1].severity, Severity::warning);
  EXPECT_EQ(recs[1].level_raw, "warning");
  EXPECT_EQ(recs[1].component, "containerd");
  EXPECT_EQ(recs[1].message, "cleanup");  // logrus: msg, the rest in attributes

  EXPECT_EQ(recs[2].unit, "kubelet.service");  // PID 1 about kubelet belongs to kubelet
  EXPECT_EQ(recs[2].component, "kubelet");
  EXPECT_EQ(recs[2].identifier, "systemd");
  EXPECT_EQ(recs[2].severity, Severity::info);  // from PRIORITY=6

  EXPECT_EQ(recs[3].severity, Severity::unknown);  // missing PRIORITY is not "emerg"
  EXPECT_TRUE(recs[3].level_raw.empty());

  EXPECT_EQ(recs[4].time_ns, static_cast<int64_t>(kBase + 4'500'000) * 1000);
  EXPECT_EQ(recs[4].observed_time_ns, static_cast<int64_t>(kBase + 5'000'000) * 1000);
}

TEST_F(JournalReaderTest, StructuredPairsBecomeAttributesUnlessRaw) {
  kjt::write_journal_file(
      dir_ / "x.journal",
      {entry(1, "kubelet.service",
             "I1127 22:50:01.000001    1234 kubelet.go:2400] \"Attempting to register node\" "
             "node=\"node-1\""),
       entry(2, "containerd.service",
             "time=\"2026-11-27T22:50:02Z\" level=info msg=\"pulled\" image=\"nginx:1.27\"")});
  auto q = query();
  q.extra_fields = {"_HOSTNAME"};
  auto recs = read_all(q);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].message, "Attempting to register node");
  using Attrs = std::vector<std::pair<std::string, std::string>>;
  // Journal fields asked for come first, then the parsed pairs, then the klog header time.
  EXPECT_EQ(recs[0].attributes, (Attrs{{"_HOSTNAME", "node-1"},
                                       {"node", "node-1"},
                                       {"klog_time", "2026-11-27T22:50:01.000001Z"}}));
  EXPECT_EQ(recs[1].message, "pulled");
  EXPECT_EQ(recs[1].attributes, (Attrs{{"_HOSTNAME", "node-1"}, {"image", "nginx:1.27"}}));

  q.parse_messages = false;
  recs = read_all(q);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].message, "\"Attempting to register node\" node=\"node-1\"");
  EXPECT_EQ(recs[0].caller, "kubelet.go:2400");
  EXPECT_EQ(recs[1].message.substr(0, 5), "time=");
  EXPECT_EQ(recs[1].severity, Severity::info);
}

TEST_F(JournalReaderTest, DefaultFilterKeepsKubernetesComponentsOnly) {
  auto manual = entry(3, "", "I1127 22:50:03.000000    9999 flags.go:64] FLAG: --v=\"4\"");
  manual.set("SYSLOG_IDENTIFIER", "kubelet").set("_SYSTEMD_UNIT", "session-3.scope");
  kjt::write_journal_file(dir_ / "x.journal",
                          {entry(1, "kubelet.service", "a"), entry(2, "sshd.service", "b"), manual,
                           entry(4, "containerd.service", "c"), entry(5, "cron.service", "d")});
  std::vector<std::string> got;
  for (const auto& r : read_all(query())) got.push_back(r.message);
  EXPECT_EQ(got, (std::vector<std::string>{"a", "FLAG: --v=\"4\"", "c"}));

  auto q = query();
  q.components = {"sshd"};
  got.clear();
  for (const auto& r : read_all(q)) got.push_back(r.message);
  EXPECT_EQ(got, (std::vector<std::string>{"b"}));
}

TEST_F(JournalReaderTest, LinesCountOnlyEntriesThePredicateAccepts) {
  std::vector<kjt::Entry> es;
  for (int i = 0; i < 20; ++i)
    es.push_back(entry(i, "kubelet.service",
                       (i % 5 == 0 ? "E" : "I") + std::string("1127 22:50:00.000000    1 a.go:") +
                           std::to_string(i) + "] m" + std::to_string(i)));
  kjt::write_journal_file(dir_ / "x.journal", es);
  auto q = query();
  q.lines = 3;
  const auto recs = read_all(q, [](const Record& r) { return r.severity >= Severity::error; });
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].message, "m5");
  EXPECT_EQ(recs[1].message, "m10");
  EXPECT_EQ(recs[2].message, "m15");
}

TEST_F(JournalReaderTest, AfterCursorSkipsExactlyTheCursorEntry) {
  std::vector<kjt::Entry> es;
  for (int i = 0; i < 5; ++i) es.push_back(entry(i, "kubelet.service", "m" + std::to_string(i)));
  kjt::write_journal_file(dir_ / "x.journal", es);
  auto all = read_all(query());
  ASSERT_EQ(all.size(), 5u);
  auto q = query();
  q.after_cursor = all[1].position.cursor;
  const auto rest = read_all(q);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].message, "m2");
  q.reverse = true;
  const auto before = read_all(q);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].message, "m0");
}

TEST_F(JournalReaderTest, UnitGlobWithoutMatchShowsNothing) {
  kjt::write_journal_file(dir_ / "x.journal", {entry(1, "kubelet.service", "a")});
  auto q = query();
  q.units = {"nothing-like-this*"};
  EXPECT_TRUE(read_all(q).empty());
  q.units = {"kube*"};
  EXPECT_EQ(read_all(q).size(), 1u);
  EXPECT_EQ(mangle_unit_name("kubelet"), "kubelet.service");
  EXPECT_EQ(mangle_unit_name("kubelet.service"), "kubelet.service");
  EXPECT_EQ(mangle_unit_name("cri-docker.socket"), "cri-docker.socket");
  EXPECT_EQ(mangle_unit_name("foo.bar"), "foo.bar.service");
}

TEST_F(JournalReaderTest, NoJournalFilesIsAnErrorNamingTheDirectory) {
  auto q = query();
  try {
    JournalReader r(q, {});
    FAIL() << "expected JournalError";
  } catch (const JournalError& e) {
    EXPECT_NE(std::string(e.what()).find(dir_.path().string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace kj::journal
