// The otlp exporter end to end in process: HttpExporter with the OTLP encoders and
// classifier against the test receiver (tests/support/otlp_receiver.h), which checks every
// request against the OTLP/HTTP specification. Both encodings, gzip, the retry/drop table,
// partial success, and TLS (CA, missing CA, client certificate).
#include "exporters/otlp/otlp_exporter.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "tests/support/otlp_receiver.h"
#include "tests/support/sample_records.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls_test_certs.h"

namespace kj::exporters {
namespace {

using namespace std::chrono_literals;

std::string all(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

config::ExporterConfig otlp_config(const std::string& url, const std::string& encoding) {
  config::ExporterConfig c;
  c.name = "otel";
  c.type = config::ExporterConfig::Type::otlp;
  c.http.url = url;
  c.http.timeout = 10s;
  c.retry.initial = 20ms;
  c.retry.max = 200ms;
  c.otlp.encoding = encoding;
  return c;
}

std::vector<Record> numbered_records(int n) {
  std::vector<Record> out(n);
  for (int i = 0; i < n; ++i) {
    Record& r = out[i];
    r.time_ns = 1'718'000'000'000'000'000 + int64_t{i} * 1'000'000;
    r.severity = Severity::info;
    r.message = "message " + std::to_string(i);
    r.component = i % 2 ? "kubelet" : "containerd";
    r.node = "node-1";
    r.pid = 100 + i;
    r.source = "journal";
    r.position.cursor = "s=abc;i=" + std::to_string(i) + ";b=0123456789abcdef0123456789abcdef";
  }
  return out;
}

class Logged {
 public:
  Logger logger() {
    return [this](LogLevel level, std::string_view m) {
      std::lock_guard lock(mutex_);
      text_ += std::string(log_level_name(level)) + ": " + std::string(m) + "\n";
    };
  }
  std::string text() {
    std::lock_guard lock(mutex_);
    return text_;
  }

 private:
  std::mutex mutex_;
  std::string text_;
};

class OtlpExporterTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OtlpExporterTest, SampleRecordsAreAcceptedWithoutViolations) {
  kjt::OtlpReceiver receiver;
  auto exporter = make_otlp_exporter(otlp_config(receiver.url(), GetParam()));
  const auto records = kjt::sample_records();
  const auto report = exporter->deliver(records, {});
  EXPECT_EQ(report.delivered, records.size()) << report.last_error;
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_TRUE(receiver.violations().empty()) << all(receiver.violations());
  ASSERT_EQ(receiver.request_count(), 1u);
  const auto request = receiver.requests().at(0);
  EXPECT_EQ(request.header("Content-Encoding"), "gzip");  // http.gzip is on by default
  EXPECT_EQ(request.header("Content-Type"),
            GetParam() == "json" ? "application/json" : "application/x-protobuf");

