// `kjournal agent` with a loki exporter, end to end: the real agent reads a small journal
// (files made by systemd-journal-remote) and pushes it to the test receiver that stands in
// for Loki's distributor (tests/support/loki_receiver.h, BACKENDS.md §1). Every push must
// pass the receiver's spec checks; after a rate limit and a server error every entry has
// arrived exactly once, and a 400 shows up as dropped records in /metrics.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include "tests/support/agent_process.h"
#include "tests/support/clickhouse_server.h"
#include "tests/support/journal_fixture.h"
#include "tests/support/loki_receiver.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_until.h"

namespace {

using namespace std::chrono_literals;

constexpr int kEntries = 40;

class LokiAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir / "journal");
    const std::string boot = kjt::id128_from_seed("loki agent test");
    std::vector<kjt::Entry> entries;
    for (int i = 0; i < kEntries; ++i) {
      const uint64_t t = kjt::nasty::kBaseUs + static_cast<uint64_t>(i) * 1000;
      kjt::Entry e;
      e.realtime(t).monotonic(5'000'000 + static_cast<uint64_t>(i) * 1000).boot_id(boot);
      e.set("_SYSTEMD_UNIT", i % 2 ? "kubelet.service" : "containerd.service");
      e.set("SYSLOG_IDENTIFIER", i % 2 ? "kubelet" : "containerd");
      e.set("PRIORITY", "6").set("_PID", "4321").set("_HOSTNAME", "node-1");
      e.message("loki entry " + std::to_string(i));
      entries.push_back(e);
    }
    kjt::write_journal_file(dir / "journal" / "system.journal", entries);
  }

  std::filesystem::path write_config(const kjt::LokiReceiver& loki,
                                     const std::string& encoding = "json") {
    const auto path = dir / "agent.yaml";
    std::ofstream(path)
        << "node: kjt-node\n"
        << "state_dir: " << (dir / "state").string() << "\n"
        << "server: {listen: \"127.0.0.1:" << port << "\"}\n"
        << "sources:\n"
        << "  - {name: node-journal, type: journal, all: true, start_at: beginning, "
        << "directory: " << (dir / "journal").string() << "}\n"
        << "exporters:\n"
        << "  - name: loki\n"
        << "    type: loki\n"
        << "    url: " << loki.url() << "\n"
        << "    tenant: team-a\n"
        << "    encoding: " << encoding << "\n"
        << "    batch: {max_wait: 100ms}\n"
        << "    retry: {initial: 50ms, max: 200ms}\n";
    return path;
  }

  kjt::TempDir dir{"kjt-loki-agent"};
  uint16_t port = kjt::free_local_port();
};

kjt::LokiReceiverOptions tenant_a() {
  kjt::LokiReceiverOptions o;
  o.tenant = "team-a";
  return o;
}

TEST_F(LokiAgentTest, EveryEntryArrivesExactlyOnceThroughRateLimitAndServerError) {
  kjt::LokiReceiver loki(tenant_a());
  loki.script({kjt::loki_answer(429, "Ingestion rate limit exceeded", {{"Retry-After", "0"}}),
               kjt::loki_answer(500, "oops")});
  kjt::AgentProcess agent(write_config(loki), port);
  ASSERT_TRUE(kjt::wait_until([&] { return loki.entries().size() >= kEntries; }))
      << loki.entries().size() << " of " << kEntries << "\n"
      << agent.log();
  std::this_thread::sleep_for(300ms);  // anything more would be a duplicate

  std::map<std::string, int> seen;
  for (const auto& e : loki.entries()) {
    ++seen[e.line];
    EXPECT_EQ(e.stream.at("node"), "kjt-node");
    EXPECT_EQ(e.meta("identifier"), e.stream.at("component"));
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kEntries));
  for (const auto& [line, n] : seen) EXPECT_EQ(n, 1) << line;
  EXPECT_EQ(loki.violations(), std::vector<std::string>{});
  const auto statuses = loki.statuses();
  ASSERT_GE(statuses.size(), 3u);
  EXPECT_EQ(statuses[0], 429);
  EXPECT_EQ(statuses[1], 500);
  EXPECT_EQ(agent.exporter_metric("kjournal_exporter_records_sent_total", "loki"),
            double(kEntries));
  EXPECT_EQ(agent.exporter_metric("kjournal_exporter_records_dropped_total", "loki"), 0.0);
  EXPECT_GE(agent.exporter_metric("kjournal_exporter_retries_total", "loki").value_or(0), 2.0);
  auto exit = agent.terminate(10s);
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_code, 0) << agent.log();
}

TEST_F(LokiAgentTest, ProtobufPushesDeliverEveryEntryOnce) {
  kjt::LokiReceiver loki(tenant_a());
  kjt::AgentProcess agent(write_config(loki, "protobuf"), port);
  ASSERT_TRUE(kjt::wait_until([&] { return loki.entries().size() >= kEntries; })) << agent.log();
  std::this_thread::sleep_for(300ms);
  std::map<std::string, int> seen;
  for (const auto& e : loki.entries()) ++seen[e.line];
  EXPECT_EQ(seen.size(), static_cast<size_t>(kEntries));
  for (const auto& [line, n] : seen) EXPECT_EQ(n, 1) << line;
  EXPECT_EQ(loki.violations(), std::vector<std::string>{});
  EXPECT_EQ(loki.requests().at(0).header("Content-Type"), "application/x-protobuf");
}

TEST_F(LokiAgentTest, BadRequestIsDroppedAndShowsInMetrics) {
  kjt::LokiReceiver loki(tenant_a());
  loki.script({kjt::loki_answer(400, "entry too far behind")});
  kjt::AgentProcess agent(write_config(loki), port);
  const auto dropped = [&] {
    return agent.exporter_metric("kjournal_exporter_records_dropped_total", "loki").value_or(0);
  };
  const auto sent = [&] {
    return agent.exporter_metric("kjournal_exporter_records_sent_total", "loki").value_or(0);
  };
  ASSERT_TRUE(kjt::wait_until([&] { return dropped() + sent() >= kEntries; })) << agent.log();
  const double n_dropped = dropped();
  EXPECT_GT(n_dropped, 0.0);
  EXPECT_EQ(n_dropped + double(loki.entries().size()), double(kEntries))
      << "the dropped batch is not sent again";
  EXPECT_EQ(agent.metric("kjournal_exporter_errors_total{exporter=\"loki\",reason=\"http_400\"}"),
            1.0);
  const auto statuses = loki.statuses();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 400), 1) << "never retried";
  EXPECT_EQ(loki.violations(), std::vector<std::string>{});
  EXPECT_NE(agent.log().find("entry too far behind"), std::string::npos) << agent.log();
}

}  // namespace
