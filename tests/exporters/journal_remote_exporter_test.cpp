// The journal_remote exporter end to end: journal entries read with their fields kept are
// delivered to a real systemd-journal-remote and read back with journalctl; file records
// arrive with the fields made for them; a server that is down is waited for.
#include "exporters/journal_remote/journal_remote_exporter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <thread>

#include "collectors/journal/journal_reader.h"
#include "exporters/journal_remote/journal_export_encoder.h"
#include "tests/support/journal_fixture.h"
#include "tests/support/journal_remote_server.h"
#include "tests/support/temp_dir.h"

namespace kj::exporters {
namespace {

using namespace std::chrono_literals;
using FieldList = std::vector<std::pair<std::string, std::string>>;

// An entry as a sorted field list without what the reading side adds (__CURSOR and any
// other address field but the two timestamps).
FieldList canonical(const kjt::Entry& e) {
  FieldList out;
  for (const auto& f : e.fields()) {
    if (f.name.starts_with("__") && f.name != "__REALTIME_TIMESTAMP" &&
        f.name != "__MONOTONIC_TIMESTAMP")
      continue;
    out.emplace_back(f.name, f.value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<FieldList> canonical(const std::vector<kjt::Entry>& entries) {
  std::vector<FieldList> out;
  for (const auto& e : entries) out.push_back(canonical(e));
  std::sort(out.begin(), out.end());
  return out;
}

config::ExporterConfig exporter_config(const std::string& url) {
  config::ExporterConfig c;
  c.name = "central";
  c.type = config::ExporterConfig::Type::journal_remote;
  c.http.url = url;
  c.http.timeout = 10s;
  c.retry.initial = 50ms;
  c.retry.max = 200ms;
  return c;
}

std::vector<Record> read_journal(const std::filesystem::path& dir) {
  journal::JournalQuery q;
  q.source.kind = journal::JournalSource::Kind::directory;
  q.source.path = dir.string();
  q.all = true;
  q.keep_journal_fields = true;
  journal::JournalReader reader(std::move(q), {});
  std::vector<Record> out;
  Record r;
  while (reader.next(r)) out.push_back(r);
  return out;
}

Record file_record(int i) {
  Record r;
  r.time_ns = 1'795'819'900'000'000'000 + i * 1'000'000'000LL;
  r.severity = i == 0 ? Severity::error : Severity::info;
  r.level_raw = i == 0 ? "E" : "I";
  r.message = i == 0 ? "\"Unable to schedule pod\"" : "multi\nline \xff message";
  r.component = "kube-scheduler";
  r.node = "node-1";
  r.pid = 1;
  r.caller = "schedule_one.go:1004";
  r.attributes = {{"pod", "default/web-" + std::to_string(i)}};
  r.source = "/var/log/kube-scheduler.log";
  r.position.cursor = "file:1:2:" + std::to_string(i * 100);
  return r;
}

TEST(JournalRemoteExporter, JournalEntriesArriveWithEveryOriginalField) {
  kjt::TempDir tmp("kj-jremote");
  std::filesystem::create_directories(tmp / "source");
  const auto fixture = kjt::nasty::write_nasty_fixture(tmp / "source");
  std::vector<kjt::Entry> source = fixture.entries_a;
  source.insert(source.end(), fixture.entries_b.begin(), fixture.entries_b.end());
  const auto records = read_journal(tmp / "source");
  ASSERT_EQ(records.size(), source.size());

  kjt::JournalRemoteServer server(tmp / "remote");
  auto exp = make_journal_remote_exporter(exporter_config(server.url()));
  const auto report = exp->deliver(records, {});
  EXPECT_EQ(report.delivered, records.size()) << report.last_error;
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_EQ(exp->counters().records_sent.load(), records.size());
  EXPECT_EQ(exp->counters().requests.load(), 1u);
  server.stop();

  const auto arrived = server.entries();
  ASSERT_EQ(arrived.size(), source.size()) << server.log();
  // Field by field, binary MESSAGEs, newlines, NULs and the 1 MiB message included.
  const auto want = canonical(source);
  const auto got = canonical(arrived);
  for (size_t i = 0; i < want.size() && i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << i;
}

TEST(JournalRemoteExporter, FileRecordsArriveWithSynthesizedFields) {
  kjt::TempDir tmp("kj-jremote");
  kjt::JournalRemoteServer server(tmp / "remote");
  // systemd-journal-upload's URL form (ending in /upload) works too.
  auto exp = make_journal_remote_exporter(exporter_config(server.url() + "/upload"));
  const std::vector<Record> records{file_record(0), file_record(1)};
  const auto report = exp->deliver(records, {});
  EXPECT_EQ(report.delivered, 2u) << report.last_error;
  server.stop();

  const auto arrived = server.entries();
  ASSERT_EQ(arrived.size(), 2u) << server.log();
  const auto& e = arrived[0];
  EXPECT_EQ(e.get("__REALTIME_TIMESTAMP"), "1795819900000000");
  EXPECT_EQ(e.get("_BOOT_ID"), synthetic_boot_id("node-1"));
  EXPECT_EQ(e.get("MESSAGE"), "\"Unable to schedule pod\"");
  EXPECT_EQ(e.get("PRIORITY"), "3");
  EXPECT_EQ(e.get("SYSLOG_IDENTIFIER"), "kube-scheduler");
  EXPECT_EQ(e.get("_HOSTNAME"), "node-1");
  EXPECT_EQ(e.get("KJOURNAL_SOURCE"), "/var/log/kube-scheduler.log");
  EXPECT_EQ(e.get("KJOURNAL_CALLER"), "schedule_one.go:1004");
  EXPECT_EQ(e.get("KLOG_POD"), "default/web-0");
  EXPECT_TRUE(e.get("KJOURNAL_RECORD_ID"));
  EXPECT_EQ(arrived[1].get("MESSAGE"), "multi\nline \xff message");
  EXPECT_EQ(arrived[1].get("PRIORITY"), "6");
}

TEST(JournalRemoteExporter, ServerDownIsRetriedUntilItIsBack) {
  kjt::TempDir tmp("kj-jremote");
  kjt::JournalRemoteServer server(tmp / "remote");
  server.stop();
  auto exp = make_journal_remote_exporter(exporter_config(server.url()));
  const std::vector<Record> records{file_record(0), file_record(1), file_record(2)};
  DeliveryReport report;
  std::thread sender([&] { report = exp->deliver(records, {}); });
  std::this_thread::sleep_for(1s);
  EXPECT_GE(exp->counters().retries.load(), 2u);
  EXPECT_EQ(exp->counters().records_sent.load(), 0u);
  server.start();
  sender.join();
  EXPECT_EQ(report.delivered, 3u) << report.last_error;
  EXPECT_FALSE(report.aborted);
  server.stop();
  EXPECT_EQ(server.entries().size(), 3u) << server.log();
}

TEST(JournalRemoteExporter, StopWhileTheServerIsDownAbortsTheBatch) {
  kjt::TempDir tmp("kj-jremote");
  kjt::JournalRemoteServer server(tmp / "remote");
  server.stop();
  auto exp = make_journal_remote_exporter(exporter_config(server.url()));
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  const std::vector<Record> records{file_record(0)};
  const auto report = exp->deliver(records, stop.get_token());
  stopper.join();
  EXPECT_TRUE(report.aborted);
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_EQ(report.dropped, 0u);
}

TEST(JournalRemoteExporter, FactoryRejectsOtherTypes) {
  auto c = exporter_config("http://127.0.0.1:1");
  c.type = config::ExporterConfig::Type::loki;
  EXPECT_THROW(make_journal_remote_exporter(c), std::invalid_argument);
}

}  // namespace
}  // namespace kj::exporters