  const auto got = receiver.records();
  ASSERT_EQ(got.size(), records.size());
  std::multiset<std::string> bodies;
  for (const auto& r : got) {
    EXPECT_EQ(r.encoding, GetParam());
    EXPECT_EQ(r.scope_name, "kjournal");
    EXPECT_FALSE(r.scope_version.empty());
    EXPECT_EQ(r.resource("host.name"), "node-a");
    bodies.insert(r.body());
  }
  EXPECT_EQ(bodies.count("severity sample"), 6u);
  EXPECT_EQ(bodies.count(records[2].message), 1u);  // the multi-line panic, unchanged
  // The huge record's 256 KiB attribute arrives whole.
  bool huge = false;
  for (const auto& r : got)
    if (r.string_attribute("body").size() == 256 * 1024) huge = true;
  EXPECT_TRUE(huge);
}

TEST_P(OtlpExporterTest, ThrottlingIsRetriedHonouringRetryAfterAndNothingIsLost) {
  kjt::OtlpReceiver receiver;
  receiver.script({kjt::OtlpAnswer::error(429, "slow down", "1"), kjt::OtlpAnswer::error(503)});
  auto exporter = make_otlp_exporter(otlp_config(receiver.url(), GetParam()));
  const auto records = numbered_records(20);
  const auto report = exporter->deliver(records, {});
  EXPECT_EQ(report.delivered, 20u) << report.last_error;
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_TRUE(receiver.violations().empty()) << all(receiver.violations());
  EXPECT_EQ(receiver.statuses(), (std::vector<int>{429, 503, 200}));
  const auto times = receiver.arrival_times();
  ASSERT_EQ(times.size(), 3u);
  EXPECT_GE(times[1] - times[0], 1s);  // Retry-After: 1
  // The retries carried the same bytes.
  const auto requests = receiver.requests();
  EXPECT_EQ(requests[0].raw_body, requests[2].raw_body);
  const auto& c = exporter->counters();
  EXPECT_EQ(c.records_sent.load(), 20u);
  EXPECT_EQ(c.retries.load(), 2u);
  EXPECT_EQ(c.errors().at("http_429"), 1u);
  EXPECT_EQ(c.errors().at("http_503"), 1u);
}

TEST_P(OtlpExporterTest, BadRequestIsDroppedCountedAndNeverRetried) {
  kjt::OtlpReceiver receiver;
  receiver.script({kjt::OtlpAnswer::error(400, "invalid log record")});
  Logged log;
  auto exporter = make_otlp_exporter(otlp_config(receiver.url(), GetParam()), log.logger());
  const auto records = numbered_records(5);
  const auto report = exporter->deliver(records, {});
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_EQ(report.dropped, 5u);
  EXPECT_NE(report.last_error.find("invalid log record"), std::string::npos) << report.last_error;
  EXPECT_EQ(receiver.request_count(), 1u);
  EXPECT_EQ(exporter->counters().records_dropped.load(), 5u);
  EXPECT_EQ(exporter->counters().retries.load(), 0u);
  EXPECT_EQ(exporter->counters().errors().at("http_400"), 1u);
  EXPECT_NE(log.text().find("dropped 5 record(s): http_400: invalid log record"), std::string::npos)
      << log.text();

  // The next batch goes through: a drop does not stop the exporter.
  EXPECT_EQ(exporter->deliver(records, {}).delivered, 5u);
  EXPECT_TRUE(receiver.violations().empty()) << all(receiver.violations());
}

TEST_P(OtlpExporterTest, ServerErrorIsDroppedNotRetried) {
  kjt::OtlpReceiver receiver;
  receiver.script({kjt::OtlpAnswer::error(500, "internal")});
  auto exporter = make_otlp_exporter(otlp_config(receiver.url(), GetParam()));
  const auto records = numbered_records(3);
  const auto report = exporter->deliver(records, {});
  EXPECT_EQ(report.dropped, 3u);
  EXPECT_EQ(receiver.request_count(), 1u);
  EXPECT_EQ(exporter->counters().errors().at("http_500"), 1u);
  EXPECT_EQ(exporter->counters().retries.load(), 0u);
}

TEST_P(OtlpExporterTest, PartialSuccessCountsTheRejectedRecordsAsDropped) {
  kjt::OtlpReceiver receiver;
  receiver.script({kjt::OtlpAnswer::partial(3, "3 records too old")});
  Logged log;
  auto exporter = make_otlp_exporter(otlp_config(receiver.url(), GetParam()), log.logger());
  const auto records = numbered_records(10);
  const auto report = exporter->deliver(records, {});
  EXPECT_EQ(report.delivered, 7u);
  EXPECT_EQ(report.dropped, 3u);
  EXPECT_EQ(receiver.request_count(), 1u);  // not retried
  EXPECT_EQ(exporter->counters().records_sent.load(), 7u);
  EXPECT_EQ(exporter->counters().records_dropped.load(), 3u);
  EXPECT_EQ(exporter->counters().errors().at("partial_success"), 1u);
  EXPECT_NE(log.text().find("3 records too old"), std::string::npos) << log.text();
  EXPECT_TRUE(receiver.violations().empty()) << all(receiver.violations());
}

INSTANTIATE_TEST_SUITE_P(Encodings, OtlpExporterTest, ::testing::Values("protobuf", "json"),
                         [](const auto& param_info) { return param_info.param; });

TEST(OtlpExporterConfigTest, BaseUrlPathAndAFullLogsUrlBothWork) {
  kjt::OtlpReceiver receiver(std::nullopt, "/otlp");
  const auto records = numbered_records(2);
  for (const std::string& url :
       {receiver.url(), receiver.url() + "/", receiver.url() + "/v1/logs"}) {
    auto exporter = make_otlp_exporter(otlp_config(url, "json"));
    EXPECT_EQ(exporter->deliver(records, {}).delivered, 2u) << url;
  }
  EXPECT_EQ(receiver.request_count(), 3u);
  EXPECT_TRUE(receiver.violations().empty()) << all(receiver.violations());
}

TEST(OtlpExporterConfigTest, UncompressedWhenGzipIsOff) {
  kjt::OtlpReceiver receiver;
  auto c = otlp_config(receiver.url(), "protobuf");
  c.http.gzip = false;
  const auto records = numbered_records(2);
  EXPECT_EQ(make_otlp_exporter(c)->deliver(records, {}).delivered, 2u);
  EXPECT_EQ(receiver.requests().at(0).header("Content-Encoding"), "");
  EXPECT_TRUE(receiver.violations().empty()) << all(receiver.violations());
}

TEST(OtlpExporterConfigTest, ErrorsNameTheExporter) {
  auto c = otlp_config("http://127.0.0.1:1", "yaml");
  try {
    make_otlp_exporter(c);
    FAIL() << "an unknown encoding was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("exporter otel"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("yaml"), std::string::npos) << e.what();
  }
  c = otlp_config("http://127.0.0.1:1", "json");
  c.type = config::ExporterConfig::Type::loki;
  EXPECT_THROW(make_otlp_exporter(c), std::invalid_argument);
}

class OtlpExporterTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new kjt::TempDir("kjt-otlp-tls");
    certs_ = new kjt::TestCertificates(kjt::make_test_certificates(dir_->path()));
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete dir_;
  }
  static kjt::LocalTls server_tls(bool client_cert) {
    return {certs_->server_cert, certs_->server_key, certs_->ca_cert, client_cert};
  }

