// `kjournal agent` end to end, against real components only: a journald namespace instance
// receives the entries while the agent runs, a real clickhouse-server (Debian's 18.16)
// stores them, and the tests check delivery by record id: every entry exactly once, through
// a backend outage, repeated SIGKILLs, and a checkpoint entry vacuumed while the agent was
// down.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "core/record_id.h"
#include "tests/support/agent_process.h"
#include "tests/support/clickhouse_server.h"
#include "tests/support/journald_namespace.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string random_run_id() {
  std::random_device rd;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  return buf;
}

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + p.string());
}

// Sends entries KJT_SEQ=first..first+count-1 of this run, `per_second` at most (0: as fast
// as journald takes them).
void send_entries(kjt::JournaldNamespace& ns, const std::string& run, int first, int count,
                  int per_second = 0) {
  const auto start = Clock::now();
  for (int i = first; i < first + count; ++i) {
    ns.send({{"MESSAGE", "I1128 10:00:00.000000    1234 kjt.go:42] \"entry\" seq=" +
                             std::to_string(i) + " run=\"" + run + "\""},
             {"SYSLOG_IDENTIFIER", "kjt-writer"},
             {"PRIORITY", "6"},
             {"KJT_RUN", run},
             {"KJT_SEQ", std::to_string(i)}});
    if (per_second > 0) {
      const auto due =
          start + std::chrono::microseconds(int64_t(i - first + 1) * 1'000'000 / per_second);
      std::this_thread::sleep_until(due);
    }
  }
}

// The record ids the agent must produce for this run's entries: from journald's cursors,
// read back with journalctl (the reference reader).
std::set<std::string> expected_ids(kjt::JournaldNamespace& ns, const std::string& run) {
  ns.sync();
  std::set<std::string> ids;
  std::istringstream in(ns.journalctl_json({"KJT_RUN=" + run}));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::string id;
    kj::append_record_id(id, nlohmann::json::parse(line).at("__CURSOR").get<std::string>());
    ids.insert(id);
  }
  return ids;
}

struct Delivered {
  uint64_t rows = 0;
  std::set<std::string> ids;
  uint64_t duplicates() const { return rows - ids.size(); }
};

Delivered delivered(const kjt::ClickHouseServer& ch, const std::string& table) {
  Delivered d;
  std::istringstream in(ch.query("SELECT record_uid FROM " + table + " FORMAT TabSeparated"));
  std::string id;
  while (std::getline(in, id)) {
    if (id.empty()) continue;
    ++d.rows;
    d.ids.insert(id);
  }
  return d;
}

// Distinct record ids stored (duplicates from retries and crashes count once).
uint64_t row_count(const kjt::ClickHouseServer& ch, const std::string& table) {
  try {
    return std::stoull(ch.query("SELECT uniqExact(record_uid) FROM " + table));
  } catch (const std::exception&) {
    return 0;  // table not created yet, or the server is down
  }
}

