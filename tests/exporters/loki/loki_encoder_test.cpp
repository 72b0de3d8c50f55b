// The push encoders, checked three ways: byte for byte against golden payloads made from the
// shared sample records (tests/data/loki/; KJ_UPDATE_GOLDEN=1 rewrites them), by the test
// receiver's spec checks (tests/support/loki_receiver.h), and for protobuf by protoc
// --decode_raw, an independent decoder, for the field numbers of logproto.PushRequest.
#include <gtest/gtest.h>
#include <snappy.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/record_id.h"
#include "exporters/loki/loki_json_encoder.h"
#include "exporters/loki/loki_protobuf_encoder.h"
#include "tests/support/golden_file.h"
#include "tests/support/loki_receiver.h"
#include "tests/support/process.h"
#include "tests/support/sample_records.h"

namespace kj::exporters {
namespace {

const std::vector<std::string> kDefaultLabels = {"node", "component"};

// The sample records in reverse order, two of them at the same time: the encoder must sort
// each stream by time and keep the input order of equal times.
std::vector<Record> out_of_order_records() {
  auto records = kjt::sample_records();
  std::reverse(records.begin(), records.end());
  records[1].time_ns = records[0].time_ns;  // both kube-proxy: one stream
  return records;
}

kjt::CapturedRequest as_captured(const EncodedRequest& r) {
  kjt::CapturedRequest c;
  c.method = r.method;
  c.uri = r.path_and_query;
  c.headers = r.headers;
  c.headers.emplace_back("Content-Type", r.content_type);
  c.raw_body = c.body = r.body;
  return c;
}

TEST(LokiJsonEncoderTest, SampleRecordsMatchTheGoldenPayload) {
  LokiJsonEncoder encoder(kDefaultLabels, false, "");
  const auto records = kjt::sample_records();
  const auto request = encoder.encode(records);
  EXPECT_EQ(request.path_and_query, "/loki/api/v1/push");
  EXPECT_EQ(request.content_type, "application/json");
  EXPECT_TRUE(request.compress);
  kjt::expect_golden(request.body, "loki/sample_push.json");
  std::vector<kjt::LokiPushedEntry> entries;
  EXPECT_EQ(kjt::check_loki_push(as_captured(request), "", &entries), std::vector<std::string>{});
  EXPECT_EQ(entries.size(), records.size());
}

TEST(LokiJsonEncoderTest, OutOfOrderRecordsAreSortedPerStream) {
  LokiJsonEncoder encoder(kDefaultLabels, false, "");
  const auto records = out_of_order_records();
  const auto request = encoder.encode(records);
  kjt::expect_golden(request.body, "loki/out_of_order_push.json");
  std::vector<kjt::LokiPushedEntry> entries;
  EXPECT_EQ(kjt::check_loki_push(as_captured(request), "", &entries), std::vector<std::string>{});
  ASSERT_EQ(entries.size(), records.size());
  // The two kube-proxy records with equal times keep their input order.
  std::vector<std::string> ids;
  for (const auto& e : entries)
    if (e.time_ns == static_cast<uint64_t>(records[0].time_ns)) ids.push_back(e.meta("record_id"));
  ASSERT_EQ(ids.size(), 2u);
  std::string first, second;
  append_record_id(first, records[0].position.cursor);
  append_record_id(second, records[1].position.cursor);
  EXPECT_EQ(ids, (std::vector<std::string>{first, second}));
}

TEST(LokiJsonEncoderTest, FieldsArriveWhereTheyBelong) {
  LokiJsonEncoder encoder(kDefaultLabels, false, "team-a");
  const auto records = kjt::sample_records();
  const auto request = encoder.encode(records);
  ASSERT_EQ(request.headers.size(), 1u);
  EXPECT_EQ(request.headers[0].first, "X-Scope-OrgID");
  EXPECT_EQ(request.headers[0].second, "team-a");
  std::vector<kjt::LokiPushedEntry> entries;
  ASSERT_EQ(kjt::check_loki_push(as_captured(request), "team-a", &entries),
            std::vector<std::string>{});
  const auto& kubelet = entries.at(0);
  EXPECT_EQ(kubelet.stream,
            (std::map<std::string, std::string>{{"component", "kubelet"}, {"node", "node-a"}}));
  EXPECT_EQ(kubelet.time_ns, 1'764'240'000'123'456'789u);
  EXPECT_EQ(kubelet.line, "Error syncing pod, skipping");
  EXPECT_EQ(kubelet.meta("level"), "error");
  EXPECT_EQ(kubelet.meta("pid"), "1234");
  EXPECT_EQ(kubelet.meta("caller"), "pod_workers.go:1298");
  EXPECT_EQ(kubelet.meta("unit"), "kubelet.service");
  EXPECT_EQ(kubelet.meta("podUID"), "5c0f8a6e-2b1d-4c3e-9f7a-1b2c3d4e5f60");
  EXPECT_EQ(kubelet.meta("record_id").size(), 32u);
  bool saw_binary = false, saw_huge = false;
  for (const auto& e : entries) {
    if (e.line.starts_with("bytes ")) {
      saw_binary = true;
      EXPECT_NE(e.line.find("\xef\xbf\xbd"), std::string::npos) << "U+FFFD for invalid bytes";
      EXPECT_EQ(e.meta("bad_key"), "v\xef\xbf\xbd");
    }
    if (e.line.starts_with("Response Body")) {
      saw_huge = true;
      EXPECT_EQ(e.meta("metadata_truncated"), "true");
    }
  }
  EXPECT_TRUE(saw_binary);
  EXPECT_TRUE(saw_huge);
}

TEST(LokiProtobufEncoderTest, SampleRecordsMatchTheGoldenPayload) {
  LokiProtobufEncoder encoder(kDefaultLabels, false, "");
  const auto records = kjt::sample_records();
  const auto request = encoder.encode(records);
  EXPECT_EQ(request.content_type, "application/x-protobuf");
  EXPECT_FALSE(request.compress) << "snappy only, no gzip on top";
  std::string message;
  ASSERT_TRUE(snappy::Uncompress(request.body.data(), request.body.size(), &message));
  EXPECT_EQ(message, encoder.push_request(records));
  kjt::expect_golden(message, "loki/sample_push.binpb");
  std::vector<kjt::LokiPushedEntry> entries;
  EXPECT_EQ(kjt::check_loki_push(as_captured(request), "", &entries), std::vector<std::string>{});
  ASSERT_EQ(entries.size(), records.size());

  // The same entries as the JSON form.
  LokiJsonEncoder json(kDefaultLabels, false, "");
  std::vector<kjt::LokiPushedEntry> from_json;
  ASSERT_EQ(kjt::check_loki_push(as_captured(json.encode(records)), "", &from_json),
            std::vector<std::string>{});
  ASSERT_EQ(from_json.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].stream, from_json[i].stream) << i;
    EXPECT_EQ(entries[i].time_ns, from_json[i].time_ns) << i;
    EXPECT_EQ(entries[i].line, from_json[i].line) << i;
    EXPECT_EQ(entries[i].metadata, from_json[i].metadata) << i;
  }
}