  static inline kjt::TempDir* dir_ = nullptr;
  static inline kjt::TestCertificates* certs_ = nullptr;
};

TEST_F(OtlpExporterTlsTest, VerifiedWithTheConfiguredCa) {
  kjt::OtlpReceiver receiver(server_tls(false));
  auto c = otlp_config(receiver.url(), "protobuf");
  c.http.tls.ca_file = certs_->ca_cert.string();
  const auto records = numbered_records(4);
  EXPECT_EQ(make_otlp_exporter(c)->deliver(records, {}).delivered, 4u);
  EXPECT_EQ(receiver.records().size(), 4u);
  EXPECT_TRUE(receiver.violations().empty()) << all(receiver.violations());
}

TEST_F(OtlpExporterTlsTest, WithoutTheCaNothingIsSentAndTheBatchKeepsBeingRetried) {
  kjt::OtlpReceiver receiver(server_tls(false));
  Logged log;
  auto exporter = make_otlp_exporter(otlp_config(receiver.url(), "json"), log.logger());
  const auto records = numbered_records(4);
  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(600ms);
    stop.request_stop();
  });
  const auto report = exporter->deliver(records, stop.get_token());
  EXPECT_TRUE(report.aborted);  // still trying when told to stop: nothing was given up
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_GE(exporter->counters().retries.load(), 2u);
  EXPECT_EQ(receiver.request_count(), 0u);
  // The error says what went wrong with the certificate.
  const std::string error = report.last_error;
  EXPECT_TRUE(error.find("ertificate") != std::string::npos ||
              error.find("SSL") != std::string::npos || error.find("TLS") != std::string::npos)
      << error;
}

TEST_F(OtlpExporterTlsTest, ClientCertificateAuthentication) {
  kjt::OtlpReceiver receiver(server_tls(true));
  auto c = otlp_config(receiver.url(), "protobuf");
  c.http.tls.ca_file = certs_->ca_cert.string();
  c.http.tls.cert_file = certs_->client_cert.string();
  c.http.tls.key_file = certs_->client_key.string();
  const auto records = numbered_records(3);
  EXPECT_EQ(make_otlp_exporter(c)->deliver(records, {}).delivered, 3u);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].client_cert_subject.find("kjournal-client"), std::string::npos)
      << requests[0].client_cert_subject;
  EXPECT_TRUE(receiver.violations().empty()) << all(receiver.violations());
}

}  // namespace
}  // namespace kj::exporters