// Waits until the table holds at least `n` distinct records; false on timeout.
bool wait_rows(const kjt::ClickHouseServer& ch, const std::string& table, uint64_t n,
               std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (row_count(ch, table) >= n) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

// Lines an NDJSON file exporter has written.
size_t count_lines(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string l;
  size_t n = 0;
  while (std::getline(in, l)) n += !l.empty();
  return n;
}

// Waits (30 s at most) until the file has `n` lines; returns how many it has.
size_t wait_for_lines(const std::filesystem::path& p, size_t n) {
  const auto deadline = Clock::now() + 30s;
  while (count_lines(p) < n && Clock::now() < deadline) std::this_thread::sleep_for(50ms);
  return count_lines(p);
}

class AgentTest : public ::testing::Test {
 protected:
  kjt::TempDir dir{"kjt-agent"};
  std::string run = random_run_id();
  uint16_t port = kjt::free_local_port();

  std::filesystem::path write_config(const kjt::JournaldNamespace& ns, const std::string& exporter,
                                     const std::string& pipeline = "") {
    const auto path = dir / "agent.yaml";
    write_file(path,
               "node: kjt-node\n"
               "state_dir: " +
                   (dir / "state").string() +
                   "\n"
                   "server: {listen: \"127.0.0.1:" +
                   std::to_string(port) + "\"}\n" + pipeline +
                   "sources:\n"
                   "  - name: node-journal\n"
                   "    type: journal\n"
                   "    namespace: " +
                   ns.name() +
                   "\n"
                   "    all: true\n"
                   "    matches: [\"KJT_RUN=" +
                   run +
                   "\"]\n"
                   "    start_at: beginning\n"
                   "exporters:\n" +
                   exporter);
    return path;
  }

  static std::string file_exporter(const std::filesystem::path& path, const std::string& max_wait) {
    return "  - name: local\n    type: file\n    path: " + path.string() +
           "\n    batch: {max_wait: " + max_wait + "}\n";
  }

  static std::string clickhouse_exporter(const kjt::ClickHouseServer& ch, int max_records = 5000) {
    return "  - name: central\n"
           "    type: clickhouse\n"
           "    url: " +
           ch.url() +
           "\n"
           "    table: kjt.logs\n"
           "    create_table: true\n"
           "    batch: {max_records: " +
           std::to_string(max_records) +
           ", max_wait: 200ms}\n"
           "    retry: {initial: 100ms, max: 1s}\n";
  }
};

kjt::JournaldOptions unlimited() {
  // journald's per-service rate limit would drop part of a 50,000-entry burst.
  return {"[Journal]\nRateLimitBurst=0\n"};
}

TEST_F(AgentTest, EveryJournalEntryArrivesInClickHouseExactlyOnce) {
  kjt::JournaldNamespace ns(unlimited());
  kjt::ClickHouseServer ch;
  kjt::AgentProcess agent(write_config(ns, clickhouse_exporter(ch)), port);

  constexpr int kEntries = 50'000;
  std::thread writer([&] { send_entries(ns, run, 0, kEntries); });
  writer.join();
  ASSERT_TRUE(wait_rows(ch, "kjt.logs", kEntries, 120s)) << row_count(ch, "kjt.logs") << " rows\n"
                                                         << agent.log();
  std::this_thread::sleep_for(1s);  // anything extra would arrive now

  const auto want = expected_ids(ns, run);
  ASSERT_EQ(want.size(), size_t(kEntries)) << "journald did not store every entry";
  const auto got = delivered(ch, "kjt.logs");
  EXPECT_EQ(got.rows, uint64_t(kEntries));
  EXPECT_EQ(got.duplicates(), 0u);
  EXPECT_TRUE(got.ids == want) << "the set of record ids differs from journald's entries";
  EXPECT_EQ(agent.metric("kjournal_exporter_records_sent_total{exporter=\"central\"}"),
            double(kEntries));
  EXPECT_EQ(agent.metric("kjournal_exporter_records_dropped_total{exporter=\"central\"}"), 0.0);

  // The stored rows carry the normalized fields, not just ids.
  EXPECT_EQ(ch.query("SELECT count() FROM kjt.logs WHERE host = 'kjt-node' AND severity = 'info'"
                     " AND caller = 'kjt.go:42' AND message = 'entry'"),
            std::to_string(kEntries) + "\n");
  auto exit = agent.terminate(15s);
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_code, 0) << agent.log();
}

