// The OTLP encoders: golden payloads of the shared sample records (tests/data/otlp; rewrite
// them with KJ_UPDATE_GOLDEN=1 after an intended change and review the diff), the receiver's
// spec checks on both encodings, both encodings saying the same thing, and the mapping
// choices of otlp_log_model.h one by one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/record_id.h"
#include "exporters/otlp/otlp_encoder.h"
#include "exporters/otlp/otlp_json_encoder.h"
#include "exporters/otlp/otlp_protobuf_encoder.h"
#include "tests/support/golden_file.h"
#include "tests/support/otlp_receiver.h"
#include "tests/support/process.h"
#include "tests/support/sample_records.h"

namespace kj::exporters::otlp {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1'764'240'100'000'000'000;  // the fixed "encode time" of these tests
constexpr const char* kVersion = "0.0.0-test";

std::string json_body(std::span<const Record> records) {
  std::string out;
  append_logs_json(out, records, kVersion, kNow);
  return out;
}

std::string protobuf_body(std::span<const Record> records) {
  std::string out;
  append_logs_protobuf(out, records, kVersion, kNow);
  return out;
}

std::string decode_raw(const std::string& protobuf) {
  kjt::RunOptions options;
  options.stdin_data = protobuf;
  const auto result = kjt::run({"protoc", "--decode_raw"}, options);
  EXPECT_EQ(result.exit_code(), 0) << result.describe();
  return result.out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

TEST(OtlpEncoderTest, JsonGoldenPayload) {
  const auto records = kjt::sample_records();
  kjt::expect_golden(json_body(records), "otlp/sample.json");
}

TEST(OtlpEncoderTest, ProtobufGoldenPayload) {
  const auto records = kjt::sample_records();
  const std::string body = protobuf_body(records);
  kjt::expect_golden(body, "otlp/sample.pb");
  // The payload as protoc sees it, for reviewing changes as a text diff. Without the record
  // with the 256 KiB attribute: protoc --decode_raw reads its run of 'x' (0x78, a valid tag)
  // as nested fields and would print megabytes.
  std::vector<Record> readable;
  for (const auto& r : records)
    if (r.attributes.empty() || r.attributes[0].second.size() < 1024) readable.push_back(r);
  ASSERT_EQ(readable.size() + 1, records.size());
  kjt::expect_golden(decode_raw(protobuf_body(readable)), "otlp/sample.pb.txt");
}

TEST(OtlpEncoderTest, BothEncodingsPassTheSpecChecksAndSayTheSameThing) {
  const auto records = kjt::sample_records();
  std::vector<std::string> violations;
  const json from_json = json::parse(json_body(records));  // throws on ill-formed UTF-8
  kjt::check_otlp_logs_request(from_json, violations);
  EXPECT_TRUE(violations.empty()) << join(violations);

  violations.clear();
  const json from_protobuf = kjt::otlp_protobuf_to_json(protobuf_body(records), violations);
  kjt::check_otlp_logs_request(from_protobuf, violations);
  EXPECT_TRUE(violations.empty()) << join(violations);

  EXPECT_EQ(from_json, from_protobuf);
}

TEST(OtlpEncoderTest, OneResourcePerNodeAndServiceInFirstSeenOrder) {
  const auto records = kjt::sample_records();
  const json body = json::parse(json_body(records));
  std::vector<std::string> services;
  size_t total = 0;
  for (const auto& rl : body["resourceLogs"]) {
    std::map<std::string, std::string> attrs;
    for (const auto& kv : rl["resource"]["attributes"])
      attrs[kv["key"]] = kv["value"]["stringValue"];
    EXPECT_EQ(attrs["host.name"], "node-a");
    EXPECT_EQ(attrs["k8s.node.name"], "node-a");
    services.push_back(attrs.count("service.name") ? attrs["service.name"] : "<none>");
    ASSERT_EQ(rl["scopeLogs"].size(), 1u);
    EXPECT_EQ(rl["scopeLogs"][0]["scope"], (json{{"name", "kjournal"}, {"version", kVersion}}));
    total += rl["scopeLogs"][0]["logRecords"].size();
  }
  EXPECT_EQ(total, records.size());
  EXPECT_EQ(services, (std::vector<std::string>{"kubelet", "containerd", "kube-scheduler",
                                                "dockerd", "<none>", "kube-proxy"}));
}

TEST(OtlpEncoderTest, RecordFieldsAndAttributes) {
  const auto records = kjt::sample_records();
  const Record& kubelet = records[0];
  const json body = json::parse(json_body(std::span(&kubelet, 1)));
  const json& r = body["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
  EXPECT_EQ(r["timeUnixNano"], std::to_string(kubelet.time_ns));
  EXPECT_EQ(r["observedTimeUnixNano"], std::to_string(kubelet.observed_time_ns));
  EXPECT_EQ(r["severityNumber"], 17);
  EXPECT_EQ(r["severityText"], "ERROR");
  EXPECT_EQ(r["body"], (json{{"stringValue", "Error syncing pod, skipping"}}));
  std::string id;
  append_record_id(id, kubelet.position.cursor);
  const json want = json::parse(R"([
    {"key":"log.record.uid","value":{"stringValue":")" +
                                id + R"("}},
    {"key":"syslog.identifier","value":{"stringValue":"kubelet"}},
    {"key":"systemd.unit","value":{"stringValue":"kubelet.service"}},
    {"key":"process.pid","value":{"intValue":"1234"}},
    {"key":"code.file.path","value":{"stringValue":"pod_workers.go"}},
    {"key":"code.line.number","value":{"intValue":"1298"}},
    {"key":"err","value":{"stringValue":"failed to \"StartContainer\" for \"app\" with CrashLoopBackOff"}},
    {"key":"pod","value":{"stringValue":"default/web-7d4b9c6f5-x2x9k"}},
    {"key":"podUID","value":{"stringValue":"5c0f8a6e-2b1d-4c3e-9f7a-1b2c3d4e5f60"}},
    {"key":"klog_time","value":{"stringValue":"2025-11-27T10:40:00.123400Z"}}])");
  EXPECT_EQ(r["attributes"], want) << r["attributes"].dump(1);
}

TEST(OtlpEncoderTest, FileRecordsCarryTheirPathAndGetTheEncodeTimeAsObservedTime) {
  const auto records = kjt::sample_records();
  const Record& panic = records[2];
  ASSERT_EQ(panic.observed_time_ns, 0);
  const json body = json::parse(json_body(std::span(&panic, 1)));
  const json& r = body["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
  EXPECT_EQ(r["observedTimeUnixNano"], std::to_string(kNow));
  EXPECT_EQ(r["severityNumber"], 21);
  bool found = false;
  for (const auto& kv : r["attributes"])
    if (kv["key"] == "log.file.path") {
      found = true;
      EXPECT_EQ(kv["value"]["stringValue"], "/var/log/kube-scheduler.log");
    }
  EXPECT_TRUE(found) << r.dump();
}

TEST(OtlpEncoderTest, EmptyAndUnknownFieldsAreLeftOut) {
  Record r;
  r.time_ns = 0;
  r.position.cursor.clear();
  const json body = json::parse(json_body(std::span(&r, 1)));
  const json& rl = body["resourceLogs"][0];
  EXPECT_FALSE(rl.contains("resource"));
  EXPECT_EQ(rl["scopeLogs"][0]["logRecords"][0],
            (json{{"observedTimeUnixNano", std::to_string(kNow)}}));
  std::vector<std::string> violations;
  kjt::check_otlp_logs_request(body, violations);
  EXPECT_TRUE(violations.empty()) << join(violations);
}

TEST(OtlpEncoderTest, InvalidUtf8IsReplacedInBothEncodings) {
  Record r;
  r.time_ns = 1;
  r.message =
      "a\xff"
      "b\xc3";
  r.attributes = {{"k\xfe", "v\x80"}};
  const json from_json = json::parse(json_body(std::span(&r, 1)));
  std::vector<std::string> violations;
  const json from_protobuf =
      kjt::otlp_protobuf_to_json(protobuf_body(std::span(&r, 1)), violations);
  EXPECT_TRUE(violations.empty()) << join(violations);
  for (const json* b : {&from_json, &from_protobuf}) {
    const json& rec = (*b)["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
    EXPECT_EQ(rec["body"]["stringValue"],
              "a\xef\xbf\xbd"
              "b\xef\xbf\xbd");
    EXPECT_EQ(rec["attributes"][0]["key"], "k\xef\xbf\xbd");
    EXPECT_EQ(rec["attributes"][0]["value"]["stringValue"], "v\xef\xbf\xbd");
  }
}

TEST(OtlpEncoderTest, AttributeKeysStayUnique) {
  Record r;
  r.time_ns = 1;
  r.pid = 7;
  r.caller = "no-line-number";
  r.attributes = {{"process.pid", "999"}, {"a", "1"}, {"a", "2"}, {"", "x"}, {"empty", ""}};
  const json body = json::parse(json_body(std::span(&r, 1)));
  const json& attrs = body["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["attributes"];
  EXPECT_EQ(attrs, json::parse(R"([
    {"key":"process.pid","value":{"intValue":"7"}},
    {"key":"code.file.path","value":{"stringValue":"no-line-number"}},
    {"key":"a","value":{"stringValue":"1"}},
    {"key":"empty","value":{"stringValue":""}}])"));
}

TEST(OtlpEncoderTest, RequestsGoToV1Logs) {
  OtlpEncoder json_encoder(Encoding::json, "v", [] { return kNow; });
  OtlpEncoder protobuf_encoder(Encoding::protobuf, "v", [] { return kNow; });
  const auto records = kjt::sample_records();
  const auto a = json_encoder.encode(records);
  const auto b = protobuf_encoder.encode(records);
  EXPECT_EQ(a.path_and_query, "/v1/logs");
  EXPECT_EQ(a.content_type, "application/json");
  EXPECT_TRUE(a.compress);
  EXPECT_EQ(b.path_and_query, "/v1/logs");
  EXPECT_EQ(b.content_type, "application/x-protobuf");
  EXPECT_TRUE(b.compress);
  std::string want;
  append_logs_protobuf(want, records, "v", kNow);
  EXPECT_EQ(b.body, want);
}

}  // namespace
}  // namespace kj::exporters::otlp
