// The bulk encoder, checked three ways: byte for byte against golden payloads made from the
// shared sample records (tests/data/elasticsearch/; KJ_UPDATE_GOLDEN=1 rewrites them), by the
// test receiver's checks of the bulk protocol and the ECS document (BACKENDS.md §2), and
// field by field for the values each record kind must produce.
#include "exporters/elasticsearch/elasticsearch_encoder.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/record_id.h"
#include "exporters/http/http_transport.h"
#include "tests/support/elasticsearch_receiver.h"
#include "tests/support/golden_file.h"
#include "tests/support/sample_records.h"

namespace kj::exporters {
namespace {

using nlohmann::json;

std::vector<std::string> lines_of(const std::string& body) {
  std::vector<std::string> out;
  std::istringstream in(body);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::string id_of(const Record& r) {
  std::string id;
  append_record_id(id, r.position.cursor);
  return id;
}

TEST(ElasticsearchEncoderTest, IndexPatternPayloadMatchesTheGoldenFile) {
  ElasticsearchEncoder encoder(IndexPattern("kjournal-%Y.%m.%d"), "");
  const auto records = kjt::sample_records();
  const auto request = encoder.encode(records);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.content_type, "application/x-ndjson");
  EXPECT_EQ(request.path_and_query,
            "/_bulk?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason");
  EXPECT_TRUE(request.compress);
  EXPECT_GE(request.max_response_body, HttpTransport::kMaxResponseBody);
  kjt::expect_golden(request.body, "elasticsearch/bulk_index_pattern.ndjson");

  const auto check = kjt::ElasticsearchReceiver::check_bulk_body(request.body);
  EXPECT_TRUE(check.violations.empty()) << ::testing::PrintToString(check.violations);
  ASSERT_EQ(check.actions.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(check.actions[i].op, "create");
    EXPECT_EQ(check.actions[i].index, "kjournal-2025.11.27");
    EXPECT_EQ(check.actions[i].id, id_of(records[i]));
  }
}

TEST(ElasticsearchEncoderTest, DataStreamPayloadMatchesTheGoldenFile) {
  ElasticsearchEncoder encoder(IndexPattern("logs-kubernetes.node-default"), "node-logs");
  const auto records = kjt::sample_records();
  const auto request = encoder.encode(records);
  EXPECT_EQ(request.path_and_query,
            "/_bulk?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason"
            "&pipeline=node-logs");
  kjt::expect_golden(request.body, "elasticsearch/bulk_data_stream.ndjson");
  const auto check =
      kjt::ElasticsearchReceiver::check_bulk_body(request.body, {"logs-kubernetes.node-default"});
  EXPECT_TRUE(check.violations.empty()) << ::testing::PrintToString(check.violations);
  EXPECT_EQ(check.actions.size(), records.size());
}

TEST(ElasticsearchEncoderTest, EveryLineEndsWithANewlineAndPairsActionWithSource) {
  ElasticsearchEncoder encoder(IndexPattern("kjournal"), "");
  const auto records = kjt::sample_records();
  const auto body = encoder.encode(records).body;
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(body.back(), '\n');
  const auto lines = lines_of(body);
  ASSERT_EQ(lines.size(), 2 * records.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto v = json::parse(lines[i]);  // one JSON value per line: no raw newline inside
    EXPECT_EQ(v.contains("create"), i % 2 == 0) << lines[i];
  }
}

TEST(ElasticsearchEncoderTest, KubeletRecordBecomesAnEcsDocument) {
  ElasticsearchEncoder encoder(IndexPattern("kjournal"), "");
  const auto records = kjt::sample_records();
  const auto lines = lines_of(encoder.encode(std::span(records).first(1)).body);
  ASSERT_EQ(lines.size(), 2u);
  const auto action = json::parse(lines[0]);
  EXPECT_EQ(action, json::parse(R"({"create":{"_index":"kjournal","_id":")" + id_of(records[0]) +
                                R"("}})"));
  const auto doc = json::parse(lines[1]);
  EXPECT_EQ(doc["@timestamp"], "2025-11-27T10:40:00.123456789Z");
  EXPECT_EQ(doc["message"], "Error syncing pod, skipping");
  EXPECT_EQ(doc["log"]["level"], "error");
  EXPECT_EQ(doc["log"]["syslog"]["severity"]["code"], 3);
  EXPECT_EQ(doc["log"]["origin"]["file"]["name"], "pod_workers.go");
  EXPECT_EQ(doc["log"]["origin"]["file"]["line"], 1298);
  EXPECT_FALSE(doc["log"].contains("file"));  // journal record: no file path
  EXPECT_EQ(doc["host"]["name"], "node-a");
  EXPECT_EQ(doc["service"]["name"], "kubelet");
  EXPECT_EQ(doc["process"]["pid"], 1234);
  EXPECT_EQ(doc["process"]["name"], "kubelet");
  EXPECT_EQ(doc["systemd"]["unit"], "kubelet.service");
  EXPECT_EQ(doc["event"]["id"], id_of(records[0]));
  EXPECT_EQ(doc["event"]["created"], "2025-11-27T10:40:00.123457789Z");
  EXPECT_EQ(doc["kjournal"]["level"], "E");
  EXPECT_EQ(doc["kjournal"]["attributes"]["pod"], "default/web-7d4b9c6f5-x2x9k");
  EXPECT_EQ(doc["kjournal"]["attributes"]["podUID"], "5c0f8a6e-2b1d-4c3e-9f7a-1b2c3d4e5f60");
}