TEST(LokiProtobufEncoderTest, OutOfOrderRecordsMatchTheGoldenPayload) {
  LokiProtobufEncoder encoder(kDefaultLabels, false, "");
  kjt::expect_golden(encoder.push_request(out_of_order_records()), "loki/out_of_order_push.binpb");
}

TEST(LokiProtobufEncoderTest, ProtocDecodesTheFieldNumbersOfPushRequest) {
  LokiProtobufEncoder encoder(kDefaultLabels, false, "");
  Record r;
  r.time_ns = 1'764'240'000'123'456'789;
  r.node = "n1";
  r.component = "kubelet";
  r.message = "hello";
  r.pid = 7;
  const std::vector<Record> records{r};
  kjt::RunOptions options;
  options.stdin_data = encoder.push_request(records);
  const auto result = kjt::run({"protoc", "--decode_raw"}, options);
  ASSERT_EQ(result.exit_code(), 0) << result.describe();
  // PushRequest.streams(1) { labels(1) entries(2) { timestamp(1) { seconds(1) nanos(2) }
  // line(2) structuredMetadata(3) { name(1) value(2) } } }
  const std::string want =
      "1 {\n"
      "  1: \"{component=\\\"kubelet\\\", node=\\\"n1\\\"}\"\n"
      "  2 {\n"
      "    1 {\n"
      "      1: 1764240000\n"
      "      2: 123456789\n"
      "    }\n"
      "    2: \"hello\"\n"
      "    3 {\n"
      "      1: \"level\"\n"
      "      2: \"unknown\"\n"
      "    }\n"
      "    3 {\n"
      "      1: \"pid\"\n"
      "      2: \"7\"\n"
      "    }\n"
      "  }\n"
      "}\n";
  EXPECT_EQ(result.out, want);
}

}  // namespace
}  // namespace kj::exporters