TEST_F(AgentTest, ClickHouseOutageLosesNothingAndMemoryStaysBounded) {
  kjt::JournaldNamespace ns(unlimited());
  kjt::ClickHouseServer ch;
  kjt::AgentProcess agent(
      write_config(ns, clickhouse_exporter(ch, 2000), "pipeline: {max_buffered_bytes: 2MiB}\n"),
      port);

  constexpr int kEntries = 50'000;
  std::thread writer([&] { send_entries(ns, run, 0, kEntries, 2500); });  // 20 s
  ASSERT_TRUE(wait_rows(ch, "kjt.logs", 5000, 60s)) << agent.log();
  const uint64_t rss_before = agent.rss_anon_kib();
  ch.stop();
  const auto outage_end = Clock::now() + 30s;
  uint64_t rss_max = rss_before;
  double read_mid = 0;
  while (Clock::now() < outage_end) {
    rss_max = std::max(rss_max, agent.rss_anon_kib());
    if (Clock::now() > outage_end - 5s && read_mid == 0)
      read_mid =
          agent.metric("kjournal_source_records_read_total{source=\"node-journal\"}").value_or(0);
    std::this_thread::sleep_for(250ms);
  }
  writer.join();
  const double read_end =
      agent.metric("kjournal_source_records_read_total{source=\"node-journal\"}").value_or(0);
  const double retries =
      agent.metric("kjournal_exporter_retries_total{exporter=\"central\"}").value_or(0);
  ch.start();
  ASSERT_TRUE(wait_rows(ch, "kjt.logs", kEntries, 120s)) << row_count(ch, "kjt.logs") << " rows\n"
                                                         << agent.log();
  std::this_thread::sleep_for(1s);

  const auto want = expected_ids(ns, run);
  const auto got = delivered(ch, "kjt.logs");
  EXPECT_TRUE(got.ids == want) << got.ids.size() << " of " << want.size() << " ids delivered";
  // A request cut by the server's shutdown may have been stored and is then sent again.
  EXPECT_LE(got.duplicates(), 2000u);
  RecordProperty("duplicates", std::to_string(got.duplicates()));
  EXPECT_GT(retries, 0) << "the exporter should have retried during the outage";
  // Backpressure: while the backend was down the agent stopped reading (all 50,000 were
  // written by then), so its buffer, not the journal, is what stayed bounded.
  EXPECT_LT(read_end, double(kEntries)) << "the agent kept reading with the backend down";
  EXPECT_LT(rss_max, rss_before + 24 * 1024)
      << "anonymous RSS grew from " << rss_before << " KiB to " << rss_max << " KiB";
  RecordProperty("rss_anon_before_kib", std::to_string(rss_before));
  RecordProperty("rss_anon_max_kib", std::to_string(rss_max));
  (void)read_mid;
}

TEST_F(AgentTest, FiveSigkillsLoseNothingAndDuplicateAtMostOneWindowEach) {
  kjt::JournaldNamespace ns(unlimited());
  kjt::ClickHouseServer ch;
  constexpr int kMaxRecords = 2000;
  const auto config =
      write_config(ns, clickhouse_exporter(ch, kMaxRecords),
                   "pipeline: {max_buffered_bytes: 1MiB, checkpoint_interval: 200ms}\n");
  constexpr int kEntries = 50'000;
  std::thread writer([&] { send_entries(ns, run, 0, kEntries, 5000); });  // 10 s
  {
    auto agent = std::make_unique<kjt::AgentProcess>(config, port);
    for (int kill = 0; kill < 5; ++kill) {
      std::this_thread::sleep_for(1500ms);
      agent->kill9();
      agent.reset();
      agent = std::make_unique<kjt::AgentProcess>(config, port);
    }
    writer.join();
    ASSERT_TRUE(wait_rows(ch, "kjt.logs", kEntries, 120s)) << row_count(ch, "kjt.logs") << " rows\n"
                                                           << agent->log();
    std::this_thread::sleep_for(1s);
    auto exit = agent->terminate(15s);
    ASSERT_TRUE(exit);
    EXPECT_EQ(exit->exit_code, 0);
  }
  const auto want = expected_ids(ns, run);
  const auto got = delivered(ch, "kjt.logs");
  EXPECT_TRUE(got.ids == want) << got.ids.size() << " of " << want.size() << " ids delivered";
  // One in-flight window: what was read after the last checkpoint write, bounded by the
  // memory budget plus one checkpoint interval of acknowledged batches.
  const uint64_t window = 2 * kMaxRecords;
  EXPECT_LE(got.duplicates(), 5 * window);
  RecordProperty("duplicates", std::to_string(got.duplicates()));
  std::printf("[          ] 5 x SIGKILL: %llu duplicates of %d entries\n",
              static_cast<unsigned long long>(got.duplicates()), kEntries);
}

