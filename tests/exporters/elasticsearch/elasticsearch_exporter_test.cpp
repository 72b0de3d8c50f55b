// The elasticsearch exporter end to end in-process: HttpExporter with the bulk encoder and
// classifier against the _bulk stand-in (tests/support/elasticsearch_receiver.h), which
// checks every request. Delivery, replay deduplication, per-item retry and drop, 413 split,
// HTTP-level retry, data streams, TLS and basic auth.
#include "exporters/elasticsearch/elasticsearch_exporter.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "core/record_id.h"
#include "tests/support/elasticsearch_receiver.h"
#include "tests/support/sample_records.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls_test_certs.h"

namespace kj::exporters {
namespace {

using namespace std::chrono_literals;

config::ExporterConfig exporter_config(const std::string& url) {
  config::ExporterConfig c;
  c.name = "es";
  c.type = config::ExporterConfig::Type::elasticsearch;
  c.http.url = url;
  c.http.timeout = 10s;
  c.retry.initial = 20ms;
  c.retry.max = 100ms;
  return c;
}

std::vector<Record> journal_records(int first, int n) {
  std::vector<Record> out(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    Record& r = out[static_cast<size_t>(i)];
    const int seq = first + i;
    r.time_ns = 1'764'240'000'000'000'000 + int64_t{seq} * 1'000'000;
    r.observed_time_ns = r.time_ns + 5'000;
    r.severity = Severity::info;
    r.level_raw = "I";
    r.message = "message " + std::to_string(seq);
    r.component = r.identifier = "kubelet";
    r.unit = "kubelet.service";
    r.node = "node-1";
    r.pid = 4242;
    r.caller = "kubelet.go:" + std::to_string(100 + seq);
    r.attributes = {{"seq", std::to_string(seq)}};
    r.source = "journal";
    r.position.cursor =
        "s=abc;i=" + std::to_string(seq) + ";b=0123456789abcdef0123456789abcdef;m=1;t=2;x=3";
  }
  return out;
}

std::string id_of(const Record& r) {
  std::string id;
  append_record_id(id, r.position.cursor);
  return id;
}

std::vector<std::string> ids_of(std::span<const Record> records) {
  std::vector<std::string> ids;
  for (const auto& r : records) ids.push_back(id_of(r));
  return ids;
}

std::set<std::string> stored_ids(const kjt::ElasticsearchReceiver& es) {
  std::set<std::string> ids;
  for (const auto& d : es.documents()) ids.insert(d.id);
  return ids;
}

std::set<std::string> set_of(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

// Designated initializers would trip -Wmissing-field-initializers: set fields one by one.
template <typename F>
kjt::ElasticsearchReceiverOptions options(F set) {
  kjt::ElasticsearchReceiverOptions o;
  set(o);
  return o;
}

kjt::EsScript http_answer(int status, std::string body,
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
  kjt::EsScript s;
  s.http = kjt::CannedResponse{status, std::move(body), std::move(headers), {}};
  return s;
}

kjt::EsScript item_failures(std::map<size_t, kjt::EsItemFailure> items) {
  kjt::EsScript s;
  s.items = std::move(items);
  return s;
}

// deliver() that gives up after `limit`, so a test that would retry forever fails instead.
DeliveryReport deliver_within(HttpExporter& exporter, std::span<const Record> records,
                              std::chrono::milliseconds limit = 5s) {
  std::stop_source stop;
  std::jthread watchdog([&](std::stop_token done) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done.stop_requested() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(10ms);
    stop.request_stop();
  });
  return exporter.deliver(records, stop.get_token());
}

class ElasticsearchExporterTest : public ::testing::Test {
 protected:
  std::unique_ptr<HttpExporter> make(const config::ExporterConfig& c) {
    return make_elasticsearch_exporter(c, [this](LogLevel level, std::string_view m) {
      std::lock_guard lock(log_mutex_);
      log_ += std::string(log_level_name(level)) + ": " + std::string(m) + "\n";
    });
  }
  std::string log() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }
  std::mutex log_mutex_;
  std::string log_;
};

TEST_F(ElasticsearchExporterTest, SampleRecordsAreStoredWithoutViolations) {
  kjt::ElasticsearchReceiver es(options([](auto& o) { o.base_path = "/es"; }));
  auto exporter = make(exporter_config(es.url()));
  const auto records = kjt::sample_records();
  const auto report = deliver_within(*exporter, records);
  EXPECT_EQ(report.delivered, records.size()) << report.last_error << log();
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_EQ(exporter->counters().requests.load(), 1u);
  EXPECT_TRUE(es.violations().empty()) << ::testing::PrintToString(es.violations());
  EXPECT_EQ(stored_ids(es), set_of(ids_of(records)));
  const auto req = es.server().requests().at(0);
  EXPECT_EQ(req.header("Content-Encoding"), "gzip");  // the shared transport's default
  EXPECT_EQ(req.header("Content-Type"), "application/x-ndjson");
  const auto doc = es.document("kjournal-2025.11.27", id_of(records[0]));
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->source["log"]["origin"]["file"]["line"], 1298);
}