TEST(ElasticsearchEncoderTest, FileRecordCarriesItsPathAndBareRecordOnlyWhatItHas) {
  ElasticsearchEncoder encoder(IndexPattern("kjournal"), "");
  const auto records = kjt::sample_records();
  const auto lines = lines_of(encoder.encode(records).body);
  const auto panic = json::parse(lines[2 * 2 + 1]);
  EXPECT_EQ(panic["log"]["file"]["path"], "/var/log/kube-scheduler.log");
  EXPECT_EQ(panic["log"]["level"], "fatal");
  EXPECT_NE(panic["message"].get<std::string>().find("\n\ngoroutine 1 [running]:\n"),
            std::string::npos);
  EXPECT_FALSE(panic.contains("systemd"));
  EXPECT_FALSE(panic["event"].contains("created"));  // no observed time

  const auto bare = json::parse(lines[2 * 5 + 1]);
  EXPECT_EQ(bare["message"], "");
  EXPECT_FALSE(bare.contains("log"));  // no level, caller or file
  EXPECT_FALSE(bare.contains("service"));
  EXPECT_FALSE(bare.contains("process"));
  EXPECT_FALSE(bare.contains("kjournal"));
  EXPECT_TRUE(bare["event"].contains("id"));
}

TEST(ElasticsearchEncoderTest, InvalidUtf8AndControlCharactersStayValidJson) {
  ElasticsearchEncoder encoder(IndexPattern("kjournal"), "");
  const auto records = kjt::sample_records();
  const auto lines = lines_of(encoder.encode(records).body);
  const auto doc = json::parse(lines[2 * 3 + 1]);  // throws on invalid UTF-8
  EXPECT_EQ(doc["message"], "bytes \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end, tab\t bell\x07 nul" +
                                std::string(1, '\0') +
                                " quote\" backslash\\ caf\xc3\xa9 \xe2\x9c\x93");
  EXPECT_EQ(doc["kjournal"]["attributes"]["bad\xEF\xBF\xBDkey"], "v\xEF\xBF\xBD");
  EXPECT_EQ(doc["kjournal"]["attributes"]["path"], "C:\\tmp\\\"x\"");
}

TEST(ElasticsearchEncoderTest, AttributeKeysAreMadeSafeForTheMapping) {
  Record r = kjt::sample_records()[0];
  r.attributes = {{"a.b", "1"}, {"", "2"}, {"a_b", "3"}, {"x", "4"}, {"x", "5"}, {"  ", "6"}};
  ElasticsearchEncoder encoder(IndexPattern("kjournal"), "");
  const auto lines = lines_of(encoder.encode(std::span(&r, 1)).body);
  const auto check = kjt::ElasticsearchReceiver::check_bulk_body(lines[0] + "\n" + lines[1] + "\n");
  EXPECT_TRUE(check.violations.empty()) << ::testing::PrintToString(check.violations);
  EXPECT_EQ(json::parse(lines[1])["kjournal"]["attributes"],
            json::parse(R"({"a_b":"1","_":"2","x":"4"})"));
}

