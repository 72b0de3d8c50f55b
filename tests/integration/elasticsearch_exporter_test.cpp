// `kjournal agent` exporting a journal to the Elasticsearch _bulk stand-in
// (tests/support/elasticsearch_receiver.h, which checks every request against BACKENDS.md
// §2): every entry is stored exactly once under its record id, a cluster error is retried,
// and documents the cluster refuses for good are dropped and show up in /metrics.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "core/record_id.h"
#include "tests/support/agent_process.h"
#include "tests/support/clickhouse_server.h"
#include "tests/support/elasticsearch_receiver.h"
#include "tests/support/journal_fixture.h"
#include "tests/support/kjournal_cli.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace std::chrono_literals;

constexpr int kEntries = 300;
constexpr int kPoisonEvery = 37;  // entries 0, 37, 74, ... are refused by the cluster
constexpr uint64_t kBaseUs = 1'795'819'800'000'000;  // 2026-11-27 22:50:00 UTC

bool poisoned(int i) {
  return i % kPoisonEvery == 0;
}

std::vector<kjt::Entry> journal_entries() {
  const std::string boot = kjt::id128_from_seed("es-boot");
  std::vector<kjt::Entry> out;
  for (int i = 0; i < kEntries; ++i) {
    kjt::Entry e;
    e.realtime(kBaseUs + uint64_t(i) * 1'000)
        .monotonic(1'000'000 + uint64_t(i) * 1'000)
        .boot_id(boot)
        .message(std::string("I1127 22:50:00.000000    1234 kubelet.go:42] \"entry") +
                 (poisoned(i) ? " POISON" : "") + "\" seq=" + std::to_string(i))
        .set("PRIORITY", "6")
        .set("SYSLOG_IDENTIFIER", "kubelet")
        .set("_SYSTEMD_UNIT", "kubelet.service")
        .set("_PID", "1234")
        .set("_HOSTNAME", "node-1");
    out.push_back(std::move(e));
  }
  return out;
}

// Record ids from the cursors journalctl (the reference reader) gives the entries, by seq.
std::map<int, std::string> expected_ids(const std::filesystem::path& dir) {
  const auto r = kjt::run_journalctl({"-D", dir.string(), "-o", "json"});
  if (r.exit_code() != 0) throw std::runtime_error(r.describe());
  std::map<int, std::string> ids;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto entry = nlohmann::json::parse(line);
    const auto message = entry.at("MESSAGE").get<std::string>();
    const auto at = message.find("seq=");
    std::string id;
    kj::append_record_id(id, entry.at("__CURSOR").get<std::string>());
    ids[std::stoi(message.substr(at + 4))] = id;
  }
  return ids;
}

TEST(ElasticsearchAgentTest, EveryEntryStoredOnceAndRefusedDocumentsCountedAsDropped) {
  kjt::TempDir dir("kjt-es-agent");
  std::filesystem::create_directories(dir / "journal");
  kjt::write_journal_file(dir / "journal" / "system.journal", journal_entries());
  const auto want = expected_ids(dir / "journal");
  ASSERT_EQ(want.size(), size_t(kEntries));

  kjt::ElasticsearchReceiverOptions options;
  options.reject_message_containing = "POISON";
  kjt::ElasticsearchReceiver es(options);
  kjt::EsScript unavailable;  // the first bulk request meets a cluster that is not ready
  unavailable.http =
      kjt::CannedResponse{503, R"({"error":{"type":"cluster_block_exception"}})", {}, {}};
  es.script(unavailable);

  const uint16_t port = kjt::free_local_port();
  const auto config = dir / "agent.yaml";
  std::ofstream(config) << "node: kjt-node\n"
                           "state_dir: "
                        << (dir / "state").string()
                        << "\n"
                           "server: {listen: \"127.0.0.1:"
                        << port
                        << "\"}\n"
                           "sources:\n"
                           "  - name: node-journal\n"
                           "    type: journal\n"
                           "    directory: "
                        << (dir / "journal").string()
                        << "\n"
                           "    all: true\n"
                           "    start_at: beginning\n"
                           "exporters:\n"
                           "  - name: es\n"
                           "    type: elasticsearch\n"
                           "    url: "
                        << es.url()
                        << "\n"
                           "    batch: {max_records: 64, max_wait: 100ms}\n"
                           "    retry: {initial: 50ms, max: 200ms}\n";
  kjt::AgentProcess agent(config, port);

  int poison = 0;
  for (int i = 0; i < kEntries; ++i) poison += poisoned(i);
  const auto metric = [&](const std::string& name) {
    return agent.exporter_metric(name, "es").value_or(-1);
  };
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline &&
         (es.document_count() < size_t(kEntries - poison) ||
          metric("kjournal_exporter_records_dropped_total") < poison))
    std::this_thread::sleep_for(50ms);
  std::this_thread::sleep_for(300ms);  // anything extra would arrive now

  EXPECT_TRUE(es.violations().empty()) << ::testing::PrintToString(es.violations());
  std::map<std::string, int> copies;
  for (const auto& d : es.documents()) {
    ++copies[d.id];
    EXPECT_EQ(d.index, "kjournal-2026.11.27");
    EXPECT_EQ(d.source["host"]["name"], "kjt-node");
    EXPECT_EQ(d.source["service"]["name"], "kubelet");
    EXPECT_EQ(d.source["log"]["origin"]["file"]["line"], 42);
  }
  for (const auto& [seq, id] : want) {
    if (poisoned(seq))
      EXPECT_EQ(copies.count(id), 0u) << "refused entry " << seq << " stored";
    else
      EXPECT_EQ(copies[id], 1) << "entry " << seq;
  }
  EXPECT_EQ(es.document_count(), size_t(kEntries - poison)) << agent.log();
  EXPECT_EQ(metric("kjournal_exporter_records_sent_total"), double(kEntries - poison));
  EXPECT_EQ(metric("kjournal_exporter_records_dropped_total"), double(poison));
  EXPECT_GE(metric("kjournal_exporter_retries_total"), 1.0);
  EXPECT_EQ(es.scripts_left(), 0u);

  auto exit = agent.terminate(10s);
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_code, 0) << agent.log();
}

}  // namespace