TEST_F(ElasticsearchExporterTest, ReplayedBatchIsAllDuplicatesAndCountsAsDelivered) {
  kjt::ElasticsearchReceiver es;
  auto exporter = make(exporter_config(es.url()));
  // 2,000 items of 409 make an answer of ~300 KB, past the transport's default 64 KiB cap:
  // it must be read whole to be understood.
  const auto records = journal_records(0, 2000);
  ASSERT_EQ(deliver_within(*exporter, records).delivered, 2000u) << log();
  // A restart from an older checkpoint sends the same records again.
  auto again = make(exporter_config(es.url()));
  const auto report = deliver_within(*again, records);
  EXPECT_FALSE(report.aborted) << report.last_error;
  EXPECT_EQ(report.delivered, 2000u) << report.last_error;
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_EQ(again->counters().requests.load(), 1u);  // 409s are not retried
  EXPECT_TRUE(again->counters().errors().empty()) << log();
  EXPECT_EQ(es.document_count(), 2000u);
  EXPECT_TRUE(es.violations().empty()) << ::testing::PrintToString(es.violations());
}

TEST_F(ElasticsearchExporterTest, ItemsRefusedForLoadAreSentAgainAloneAndBadItemsDropped) {
  kjt::ElasticsearchReceiver es;
  auto exporter = make(exporter_config(es.url()));
  const auto records = journal_records(0, 10);
  es.script(
      item_failures({{2, {429, "es_rejected_execution_exception", "rejected execution"}},
                     {5, {503, "unavailable_shards_exception", "primary shard is not active"}},
                     {7, {400, "mapper_parsing_exception", "failed to parse field [x]"}}}));
  const auto report = deliver_within(*exporter, records);
  EXPECT_EQ(report.delivered, 9u) << report.last_error << log();
  EXPECT_EQ(report.dropped, 1u);
  EXPECT_EQ(exporter->counters().records_dropped.load(), 1u);
  EXPECT_EQ(exporter->counters().records_sent.load(), 9u);
  EXPECT_EQ(exporter->counters().retries.load(), 1u);
  EXPECT_TRUE(exporter->counters().errors().count("es_mapper_parsing_exception") ||
              exporter->counters().errors().count("es_es_rejected_execution_exception"))
      << log();
  const auto requests = es.request_ids();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0], ids_of(records));
  EXPECT_EQ(requests[1], (std::vector<std::string>{id_of(records[2]), id_of(records[5])}));
  auto want = ids_of(records);
  want.erase(want.begin() + 7);
  EXPECT_EQ(stored_ids(es), set_of(want));
  EXPECT_NE(log().find("dropped 1 record"), std::string::npos) << log();
  EXPECT_TRUE(es.violations().empty()) << ::testing::PrintToString(es.violations());
}

TEST_F(ElasticsearchExporterTest, DocumentsTheIndexRefusesAreDroppedEveryTime) {
  kjt::ElasticsearchReceiver es(options([](auto& o) { o.reject_message_containing = "poison"; }));
  auto exporter = make(exporter_config(es.url()));
  auto records = journal_records(0, 6);
  records[1].message = "poison pill";
  records[4].message = "more poison";
  const auto report = deliver_within(*exporter, records);
  EXPECT_EQ(report.delivered, 4u);
  EXPECT_EQ(report.dropped, 2u);
  EXPECT_EQ(es.bulk_requests(), 1u);  // drops are final: not resent
  EXPECT_EQ(es.document_count(), 4u);
}

