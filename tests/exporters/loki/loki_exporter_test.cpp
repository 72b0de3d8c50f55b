// The loki exporter in process against the test receiver that stands in for Loki's
// distributor (tests/support/loki_receiver.h): every push must pass its spec checks, retries
// deliver each entry once, a 400 is dropped after exactly one request, and TLS is verified.
#include "exporters/loki/loki_exporter.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "tests/support/loki_receiver.h"
#include "tests/support/sample_records.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls_test_certs.h"

namespace kj::exporters {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

config::ExporterConfig loki_config(const std::string& url) {
  config::ExporterConfig c;
  c.name = "loki";
  c.type = config::ExporterConfig::Type::loki;
  c.http.url = url;
  c.http.timeout = 5s;
  c.retry.initial = 20ms;
  c.retry.max = 100ms;
  return c;
}

// Each record once, by its record id.
std::multiset<std::string> record_ids(const std::vector<kjt::LokiPushedEntry>& entries) {
  std::multiset<std::string> ids;
  for (const auto& e : entries) ids.insert(e.meta("record_id"));
  return ids;
}

void expect_each_record_once(const kjt::LokiReceiver& loki, const std::vector<Record>& records) {
  const auto ids = record_ids(loki.entries());
  EXPECT_EQ(ids.size(), records.size());
  for (const auto& id : ids) EXPECT_EQ(ids.count(id), 1u) << id;
}

class LogLines {
 public:
  Logger logger() {
    return [this](LogLevel, std::string_view line) {
      std::lock_guard lock(mutex_);
      text_ += std::string(line) + "\n";
    };
  }
  std::string text() const {
    std::lock_guard lock(mutex_);
    return text_;
  }

 private:
  mutable std::mutex mutex_;
  std::string text_;
};

TEST(LokiExporterTest, JsonPushIsAcceptedWithoutViolations) {
  kjt::LokiReceiver loki;
  auto exporter = make_loki_exporter(loki_config(loki.url()));
  const auto records = kjt::sample_records();
  const auto report = exporter->deliver(records, {});
  EXPECT_EQ(report.delivered, records.size()) << report.last_error;
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_EQ(loki.violations(), std::vector<std::string>{});
  ASSERT_EQ(loki.push_count(), 1u);
  const auto request = loki.requests().at(0);
  EXPECT_EQ(request.header("Content-Encoding"), "gzip");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_EQ(request.header("X-Scope-OrgID"), "") << "no tenant configured, no header";
  expect_each_record_once(loki, records);
}

TEST(LokiExporterTest, ProtobufPushIsAcceptedWithoutViolations) {
  kjt::LokiReceiver loki;
  auto config = loki_config(loki.url());
  config.loki.encoding = "protobuf";
  auto exporter = make_loki_exporter(config);
  const auto records = kjt::sample_records();
  const auto report = exporter->deliver(records, {});
  EXPECT_EQ(report.delivered, records.size()) << report.last_error;
  EXPECT_EQ(loki.violations(), std::vector<std::string>{});
  ASSERT_EQ(loki.push_count(), 1u);
  EXPECT_EQ(loki.requests().at(0).header("Content-Type"), "application/x-protobuf");
  EXPECT_EQ(loki.requests().at(0).header("Content-Encoding"), "") << "not gzipped again";
  expect_each_record_once(loki, records);
}

TEST(LokiExporterTest, WithoutStructuredMetadataEntriesAreTheLineAlone) {
  // For a Loki that answers 400 to any push carrying structured metadata.
  for (const std::string encoding : {"json", "protobuf"}) {
    kjt::LokiReceiver loki;
    auto config = loki_config(loki.url());
    config.loki.encoding = encoding;
    config.loki.structured_metadata = false;
    auto exporter = make_loki_exporter(config);
    const auto records = kjt::sample_records();
    const auto report = exporter->deliver(records, {});
    EXPECT_EQ(report.delivered, records.size()) << encoding << ": " << report.last_error;
    EXPECT_EQ(loki.violations(), std::vector<std::string>{}) << encoding;
    const auto entries = loki.entries();
    ASSERT_EQ(entries.size(), records.size()) << encoding;
    for (const auto& e : entries) {
      EXPECT_TRUE(e.metadata.empty()) << encoding << ": " << e.line;
      EXPECT_FALSE(e.stream.empty()) << "labels are still sent";
    }
    EXPECT_EQ(entries.front().line, records.front().message) << encoding;
  }
}

TEST(LokiExporterTest, FullPushUrlAndTenantHeader) {
  kjt::LokiReceiverOptions options;
  options.tenant = "team-a";
  kjt::LokiReceiver loki(options);
  auto config = loki_config(loki.url() + "/loki/api/v1/push/");
  config.loki.tenant = "team-a";
  config.loki.labels = {"node", "unit"};
  config.loki.level_label = true;
  auto exporter = make_loki_exporter(config);
  const auto records = kjt::sample_records();
  EXPECT_EQ(exporter->deliver(records, {}).delivered, records.size());
  EXPECT_EQ(loki.violations(), std::vector<std::string>{});
  EXPECT_EQ(loki.requests().at(0).header("X-Scope-OrgID"), "team-a");
  const auto entries = loki.entries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].stream,
            (std::map<std::string, std::string>{
                {"level", "error"}, {"node", "node-a"}, {"unit", "kubelet.service"}}));
  EXPECT_EQ(entries[0].meta("component"), "kubelet");
}

