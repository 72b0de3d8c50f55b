#include "exporters/http/http_exporter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <thread>

#include "exporters/http/http_status_classifier.h"
#include "exporters/http/http_transport.h"
#include "tests/support/local_http_server.h"

namespace kj::exporters {
namespace {

using kjt::CannedResponse;
using kjt::CapturedRequest;
using kjt::LocalHttpServer;
using std::chrono::milliseconds;

// One line per record: its message. Enough to see which records a request carried.
class LinesEncoder final : public HttpEncoder {
 public:
  EncodedRequest encode(std::span<const Record> records) override {
    EncodedRequest r;
    r.path_and_query = "/push";
    r.content_type = "text/plain";
    for (const auto& rec : records) r.body += rec.message + "\n";
    return r;
  }
};

// The shape of per-item answers (Elasticsearch bulk items, partial success): the body lists
// the indexes to drop and to send again, "drop=1,3 retry=2".
class ItemsClassifier final : public ResponseClassifier {
 public:
  SendResult classify(const HttpResponse& response) override {
    SendResult r = classify_http_status(response);
    if (r.outcome != Outcome::success) return r;
    std::istringstream in(response.body);
    std::string part;
    while (in >> part) {
      auto eq = part.find('=');
      auto& list = part.substr(0, eq) == "drop" ? r.dropped_items : r.retry_items;
      std::istringstream items(part.substr(eq + 1));
      std::string n;
      while (std::getline(items, n, ',')) list.push_back(std::stoul(n));
    }
    if (!r.retry_items.empty() || !r.dropped_items.empty()) r.reason = "partial";
    return r;
  }
};

std::vector<Record> records(int n) {
  std::vector<Record> out(n);
  for (int i = 0; i < n; ++i) out[i].message = "r" + std::to_string(i);
  return out;
}

std::vector<std::string> lines(const std::string& body) {
  std::vector<std::string> out;
  std::istringstream in(body);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

struct Fixture {
  explicit Fixture(
      LocalHttpServer::Handler handler, int64_t retry_max_ms = 40,
      std::unique_ptr<ResponseClassifier> classifier = std::make_unique<HttpStatusClassifier>())
      : server(std::move(handler)) {
    config::HttpConfig http;
    http.url = server.url();
    http.timeout = milliseconds(5000);
    config::RetryConfig retry;
    retry.initial = milliseconds(5);
    retry.max = milliseconds(retry_max_ms);
    exporter = std::make_unique<HttpExporter>(
        "test", http, retry, std::make_unique<LinesEncoder>(), std::move(classifier),
        [this](LogLevel level, std::string_view message) {
          std::lock_guard lock(log_mutex);
          log.push_back(std::string(log_level_name(level)) + ": " + std::string(message));
        });
  }
  std::vector<std::string> log_lines() {
    std::lock_guard lock(log_mutex);
    return log;
  }

  LocalHttpServer server;
  std::unique_ptr<HttpExporter> exporter;
  std::mutex log_mutex;
  std::vector<std::string> log;
};

CannedResponse status(int s, std::string body = {}) {
  CannedResponse r;
  r.status = s;
  r.body = std::move(body);
  return r;
}

TEST(HttpExporterTest, DeliversABatchInOneRequest) {
  Fixture f([](const CapturedRequest&) { return status(200); });
  auto batch = records(5);
  auto report = f.exporter->deliver(batch, {});
  EXPECT_EQ(report.delivered, 5u);
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_FALSE(report.aborted);
  const auto& c = f.exporter->counters();
  EXPECT_EQ(c.records_sent, 5u);
  EXPECT_EQ(c.requests, 1u);
  EXPECT_GT(c.bytes_sent, 0u);
  EXPECT_EQ(lines(f.server.requests().at(0).body).size(), 5u);
}

TEST(HttpExporterTest, RetriesTheSameBytesUntilSuccess) {
  std::atomic<int> calls{0};
  Fixture f([&](const CapturedRequest&) { return status(++calls <= 2 ? 503 : 200); });
  auto batch = records(3);
  auto report = f.exporter->deliver(batch, {});
  EXPECT_EQ(report.delivered, 3u);
  const auto& c = f.exporter->counters();
  EXPECT_EQ(c.requests, 3u);
  EXPECT_EQ(c.retries, 2u);
  EXPECT_EQ(c.errors().at("http_503"), 2u);
  auto seen = f.server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].raw_body, seen[1].raw_body);  // frozen: compressed bytes identical
  EXPECT_EQ(seen[1].raw_body, seen[2].raw_body);
}

TEST(HttpExporterTest, HonoursRetryAfter) {
  std::atomic<int> calls{0};
  Fixture f([&](const CapturedRequest&) {
    auto r = status(++calls == 1 ? 429 : 200);
    if (calls == 1) r.headers = {{"Retry-After", "1"}};
    return r;
  });
  auto batch = records(1);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(f.exporter->deliver(batch, {}).delivered, 1u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(950));
}

TEST(HttpExporterTest, SplitsTooLargeBatchesInHalves) {
  // The backend takes at most 2 records per request.
  Fixture f([](const CapturedRequest& r) { return status(lines(r.body).size() > 2 ? 413 : 200); });
  auto batch = records(7);
  auto report = f.exporter->deliver(batch, {});
  EXPECT_EQ(report.delivered, 7u);
  std::vector<std::string> delivered;
  for (const auto& r : f.server.requests()) {
    auto l = lines(r.body);
    if (l.size() <= 2) delivered.insert(delivered.end(), l.begin(), l.end());
  }
  std::vector<std::string> expected;
  for (const auto& r : batch) expected.push_back(r.message);
  EXPECT_EQ(delivered, expected);  // each record once, in order
  EXPECT_EQ(f.exporter->counters().records_dropped.load(), 0u);
}

TEST(HttpExporterTest, ASingleRecordThatStillSplitsIsDropped) {
  // r2 alone is too large.
  Fixture f([](const CapturedRequest& r) {
    return status(r.body.find("r2\n") != std::string::npos ? 413 : 200);
  });
  auto batch = records(4);
  auto report = f.exporter->deliver(batch, {});
  EXPECT_EQ(report.delivered, 3u);
  EXPECT_EQ(report.dropped, 1u);
  EXPECT_EQ(f.exporter->counters().records_dropped.load(), 1u);
}

TEST(HttpExporterTest, DropsRejectedBatchesAndCountsThem) {
  Fixture f([](const CapturedRequest&) { return status(400, "bad request body"); });
  auto batch = records(4);
  auto report = f.exporter->deliver(batch, {});
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_EQ(report.dropped, 4u);
  EXPECT_NE(report.last_error.find("bad request body"), std::string::npos);
  const auto& c = f.exporter->counters();
  EXPECT_EQ(c.records_dropped, 4u);
  EXPECT_EQ(c.requests, 1u);  // never retried
  EXPECT_EQ(c.errors().at("http_400"), 1u);
  auto log = f.log_lines();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find("warning: exporter test: dropped 4"), std::string::npos) << log[0];
}