TEST_F(AgentTest, CheckpointVacuumedWhileDownIsReportedAsAGapAndTheAgentGoesOn) {
  kjt::JournaldNamespace ns;
  const auto out = dir / "out.ndjson";
  const auto config = write_config(ns, file_exporter(out, "100ms"));
  auto wait_lines = [&](size_t n) { return wait_for_lines(out, n); };
  send_entries(ns, run, 0, 100);
  {
    kjt::AgentProcess agent(config, port);
    ASSERT_EQ(wait_lines(100), 100u) << agent.log();
    auto exit = agent.terminate(15s);
    ASSERT_TRUE(exit);
    ASSERT_EQ(exit->exit_code, 0) << agent.log();
  }
  // While the agent is down: the file holding its checkpoint entry is archived and vacuumed.
  send_entries(ns, run, 100, 100);
  ns.rotate();
  send_entries(ns, run, 200, 100);
  ns.rotate();
  ns.vacuum_files(1);
  send_entries(ns, run, 300, 100);
  ns.sync();

  kjt::AgentProcess agent(config, port);
  // --vacuum-files=1 leaves only the active file: entries 300..399.
  const size_t after = wait_lines(100 + 100);
  EXPECT_EQ(after, 200u) << agent.log();
  EXPECT_EQ(agent.metric("kjournal_source_gaps_total{source=\"node-journal\"}"), 1.0);
  const double lost =
      agent.metric("kjournal_source_gap_estimated_lost_entries_total{source=\"node-journal\"}")
          .value_or(-1);
  EXPECT_GE(lost, 200.0) << "entries 100..299 were vacuumed before the agent read them";
  EXPECT_NE(agent.log().find("vacuumed"), std::string::npos) << agent.log();
  // ... and it goes on: a new entry still arrives.
  send_entries(ns, run, 400, 1);
  EXPECT_EQ(wait_lines(after + 1), after + 1) << agent.log();
}

TEST_F(AgentTest, SigtermFlushesAndARestartResumesExactlyAfterTheCheckpoint) {
  kjt::JournaldNamespace ns;
  const auto out = dir / "out.ndjson";
  const auto config = write_config(ns, file_exporter(out, "5s"));
  send_entries(ns, run, 0, 1000);
  ns.sync();
  {
    kjt::AgentProcess agent(config, port);
    std::this_thread::sleep_for(1s);  // read, but the 5 s linger has not sent everything
    auto exit = agent.terminate(15s);
    ASSERT_TRUE(exit);
    EXPECT_EQ(exit->exit_code, 0) << agent.log();
  }
  send_entries(ns, run, 1000, 1000);
  ns.sync();
  {
    kjt::AgentProcess agent(config, port);
    std::this_thread::sleep_for(1500ms);
    auto exit = agent.terminate(15s);
    ASSERT_TRUE(exit);
    EXPECT_EQ(exit->exit_code, 0) << agent.log();
  }
  std::ifstream in(out);
  std::string line;
  std::map<std::string, int> seen;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    ++seen[j.at("id").get<std::string>()];
  }
  const auto want = expected_ids(ns, run);
  EXPECT_EQ(seen.size(), want.size());
  for (const auto& [id, n] : seen)
    EXPECT_EQ(n, 1) << "record " << id << " delivered " << n << " times";
  for (const auto& id : want) EXPECT_TRUE(seen.count(id)) << "record " << id << " missing";
}