TEST(LokiExporterTest, RateLimitAndServerErrorAreRetriedUntilAcceptedNothingLost) {
  kjt::LokiReceiver loki;
  loki.script({kjt::loki_answer(429, "Ingestion rate limit exceeded", {{"Retry-After", "1"}}),
               kjt::loki_answer(500, "internal error")});
  auto exporter = make_loki_exporter(loki_config(loki.url()));
  const auto records = kjt::sample_records();
  const auto start = Clock::now();
  const auto report = exporter->deliver(records, {});
  EXPECT_GE(Clock::now() - start, 1s) << "Retry-After: 1 honoured (backoff alone is < 100ms)";
  EXPECT_EQ(report.delivered, records.size()) << report.last_error;
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_EQ(loki.statuses(), (std::vector<int>{429, 500, 204}));
  EXPECT_EQ(exporter->counters().retries.load(), 2u);
  EXPECT_EQ(loki.violations(), std::vector<std::string>{});
  expect_each_record_once(loki, records);
  // A retry sends the same bytes.
  const auto requests = loki.requests();
  EXPECT_EQ(requests[0].raw_body, requests[2].raw_body);
}

TEST(LokiExporterTest, BadRequestIsDroppedAndCountedAfterExactlyOneRequest) {
  kjt::LokiReceiver loki;
  loki.script(
      {kjt::loki_answer(400, "entry for stream '{node=\"node-a\"}' has timestamp too old")});
  LogLines log;
  auto exporter = make_loki_exporter(loki_config(loki.url()), log.logger());
  const auto records = kjt::sample_records();
  const auto report = exporter->deliver(records, {});
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_EQ(report.dropped, records.size());
  EXPECT_FALSE(report.aborted);
  EXPECT_EQ(loki.push_count(), 1u) << "a 400 is never retried";
  EXPECT_EQ(exporter->counters().records_dropped.load(), records.size());
  EXPECT_EQ(exporter->counters().retries.load(), 0u);
  EXPECT_EQ(exporter->counters().errors().at("http_400"), 1u);
  EXPECT_NE(log.text().find("timestamp too old"), std::string::npos) << log.text();
  EXPECT_EQ(loki.violations(), std::vector<std::string>{});

  // The next batch goes out normally.
  EXPECT_EQ(exporter->deliver(records, {}).delivered, records.size());
  EXPECT_EQ(loki.push_count(), 2u);
}

TEST(LokiExporterTest, BlockedTenantIsDroppedNotDelivered) {
  kjt::LokiReceiver loki;
  loki.script({kjt::loki_answer(260, "ingestion blocked")});
  auto exporter = make_loki_exporter(loki_config(loki.url()), [](LogLevel, std::string_view) {});
  const auto records = kjt::sample_records();
  const auto report = exporter->deliver(records, {});
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_EQ(report.dropped, records.size());
  EXPECT_EQ(loki.push_count(), 1u);
}

TEST(LokiExporterTest, UnauthorizedParksUntilStopped) {
  kjt::LokiReceiver loki;
  loki.script({kjt::loki_answer(401, "no org id"), kjt::loki_answer(401, "no org id"),
               kjt::loki_answer(401, "no org id")});
  auto exporter = make_loki_exporter(loki_config(loki.url()), [](LogLevel, std::string_view) {});
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  const auto records = kjt::sample_records();
  const auto report = exporter->deliver(records, stop.get_token());
  stopper.join();
  EXPECT_TRUE(report.aborted);
  EXPECT_EQ(report.dropped, 0u) << "parked, not dropped";
  EXPECT_EQ(exporter->counters().parked.load(), 1u);
  EXPECT_GE(loki.push_count(), 2u) << "probing";
}

