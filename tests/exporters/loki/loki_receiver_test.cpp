// The test receiver's spec checks must catch what a real distributor refuses, or the exporter
// tests that assert "zero violations" would prove nothing.
#include "tests/support/loki_receiver.h"

#include <gtest/gtest.h>
#include <snappy.h>

#include "exporters/protobuf/protobuf_writer.h"

namespace kjt {
namespace {

CapturedRequest json_push(std::string body, std::string tenant = "") {
  CapturedRequest r;
  r.method = "POST";
  r.uri = "/loki/api/v1/push";
  r.headers = {{"Content-Type", "application/json"}};
  if (!tenant.empty()) r.headers.emplace_back("X-Scope-OrgID", tenant);
  r.raw_body = r.body = std::move(body);
  return r;
}

// The violations of a push, joined, for matching.
std::string problems(const CapturedRequest& r, const std::string& tenant = "") {
  std::string out;
  for (const auto& p : check_loki_push(r, tenant, nullptr)) out += p + "\n";
  return out;
}

const std::string kValid =
    R"({"streams":[{"stream":{"node":"n1"},"values":[["2","b"],["10","a",{"pid":"1"}]]}]})";

TEST(LokiReceiverTest, AcceptsAValidJsonPush) {
  std::vector<LokiPushedEntry> entries;
  EXPECT_EQ(check_loki_push(json_push(kValid), "", &entries), std::vector<std::string>{});
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].time_ns, 10u);
  EXPECT_EQ(entries[1].meta("pid"), "1");
}

TEST(LokiReceiverTest, CatchesJsonThatLokiRefuses) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"streams":[{"stream":{"node":"n1"},"values":[[2,"b"]]}]})", "string of digits"},
      {R"({"streams":[{"stream":{"node":"n1"},"values":[["10","b"],["2","a"]]}]})", "not sorted"},
      {R"({"streams":[{"stream":{"node":"n1"},"values":[["1","a"]]},)"
       R"({"stream":{"node":"n1"},"values":[["2","b"]]}]})",
       "already used"},
      {R"({"streams":[{"stream":{"a-b":"n1"},"values":[["1","a"]]}]})", "invalid label name"},
      {R"({"streams":[{"stream":{},"values":[["1","a"]]}]})", "no labels"},
      {R"({"streams":[{"stream":{"node":"n1"},"values":[["1","a",{"pid":1}]]}]})", "not a string"},
      {R"({"streams":[{"stream":{"node":"n1"},"values":[["1","a",{"a.b":"1"}]]}]})",
       "invalid metadata name"},
      {"{\"streams\":[{\"stream\":{\"node\":\"n1\"},\"values\":[[\"1\",\"\xff\"]]}]}", "not JSON"},
      {R"({"streams":[{"stream":{"node":"n1"},"values":[["1","a"]]}],"x":1})", "not {"},
  };
  for (const auto& [body, want] : cases)
    EXPECT_NE(problems(json_push(body)).find(want), std::string::npos) << body << "\n"
                                                                       << problems(json_push(body));
}

TEST(LokiReceiverTest, CatchesWrongPathMethodTypeAndTenant) {
  auto r = json_push(kValid);
  r.uri = "/api/v1/push";
  EXPECT_NE(problems(r).find("path"), std::string::npos);
  r = json_push(kValid);
  r.method = "PUT";
  EXPECT_NE(problems(r).find("method"), std::string::npos);
  r = json_push(kValid);
  r.headers[0].second = "text/plain";
  EXPECT_NE(problems(r).find("Content-Type"), std::string::npos);
  EXPECT_NE(problems(json_push(kValid), "team-a").find("X-Scope-OrgID"), std::string::npos);
  EXPECT_NE(problems(json_push(kValid, "team-b"), "team-a").find("X-Scope-OrgID"),
            std::string::npos);
  EXPECT_EQ(problems(json_push(kValid, "team-a"), "team-a"), "");
}

CapturedRequest protobuf_push(const std::string& message, std::string encoding = "") {
  CapturedRequest r;
  r.method = "POST";
  r.uri = "/loki/api/v1/push";
  r.headers = {{"Content-Type", "application/x-protobuf"}};
  if (!encoding.empty()) r.headers.emplace_back("Content-Encoding", encoding);
  snappy::Compress(message.data(), message.size(), &r.raw_body);
  r.body = r.raw_body;
  return r;
}

std::string push_request(bool with_hash) {
  std::string out;
  kj::exporters::protobuf::Writer w(out);
  w.begin_message(1);
  w.bytes_field(1, "{node=\"n1\", unit=\"a\\\"b\"}");
  w.begin_message(2);
  w.begin_message(1);
  w.varint_field(1, 5);
  w.varint_field(2, 7);
  w.end_message();
  w.bytes_field(2, "line");
  w.begin_message(3);
  w.bytes_field(1, "pid");
  w.bytes_field(2, "1");
  w.end_message();
  w.end_message();
  if (with_hash) w.varint_field(3, 42);
  w.end_message();
  return out;
}

TEST(LokiReceiverTest, DecodesAndChecksProtobuf) {
  std::vector<LokiPushedEntry> entries;
  ASSERT_EQ(check_loki_push(protobuf_push(push_request(false)), "", &entries),
            std::vector<std::string>{});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].time_ns, 5'000'000'007u);
  EXPECT_EQ(entries[0].stream.at("unit"), "a\"b");
  EXPECT_EQ(entries[0].line, "line");
  EXPECT_EQ(entries[0].meta("pid"), "1");

  EXPECT_NE(problems(protobuf_push(push_request(true))).find("hash"), std::string::npos);
  EXPECT_NE(problems(protobuf_push(push_request(false), "gzip")).find("gzip"), std::string::npos);
  auto not_snappy = protobuf_push(push_request(false));
  not_snappy.raw_body = push_request(false);
  EXPECT_NE(problems(not_snappy).find("snappy"), std::string::npos);
}

}  // namespace
}  // namespace kjt