TEST_F(ElasticsearchExporterTest, TooLargeRequestIsSplitUntilEverythingIsStored) {
  kjt::ElasticsearchReceiver es(options([](auto& o) { o.max_content_length = 12'000; }));
  auto exporter = make(exporter_config(es.url()));
  const auto records = journal_records(0, 64);  // ~38 KB of NDJSON
  const auto report = deliver_within(*exporter, records);
  EXPECT_EQ(report.delivered, 64u) << report.last_error << log();
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_GE(exporter->counters().errors().at("http_413"), 1u);
  EXPECT_EQ(stored_ids(es), set_of(ids_of(records)));
  const auto requests = es.request_ids();
  EXPECT_EQ(requests.front().size(), 64u);
  EXPECT_EQ(requests.back().size(), 16u);  // 64 -> 32 -> 16 fits
  EXPECT_TRUE(es.violations().empty()) << ::testing::PrintToString(es.violations());
}

TEST_F(ElasticsearchExporterTest, BusyAndFailingClusterIsRetriedWithNothingLost) {
  kjt::ElasticsearchReceiver es;
  es.script(http_answer(429, R"({"error":{"type":"es_rejected_execution_exception"}})",
                        {{"Retry-After", "1"}}));
  es.script(http_answer(500, R"({"error":{"type":"illegal_state_exception"}})"));
  auto exporter = make(exporter_config(es.url()));
  const auto records = journal_records(0, 20);
  const auto start = std::chrono::steady_clock::now();
  const auto report = deliver_within(*exporter, records);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);  // Retry-After honoured
  EXPECT_EQ(report.delivered, 20u) << report.last_error;
  EXPECT_EQ(exporter->counters().retries.load(), 2u);
  EXPECT_EQ(exporter->counters().errors().at("http_429"), 1u);
  EXPECT_EQ(exporter->counters().errors().at("http_500"), 1u);
  const auto requests = es.request_ids();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0], requests[2]);  // the same batch each time
  EXPECT_EQ(stored_ids(es), set_of(ids_of(records)));
}