TEST(ElasticsearchEncoderTest, DailyIndexFollowsEachRecordsUtcDate) {
  std::vector<Record> records(3, kjt::sample_records()[0]);
  records[0].time_ns = 1'767'225'599'999'999'999;  // 2025-12-31T23:59:59.999999999Z
  records[1].time_ns = 1'767'225'600'000'000'000;  // 2026-01-01T00:00:00Z
  records[2].time_ns = -1;                         // before the epoch: 1969-12-31
  ElasticsearchEncoder encoder(IndexPattern("kjournal-%Y.%m.%d"), "");
  const auto check = kjt::ElasticsearchReceiver::check_bulk_body(encoder.encode(records).body);
  ASSERT_EQ(check.actions.size(), 3u);
  EXPECT_EQ(check.actions[0].index, "kjournal-2025.12.31");
  EXPECT_EQ(check.actions[1].index, "kjournal-2026.01.01");
  EXPECT_EQ(check.actions[2].index, "kjournal-1969.12.31");
  EXPECT_EQ((*check.actions[0].source)["@timestamp"], "2025-12-31T23:59:59.999999999Z");
  EXPECT_EQ((*check.actions[2].source)["@timestamp"], "1969-12-31T23:59:59.999999999Z");
}

TEST(ElasticsearchEncoderTest, RecordWithoutCursorGetsNoId) {
  Record r = kjt::sample_records()[0];
  r.position.cursor.clear();
  ElasticsearchEncoder encoder(IndexPattern("kjournal"), "");
  const auto lines = lines_of(encoder.encode(std::span(&r, 1)).body);
  EXPECT_EQ(lines[0], R"({"create":{"_index":"kjournal"}})");
  EXPECT_FALSE(json::parse(lines[1])["event"].contains("id"));
}

TEST(ElasticsearchEncoderTest, SharedShapeCountsTheActionsOfTheLastRequest) {
  auto shape = std::make_shared<BulkRequestShape>();
  ElasticsearchEncoder encoder(IndexPattern("kjournal"), "", shape);
  const auto records = kjt::sample_records();
  encoder.encode(records);
  EXPECT_EQ(shape->actions, records.size());
  encoder.encode(std::span(records).first(2));
  EXPECT_EQ(shape->actions, 2u);
}

// The receiver's checks must be able to fail: each broken body is caught.
TEST(ElasticsearchReceiverChecksTest, BrokenBulkBodiesAreViolations) {
  const std::string id = std::string(32, 'a');
  const std::string good_action = R"({"create":{"_index":"kjournal","_id":")" + id + R"("}})";
  const std::string good_doc =
      R"({"@timestamp":"2025-11-27T10:40:00.123Z","message":"m","event":{"id":")" + id + R"("}})";
  EXPECT_TRUE(kjt::ElasticsearchReceiver::check_bulk_body(good_action + "\n" + good_doc + "\n")
                  .violations.empty());
  const std::vector<std::string> broken = {
      good_action + "\n" + good_doc,  // no final newline
      R"({"index":{"_index":"kjournal","_id":")" + id + "\"}}\n" + good_doc + "\n",
      R"({"create":{"_index":"Kjournal","_id":")" + id + "\"}}\n" + good_doc + "\n",
      R"({"create":{"_index":"kjournal"}})"
      "\n" +
          good_doc + "\n",
      good_action + "\n" + R"({"@timestamp":"2025-11-27 10:40:00","message":"m"})" + "\n",
      good_action + "\n" + R"({"@timestamp":"2025-11-27T10:40:00Z","message":"m","message":"n"})" +
          "\n",
      good_action + "\n" +
          R"({"@timestamp":"2025-11-27T10:40:00Z","message":"m","log.level":"x"})" + "\n",
      good_action + "\n" +
          R"({"@timestamp":"2025-11-27T10:40:00Z","message":"m","process":{"pid":"1"}})" + "\n",
      good_action + "\n" + "{\"@timestamp\":\"2025-11-27T10:40:00Z\",\"message\":\"\xff\"}\n",
  };
  for (const auto& body : broken)
    EXPECT_FALSE(kjt::ElasticsearchReceiver::check_bulk_body(body).violations.empty()) << body;
}

}  // namespace
}  // namespace kj::exporters
