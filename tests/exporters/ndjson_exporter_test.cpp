// The stdout and file exporters: the `kjournal -o json` schema line by line, durability and
// rotation for files, and what happens when nobody reads stdout any more.
#include "exporters/ndjson/ndjson_exporter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli/record_formatter.h"
#include "tests/support/temp_dir.h"

namespace kj::exporters {
namespace {

using namespace std::chrono_literals;

config::RetryConfig fast_retry() {
  config::RetryConfig r;
  r.initial = 10ms;
  r.max = 50ms;
  return r;
}

std::vector<Record> sample_records() {
  std::vector<Record> out(2);
  out[0].time_ns = 1'795'819'800'123'456'000;
  out[0].observed_time_ns = out[0].time_ns + 1000;
  out[0].severity = Severity::error;
  out[0].level_raw = "E";
  out[0].message = "Error syncing pod\nsecond line \xff";
  out[0].component = "kubelet";
  out[0].unit = "kubelet.service";
  out[0].node = "node-1";
  out[0].pid = 1234;
  out[0].caller = "pod_workers.go:1301";
  out[0].attributes = {{"pod", "default/web-1"}};
  out[0].source = "journal";
  out[0].position.cursor = "s=1;i=2";
  out[1].time_ns = 1'795'819'801'000'000'000;
  out[1].message = "no level";
  out[1].component = "kube-scheduler";
  out[1].source = "/var/log/kube-scheduler.log";
  out[1].position.cursor = "file:1:2:3";
  return out;
}

// What `kjournal -o json` prints for the records.
std::string cli_json(const std::vector<Record>& records) {
  cli::FormatOptions o;
  o.mode = cli::OutputMode::json;
  cli::RecordFormatter f(o);
  std::string out;
  for (const auto& r : records) f.append(out, r);
  return out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(NdjsonExporter, StdoutWritesTheCliJsonSchema) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto exp = NdjsonExporter::to_fd("out", fds[1], fast_retry());
  const auto records = sample_records();
  const auto report = exp->deliver(records, {});
  ::close(fds[1]);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, n);
  ::close(fds[0]);
  EXPECT_EQ(report.delivered, 2u);
  EXPECT_FALSE(report.aborted);
  EXPECT_EQ(got, cli_json(records));
  std::istringstream lines(got);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);  // throws on invalid JSON
    EXPECT_TRUE(j.contains("time"));
    ++n;
  }
  EXPECT_EQ(n, 2);
  EXPECT_EQ(exp->counters().records_sent.load(), 2u);
  EXPECT_EQ(exp->counters().bytes_sent.load(), got.size());
  EXPECT_EQ(exp->counters().requests.load(), 1u);
  EXPECT_EQ(exp->name(), "out");
}

TEST(NdjsonExporter, ClosedReaderParksWithoutKillingTheProcess) {
  // With the default SIGPIPE disposition a write to a closed pipe would kill the test binary.
  auto* old = std::signal(SIGPIPE, SIG_DFL);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  auto exp = NdjsonExporter::to_fd("out", fds[1], fast_retry());
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  const auto records = sample_records();
  const auto report = exp->deliver(records, stop.get_token());
  stopper.join();
  ::close(fds[1]);
  std::signal(SIGPIPE, old);
  EXPECT_TRUE(report.aborted);
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_NE(report.last_error.find("Broken pipe"), std::string::npos) << report.last_error;
  EXPECT_EQ(exp->counters().parked.load(), 1u);
  EXPECT_GE(exp->counters().errors().at("write_EPIPE"), 2u);  // probed again while parked
  EXPECT_EQ(exp->counters().records_sent.load(), 0u);
}

TEST(NdjsonExporter, FileAppendsAndFollowsRotation) {
  kjt::TempDir dir("kj-ndjson");
  const auto path = dir / "out.ndjson";
  { std::ofstream(path) << "existing line\n"; }
  auto exp = NdjsonExporter::to_file("file", path.string(), fast_retry());
  const auto records = sample_records();
  ASSERT_EQ(exp->deliver(std::span(records).first(1), {}).delivered, 1u);
  EXPECT_EQ(read_file(path), "existing line\n" + cli_json({records[0]}));

  // logrotate's default: rename, and the writer must start a new file at the path.
  std::filesystem::rename(path, dir / "out.ndjson.1");
  ASSERT_EQ(exp->deliver(std::span(records).subspan(1), {}).delivered, 1u);
  EXPECT_EQ(read_file(dir / "out.ndjson.1"), "existing line\n" + cli_json({records[0]}));
  EXPECT_EQ(read_file(path), cli_json({records[1]}));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);

  // Removed (copytruncate-less cleanup): recreated as well.
  std::filesystem::remove(path);
  ASSERT_EQ(exp->deliver(records, {}).delivered, 2u);
  EXPECT_EQ(read_file(path), cli_json(records));
  EXPECT_EQ(exp->counters().records_sent.load(), 4u);
}

TEST(NdjsonExporter, MissingDirectoryParksUntilItExists) {
  kjt::TempDir dir("kj-ndjson");
  const auto path = dir / "later" / "out.ndjson";
  auto exp = NdjsonExporter::to_file("file", path.string(), fast_retry());
  const auto records = sample_records();
  DeliveryReport report;
  std::thread t([&] { report = exp->deliver(records, {}); });
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(exp->counters().parked.load(), 1u);
  EXPECT_GE(exp->counters().errors().at("open_ENOENT"), 1u);
  std::filesystem::create_directory(dir / "later");
  t.join();
  EXPECT_EQ(report.delivered, 2u);
  EXPECT_EQ(exp->counters().parked.load(), 0u);
  EXPECT_EQ(read_file(path), cli_json(records));
}

TEST(NdjsonExporter, GivesUpAfterMaxElapsedAndCounts) {
  kjt::TempDir dir("kj-ndjson");
  config::RetryConfig retry = fast_retry();
  retry.max_elapsed = 100ms;
  auto exp = NdjsonExporter::to_file("file", (dir / "none" / "x").string(), retry);
  const auto records = sample_records();
  const auto report = exp->deliver(records, {});
  EXPECT_EQ(report.dropped, 2u);
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_FALSE(report.aborted);
  EXPECT_EQ(exp->counters().records_dropped.load(), 2u);
  EXPECT_NE(report.last_error.find((dir / "none" / "x").string()), std::string::npos);
}

TEST(NdjsonExporter, FactoryByType) {
  config::ExporterConfig c;
  c.name = "console";
  c.type = config::ExporterConfig::Type::stdout_;
  EXPECT_EQ(make_ndjson_exporter(c)->name(), "console");
  c.type = config::ExporterConfig::Type::file;
  EXPECT_THROW(make_ndjson_exporter(c), std::invalid_argument);  // no path
  c.file.path = "/tmp/x.ndjson";
  EXPECT_NO_THROW(make_ndjson_exporter(c));
  c.type = config::ExporterConfig::Type::loki;
  EXPECT_THROW(make_ndjson_exporter(c), std::invalid_argument);
}

}  // namespace
}  // namespace kj::exporters