TEST_F(AgentTest, SighupReloadsTheConfigAndContinuesFromTheCheckpoint) {
  kjt::JournaldNamespace ns;
  const auto first = dir / "first.ndjson", second = dir / "second.ndjson";
  const auto config = write_config(ns, file_exporter(first, "100ms"));
  send_entries(ns, run, 0, 50);
  kjt::AgentProcess agent(config, port);
  ASSERT_EQ(wait_for_lines(first, 50), 50u) << agent.log();

  write_config(ns, file_exporter(second, "100ms"));
  agent.child().signal(SIGHUP);
  const auto deadline = Clock::now() + 10s;
  while (agent.log().find("agent started") == agent.log().rfind("agent started") &&
         Clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  send_entries(ns, run, 50, 50);
  EXPECT_EQ(wait_for_lines(second, 50), 50u) << agent.log();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(count_lines(first), 50u) << "the old exporter got records after the reload";
  EXPECT_EQ(count_lines(second), 50u) << "the reload replayed records already delivered";
  EXPECT_TRUE(agent.child().running());

  // A broken config on SIGHUP is refused; the agent keeps running the old one.
  write_file(config, "sources: [oops\n");
  agent.child().signal(SIGHUP);
  std::this_thread::sleep_for(700ms);
  EXPECT_NE(agent.log().find("reload refused"), std::string::npos) << agent.log();
  send_entries(ns, run, 100, 1);
  EXPECT_EQ(wait_for_lines(second, 51), 51u) << agent.log();
}

TEST_F(AgentTest, UnreadableJournalFailsReadinessAndSaysWhyInsteadOfRunningEmpty) {
  // Journal files exist but none can be read (here: not journal files at all; on a node: a
  // format newer than this libsystemd, or no permission). The agent must not pretend.
  const auto journal = dir / "journal";
  std::filesystem::create_directories(journal);
  write_file(journal / "system.journal", std::string(4096, 'x'));
  const auto path = dir / "agent.yaml";
  write_file(path,
             "node: kjt-node\n"
             "state_dir: " +
                 (dir / "state").string() +
                 "\n"
                 "server: {listen: \"127.0.0.1:" +
                 std::to_string(port) +
                 "\"}\n"
                 "sources:\n"
                 "  - {name: host-journal, type: journal, directory: " +
                 journal.string() +
                 "}\n"
                 "exporters:\n"
                 "  - {name: out, type: stdout}\n");
  kjt::AgentProcess agent(path, port, {}, /*wait_ready=*/false);
  const auto ready = agent.get("/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_NE(ready.body.find("host-journal"), std::string::npos) << ready.body;
  EXPECT_NE(ready.body.find((journal / "system.journal").string()), std::string::npos)
      << "readiness names the unreadable file: " << ready.body;
  EXPECT_EQ(agent.get("/healthz").status, 200) << "alive: it keeps retrying";
  EXPECT_NE(agent.log().find("cannot be read"), std::string::npos) << agent.log();
  auto exit = agent.terminate(15s);
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_code, 0) << agent.log();
}

// What systemd would see of a Type=notify unit with WatchdogSec: a real notify socket.
TEST_F(AgentTest, TellsSystemdReadyWatchdogStatusAndStopping) {
  kjt::JournaldNamespace ns;
  const auto socket_path = dir / "notify";
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{0, 200'000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string received;
  auto drain = [&] {
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) received.append(buf, n) += '\n';
  };

  kjt::RunOptions env;
  env.env = {{"NOTIFY_SOCKET", socket_path.string()}, {"WATCHDOG_USEC", "1000000"}};
  const auto config = write_config(ns, "  - {name: out, type: stdout}\n");
  kjt::AgentProcess agent(config, port, env);
  std::this_thread::sleep_for(1500ms);
  drain();
  EXPECT_NE(received.find("READY=1"), std::string::npos) << received;
  EXPECT_NE(received.find("STATUS=running"), std::string::npos) << received;
  EXPECT_NE(received.find("WATCHDOG=1"), std::string::npos)
      << "watchdog at half of 1 s: " << received;
  auto exit = agent.terminate(15s);
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->exit_code, 0);
  drain();
  EXPECT_NE(received.find("STOPPING=1"), std::string::npos) << received;
  ::close(fd);
}

TEST_F(AgentTest, InvalidConfigIsRefusedNamingFilePathAndLine) {
  const auto path = dir / "bad.yaml";
  write_file(path, "sources:\n  - name: j\n    type: journal\n    start_at: sometime\n");
  const auto r = kjt::run({KJ_BINARY, "agent", "--config", path.string()});
  EXPECT_EQ(r.exit_code(), 1) << r.describe();
  EXPECT_NE(r.err.find(path.string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sources[0].start_at"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(line 4)"), std::string::npos) << r.err;
}

}  // namespace
