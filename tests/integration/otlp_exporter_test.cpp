// `kjournal agent` with an otlp exporter, end to end: the real agent reads a small journal
// (files made by systemd-journal-remote) and exports it to the test receiver that stands in
// for an OpenTelemetry collector's OTLP/HTTP logs endpoint (tests/support/otlp_receiver.h,
// BACKENDS.md §3). Every request must pass the receiver's spec checks; after throttling
// every entry has arrived exactly once, and a 400 shows up as dropped records in /metrics.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "tests/support/agent_process.h"
#include "tests/support/clickhouse_server.h"
#include "tests/support/journal_fixture.h"
#include "tests/support/otlp_receiver.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_until.h"

namespace {

using namespace std::chrono_literals;

constexpr int kEntries = 40;

std::string all(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

class OtlpAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir / "journal");
    const std::string boot = kjt::id128_from_seed("otlp agent test");
    std::vector<kjt::Entry> entries;
    for (int i = 0; i < kEntries; ++i) {
      const uint64_t t = kjt::nasty::kBaseUs + static_cast<uint64_t>(i) * 1000;
      kjt::Entry e;
      e.realtime(t).monotonic(5'000'000 + static_cast<uint64_t>(i) * 1000).boot_id(boot);
      e.set("_SYSTEMD_UNIT", i % 2 ? "kubelet.service" : "containerd.service");
      e.set("SYSLOG_IDENTIFIER", i % 2 ? "kubelet" : "containerd");
      e.set("PRIORITY", i % 5 == 0 ? "3" : "6").set("_PID", "4321").set("_HOSTNAME", "node-1");
      e.message("otlp entry " + std::to_string(i));
      entries.push_back(e);
    }
    kjt::write_journal_file(dir / "journal" / "system.journal", entries);
  }

  std::filesystem::path write_config(const kjt::OtlpReceiver& otlp, const std::string& encoding,
                                     int max_records) {
    const auto path = dir / "agent.yaml";
    std::ofstream(path)
        << "node: kjt-node\n"
        << "state_dir: " << (dir / "state").string() << "\n"
        << "server: {listen: \"127.0.0.1:" << port << "\"}\n"
        << "sources:\n"
        << "  - {name: node-journal, type: journal, all: true, start_at: beginning, "
        << "directory: " << (dir / "journal").string() << "}\n"
        << "exporters:\n"
        << "  - name: otel\n"
        << "    type: otlp\n"
        << "    encoding: " << encoding << "\n"
        << "    url: " << otlp.url() << "\n"
        << "    batch: {max_records: " << max_records << ", max_wait: 100ms}\n"
        << "    retry: {initial: 50ms, max: 200ms}\n";
    return path;
  }

  kjt::TempDir dir{"kjt-otlp-agent"};
  uint16_t port = kjt::free_local_port();
};

TEST_F(OtlpAgentTest, EveryEntryArrivesExactlyOnceThroughThrottling) {
  kjt::OtlpReceiver otlp;
  otlp.script({kjt::OtlpAnswer::error(429, "slow down", "0"), kjt::OtlpAnswer::error(503)});
  kjt::AgentProcess agent(write_config(otlp, "protobuf", 1000), port);
  auto accepted = [&] {
    std::vector<kjt::OtlpReceivedRecord> out;
    for (auto& r : otlp.records())
      if (r.answered == 200) out.push_back(std::move(r));
    return out;
  };
  ASSERT_TRUE(kjt::wait_until([&] { return accepted().size() >= kEntries; }))
      << accepted().size() << " of " << kEntries << "\n"
      << agent.log();
  std::this_thread::sleep_for(300ms);  // anything more would be a duplicate

  std::map<std::string, int> bodies;
  std::set<std::string> ids;
  for (const auto& r : accepted()) {
    ++bodies[r.body()];
    ids.insert(r.string_attribute("log.record.uid"));
    EXPECT_EQ(r.resource("k8s.node.name"), "kjt-node");
    EXPECT_EQ(r.resource("service.name"), r.string_attribute("syslog.identifier"));
    EXPECT_EQ(r.string_attribute("systemd.unit"), r.resource("service.name") + ".service");
    EXPECT_EQ(r.attribute("process.pid"), (nlohmann::json{{"intValue", "4321"}}));
    const int severity = r.record.value("severityNumber", 0);
    EXPECT_TRUE(severity == 9 || severity == 17) << r.record.dump();
  }
  EXPECT_EQ(bodies.size(), static_cast<size_t>(kEntries));
  for (const auto& [body, n] : bodies) EXPECT_EQ(n, 1) << body;
  EXPECT_EQ(ids.size(), static_cast<size_t>(kEntries));
  EXPECT_FALSE(ids.count(""));
  EXPECT_TRUE(otlp.violations().empty()) << all(otlp.violations());
  const auto statuses = otlp.statuses();
  ASSERT_GE(statuses.size(), 3u);
  EXPECT_EQ(statuses[0], 429);
  EXPECT_EQ(statuses[1], 503);
  EXPECT_EQ(agent.exporter_metric("kjournal_exporter_records_sent_total", "otel"),
            double(kEntries));
  EXPECT_EQ(agent.exporter_metric("kjournal_exporter_records_dropped_total", "otel"), 0.0);
  EXPECT_GE(agent.exporter_metric("kjournal_exporter_retries_total", "otel").value_or(0), 2.0);
  auto exit = agent.terminate(10s);
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_code, 0) << agent.log();
}

TEST_F(OtlpAgentTest, BadRequestIsDroppedAndShowsInMetrics) {
  kjt::OtlpReceiver otlp;
  otlp.script({kjt::OtlpAnswer::error(400, "invalid log records")});
  kjt::AgentProcess agent(write_config(otlp, "json", 10), port);
  ASSERT_TRUE(kjt::wait_until([&] { return otlp.records().size() >= kEntries; }))
      << otlp.records().size() << " of " << kEntries << "\n"
      << agent.log();
  ASSERT_TRUE(kjt::wait_until([&] {
    return agent.exporter_metric("kjournal_exporter_records_sent_total", "otel").value_or(0) +
               agent.exporter_metric("kjournal_exporter_records_dropped_total", "otel")
                   .value_or(0) >=
           kEntries;
  })) << agent.log();
  std::this_thread::sleep_for(300ms);

  // Every entry reached the receiver once: the rejected batch was not sent again.
  std::map<std::string, int> bodies;
  size_t rejected = 0;
  for (const auto& r : otlp.records()) {
    ++bodies[r.body()];
    if (r.answered == 400) ++rejected;
    EXPECT_EQ(r.encoding, "json");
  }
  EXPECT_EQ(bodies.size(), static_cast<size_t>(kEntries));
  for (const auto& [body, n] : bodies) EXPECT_EQ(n, 1) << body;
  EXPECT_GT(rejected, 0u);
  EXPECT_EQ(otlp.statuses().at(0), 400);
  EXPECT_TRUE(otlp.violations().empty()) << all(otlp.violations());
  EXPECT_EQ(agent.exporter_metric("kjournal_exporter_records_dropped_total", "otel"),
            double(rejected));
  EXPECT_EQ(agent.exporter_metric("kjournal_exporter_records_sent_total", "otel"),
            double(kEntries - rejected));
  EXPECT_NE(agent.log().find("invalid log records"), std::string::npos) << agent.log();
  auto exit = agent.terminate(10s);
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_code, 0) << agent.log();
}

}  // namespace