TEST(HttpExporterTest, ParksOnConfigurationErrorsAndResumes) {
  std::atomic<int> calls{0};
  Fixture f([&](const CapturedRequest&) { return status(++calls <= 3 ? 401 : 200); });
  auto batch = records(2);
  std::atomic<bool> saw_parked{false};
  std::jthread watcher([&](std::stop_token st) {
    while (!st.stop_requested()) {
      if (f.exporter->counters().parked == 1) saw_parked = true;
      std::this_thread::sleep_for(milliseconds(2));
    }
  });
  auto report = f.exporter->deliver(batch, {});
  watcher.request_stop();
  watcher.join();
  EXPECT_EQ(report.delivered, 2u);
  EXPECT_TRUE(saw_parked);
  EXPECT_EQ(f.exporter->counters().parked.load(), 0u);
  EXPECT_EQ(f.exporter->counters().errors().at("http_401"), 3u);
  auto log = f.log_lines();
  ASSERT_EQ(log.size(), 2u);  // parked once (not per probe), resumed once
  EXPECT_NE(log[0].find("error: exporter test: parked"), std::string::npos) << log[0];
  EXPECT_NE(log[1].find("resumed"), std::string::npos) << log[1];
}

TEST(HttpExporterTest, StopInterruptsTheBackoff) {
  Fixture f([](const CapturedRequest&) { return status(503); }, /*retry_max_ms=*/60'000);
  auto batch = records(2);
  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(milliseconds(300));
    stop.request_stop();
  });
  const auto start = std::chrono::steady_clock::now();
  auto report = f.exporter->deliver(batch, stop.get_token());
  EXPECT_TRUE(report.aborted);
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(3000));
}