TEST_F(ElasticsearchExporterTest, CutShortAnswerRetriesTheBatchAndDuplicatesCollapse) {
  kjt::ElasticsearchReceiver es;
  const auto records = journal_records(0, 4);
  // The cluster stored everything, but the answer was lost on the way back.
  es.script(http_answer(200, R"({"errors":true,"items":[{"create":{"st)"));
  auto exporter = make(exporter_config(es.url()));
  const auto report = deliver_within(*exporter, records);
  EXPECT_EQ(report.delivered, 4u) << report.last_error;
  EXPECT_EQ(exporter->counters().errors().at("es_unreadable_response"), 1u);
  EXPECT_EQ(es.bulk_requests(), 2u);
  EXPECT_EQ(es.document_count(), 4u);
}

TEST_F(ElasticsearchExporterTest, DataStreamGetsCreateActionsWithTimestamps) {
  kjt::ElasticsearchReceiver es(
      options([](auto& o) { o.data_streams = {"logs-kubernetes.node-default"}; }));
  auto c = exporter_config(es.url());
  c.elasticsearch.index = "logs-kubernetes.node-default";
  c.elasticsearch.data_stream = true;
  c.elasticsearch.pipeline = "kjournal node logs";
  auto exporter = make(c);
  const auto records = kjt::sample_records();
  EXPECT_EQ(deliver_within(*exporter, records).delivered, records.size()) << log();
  EXPECT_TRUE(es.violations().empty()) << ::testing::PrintToString(es.violations());
  EXPECT_NE(es.server().requests().at(0).uri.find("&pipeline=kjournal%20node%20logs"),
            std::string::npos)
      << es.server().requests().at(0).uri;
  for (const auto& d : es.documents()) EXPECT_EQ(d.index, "logs-kubernetes.node-default");
}

TEST_F(ElasticsearchExporterTest, DailyIndicesFromOneBatch) {
  kjt::ElasticsearchReceiver es;
  auto records = journal_records(0, 4);
  records[2].time_ns += int64_t{86'400} * 1'000'000'000;
  records[3].time_ns += int64_t{2} * 86'400 * 1'000'000'000;
  auto exporter = make(exporter_config(es.url()));
  EXPECT_EQ(deliver_within(*exporter, records).delivered, 4u);
  std::set<std::string> indices;
  for (const auto& d : es.documents()) indices.insert(d.index);
  EXPECT_EQ(indices, (std::set<std::string>{"kjournal-2025.11.27", "kjournal-2025.11.28",
                                            "kjournal-2025.11.29"}));
  EXPECT_EQ(es.bulk_requests(), 1u);
}

TEST_F(ElasticsearchExporterTest, BasicAuthIsSentAndAWrongPasswordParks) {
  kjt::ElasticsearchReceiver es(options([](auto& o) {
    o.basic_user = "elastic";
    o.basic_password = "s3cret";
  }));
  kjt::TempDir dir;
  std::ofstream(dir / "good") << "s3cret\n";
  std::ofstream(dir / "bad") << "wrong\n";
  auto c = exporter_config(es.url());
  c.http.auth.basic_user = "elastic";
  c.http.auth.basic_password_file = (dir / "good").string();
  const auto records = journal_records(0, 3);
  EXPECT_EQ(deliver_within(*make(c), records).delivered, 3u) << log();

  c.http.auth.basic_password_file = (dir / "bad").string();
  auto wrong = make(c);
  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  const auto more = journal_records(3, 2);
  const auto report = wrong->deliver(more, stop.get_token());
  EXPECT_TRUE(report.aborted);
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_EQ(wrong->counters().parked.load(), 1u);
  EXPECT_TRUE(wrong->counters().errors().count("http_401"));
  EXPECT_EQ(es.document_count(), 3u);
}

TEST_F(ElasticsearchExporterTest, ConfigurationErrorsNameTheExporter) {
  auto c = exporter_config("http://127.0.0.1:1");
  c.elasticsearch.index = "Kjournal-%Y";
  try {
    make(c);
    ADD_FAILURE() << "accepted an upper-case index";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("exporter es"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Kjournal-%Y"), std::string::npos) << e.what();
  }
  c.elasticsearch.index = "kjournal-%Y.%m.%d";
  c.elasticsearch.data_stream = true;
  EXPECT_THROW(make(c), std::runtime_error);  // a data stream per day
  c.type = config::ExporterConfig::Type::loki;
  EXPECT_THROW(make(c), std::invalid_argument);
}

class ElasticsearchTlsTest : public ElasticsearchExporterTest {
 protected:
  static void SetUpTestSuite() {
    dir_ = new kjt::TempDir("kjt-es-tls");
    certs_ = new kjt::TestCertificates(kjt::make_test_certificates(dir_->path(), "es-"));
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete dir_;
  }
  static kjt::ElasticsearchReceiverOptions tls_options(bool client_cert) {
    kjt::ElasticsearchReceiverOptions o;
    o.tls = kjt::LocalTls{certs_->server_cert, certs_->server_key, certs_->ca_cert, client_cert};
    return o;
  }
  static inline kjt::TempDir* dir_ = nullptr;
  static inline kjt::TestCertificates* certs_ = nullptr;
};

TEST_F(ElasticsearchTlsTest, ConfiguredCaIsTrusted) {
  kjt::ElasticsearchReceiver es(tls_options(false));
  auto c = exporter_config(es.url());
  c.http.tls.ca_file = certs_->ca_cert.string();
  const auto records = journal_records(0, 5);
  EXPECT_EQ(deliver_within(*make(c), records).delivered, 5u) << log();
  EXPECT_EQ(es.document_count(), 5u);
  EXPECT_TRUE(es.violations().empty());
}

TEST_F(ElasticsearchTlsTest, UnknownCaFailsClearlySendsNothingAndKeepsTrying) {
  kjt::ElasticsearchReceiver es(tls_options(false));
  auto exporter = make(exporter_config(es.url()));  // the system store lacks the test CA
  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(500ms);
    stop.request_stop();
  });
  const auto records = journal_records(0, 5);
  const auto report = exporter->deliver(records, stop.get_token());
  EXPECT_TRUE(report.aborted);
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_EQ(report.dropped, 0u);
  EXPECT_GE(exporter->counters().retries.load(), 2u);
  EXPECT_FALSE(report.last_error.empty());
  EXPECT_NE(report.last_error.find("ertificate"), std::string::npos) << report.last_error;
  EXPECT_EQ(es.server().request_count(), 0u);
  EXPECT_EQ(es.document_count(), 0u);
}

TEST_F(ElasticsearchTlsTest, ClientCertificateIsPresented) {
  kjt::ElasticsearchReceiver es(tls_options(true));
  auto c = exporter_config(es.url());
  c.http.tls.ca_file = certs_->ca_cert.string();
  c.http.tls.cert_file = certs_->client_cert.string();
  c.http.tls.key_file = certs_->client_key.string();
  const auto records = journal_records(0, 2);
  EXPECT_EQ(deliver_within(*make(c), records).delivered, 2u) << log();
  ASSERT_EQ(es.server().request_count(), 1u);
  EXPECT_FALSE(es.server().requests().at(0).client_cert_subject.empty());
}

}  // namespace
}  // namespace kj::exporters