TEST(LokiExporterTest, FactoryRejectsBadConfigurations) {
  auto c = loki_config("http://127.0.0.1:1");
  c.loki.labels = {"node", "pid"};
  try {
    make_loki_exporter(c);
    FAIL() << "pid is not a label field";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("\"pid\""), std::string::npos) << e.what();
  }
  c = loki_config("http://127.0.0.1:1");
  c.loki.encoding = "avro";
  EXPECT_THROW(make_loki_exporter(c), std::runtime_error);
  c = loki_config("http://127.0.0.1:1");
  c.type = config::ExporterConfig::Type::clickhouse;
  EXPECT_THROW(make_loki_exporter(c), std::invalid_argument);
}

class LokiTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new kjt::TempDir("kjt-loki-tls");
    certs_ = new kjt::TestCertificates(kjt::make_test_certificates(dir_->path(), "loki-"));
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete dir_;
  }
  static kjt::LokiReceiverOptions tls(bool request_client_cert = false) {
    kjt::LokiReceiverOptions o;
    o.tls = kjt::LocalTls{certs_->server_cert, certs_->server_key, certs_->ca_cert,
                          request_client_cert};
    return o;
  }

  // Delivery that cannot succeed: keeps retrying (no data arrives) until stopped.
  static void expect_retried_until_stopped(HttpExporter& exporter, const kjt::LokiReceiver& loki,
                                           const std::string& error_part) {
    std::stop_source stop;
    std::thread stopper([&] {
      std::this_thread::sleep_for(500ms);
      stop.request_stop();
    });
    const auto records = kjt::sample_records();
    const auto report = exporter.deliver(records, stop.get_token());
    stopper.join();
    EXPECT_TRUE(report.aborted);
    EXPECT_EQ(report.delivered, 0u);
    EXPECT_EQ(report.dropped, 0u);
    EXPECT_GE(exporter.counters().retries.load(), 2u);
    EXPECT_EQ(loki.push_count(), 0u) << "nothing may reach an unverified server";
    EXPECT_NE(report.last_error.find(error_part), std::string::npos) << report.last_error;
  }

  static inline kjt::TempDir* dir_ = nullptr;
  static inline kjt::TestCertificates* certs_ = nullptr;
};

TEST_F(LokiTlsTest, VerifiedWithTheConfiguredCa) {
  kjt::LokiReceiver loki(tls());
  auto config = loki_config(loki.url());
  config.http.tls.ca_file = certs_->ca_cert.string();
  auto exporter = make_loki_exporter(config);
  const auto records = kjt::sample_records();
  EXPECT_EQ(exporter->deliver(records, {}).delivered, records.size());
  EXPECT_EQ(loki.violations(), std::vector<std::string>{});
  expect_each_record_once(loki, records);
}

TEST_F(LokiTlsTest, WithoutTheCaNothingIsSentAndItKeepsRetrying) {
  kjt::LokiReceiver loki(tls());
  auto exporter = make_loki_exporter(loki_config(loki.url()), [](LogLevel, std::string_view) {});
  expect_retried_until_stopped(*exporter, loki, "certificate");
}

TEST_F(LokiTlsTest, WrongServerNameFails) {
  kjt::LokiReceiver loki(tls());
  auto config = loki_config(loki.url());
  config.http.tls.ca_file = certs_->ca_cert.string();
  config.http.tls.server_name = "loki.other.example";
  auto exporter = make_loki_exporter(config, [](LogLevel, std::string_view) {});
  expect_retried_until_stopped(*exporter, loki, "loki.other.example");
}

TEST_F(LokiTlsTest, ClientCertificateForMutualTls) {
  kjt::LokiReceiver loki(tls(/*request_client_cert=*/true));
  auto config = loki_config(loki.url());
  config.http.tls.ca_file = certs_->ca_cert.string();
  config.http.tls.cert_file = certs_->client_cert.string();
  config.http.tls.key_file = certs_->client_key.string();
  auto exporter = make_loki_exporter(config);
  const auto records = kjt::sample_records();
  EXPECT_EQ(exporter->deliver(records, {}).delivered, records.size());
  ASSERT_EQ(loki.push_count(), 1u);
  EXPECT_NE(loki.requests()[0].client_cert_subject.find("kjournal-client"), std::string::npos)
      << loki.requests()[0].client_cert_subject;
  EXPECT_EQ(loki.violations(), std::vector<std::string>{});
}

}  // namespace
}  // namespace kj::exporters