TEST(HttpExporterTest, StopInterruptsAParkedExporter) {
  Fixture f([](const CapturedRequest&) { return status(403); }, /*retry_max_ms=*/60'000);
  auto batch = records(1);
  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(milliseconds(200));
    stop.request_stop();
  });
  auto report = f.exporter->deliver(batch, stop.get_token());
  EXPECT_TRUE(report.aborted);
  EXPECT_EQ(f.exporter->counters().parked.load(), 1u);
}

TEST(HttpExporterTest, GivesUpAfterMaxElapsed) {
  LocalHttpServer server([](const CapturedRequest&) { return status(503); });
  config::HttpConfig http;
  http.url = server.url();
  config::RetryConfig retry;
  retry.initial = milliseconds(5);
  retry.max = milliseconds(20);
  retry.max_elapsed = milliseconds(200);
  HttpExporter exporter("test", http, retry, std::make_unique<LinesEncoder>(),
                        std::make_unique<HttpStatusClassifier>(),
                        [](LogLevel, std::string_view) {});
  auto batch = records(3);
  auto report = exporter.deliver(batch, {});
  EXPECT_EQ(report.dropped, 3u);
  EXPECT_EQ(exporter.counters().errors().at("retry_expired"), 1u);
  EXPECT_GT(exporter.counters().retries.load(), 1u);
}

TEST(HttpExporterTest, ServerDownThenUpIsRetried) {
  // Nothing listens at first: connection refused is retried with reason "connect".
  config::RetryConfig retry;
  retry.initial = milliseconds(5);
  retry.max = milliseconds(20);
  config::HttpConfig http;
  http.url = "http://127.0.0.1:1";
  HttpExporter exporter("down", http, retry, std::make_unique<LinesEncoder>(),
                        std::make_unique<HttpStatusClassifier>(),
                        [](LogLevel, std::string_view) {});
  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(milliseconds(200));
    stop.request_stop();
  });
  auto batch = records(1);
  auto report = exporter.deliver(batch, stop.get_token());
  EXPECT_TRUE(report.aborted);
  EXPECT_GE(exporter.counters().errors().at("connect"), 2u);
}

TEST(HttpExporterTest, PerItemResultsResendOnlyTheFailedRecords) {
  std::atomic<int> calls{0};
  Fixture f(
      [&](const CapturedRequest&) {
        // First answer: r1 and r3 rejected for good, r2 to send again; then all accepted.
        return status(200, ++calls == 1 ? "drop=1,3 retry=2" : "");
      },
      40, std::make_unique<ItemsClassifier>());
  auto batch = records(5);
  auto report = f.exporter->deliver(batch, {});
  EXPECT_EQ(report.delivered, 3u);  // r0, r4, then r2
  EXPECT_EQ(report.dropped, 2u);
  auto seen = f.server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(lines(seen[1].body), std::vector<std::string>{"r2"});
  const auto& c = f.exporter->counters();
  EXPECT_EQ(c.records_sent, 3u);
  EXPECT_EQ(c.records_dropped, 2u);
  EXPECT_EQ(c.retries, 1u);
}

TEST(HttpExporterTest, SetupRunsOnceBeforeTheFirstBatch) {
  Fixture f([](const CapturedRequest&) { return status(200); });
  int setups = 0;
  f.exporter->set_setup([&](HttpTransport& transport) {
    ++setups;
    EncodedRequest r;
    r.path_and_query = "/setup";
    auto response = transport.send(r);
    SendResult result = classify_http_status(response);
    if (setups == 1) result.outcome = Outcome::retry;  // the first try fails
    return result;
  });
  auto batch = records(2);
  EXPECT_EQ(f.exporter->deliver(batch, {}).delivered, 2u);
  EXPECT_EQ(f.exporter->deliver(batch, {}).delivered, 2u);
  EXPECT_EQ(setups, 2);
  auto seen = f.server.requests();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].uri, "/setup");
  EXPECT_EQ(seen[1].uri, "/setup");
  EXPECT_EQ(seen[2].uri, "/push");
}

}  // namespace
}  // namespace kj::exporters
