// The test receiver's spec checks must be able to fail: requests that break each rule the
// receiver enforces (BACKENDS.md §3.1-§3.3) are reported, in both encodings.
#include "tests/support/otlp_receiver.h"

#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <functional>

namespace kjt {
namespace {

using nlohmann::json;

bool mentions(const std::vector<std::string>& violations, const std::string& text) {
  for (const auto& v : violations)
    if (v.find(text) != std::string::npos) return true;
  return false;
}

std::string all(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

json valid_request() {
  return json::parse(R"({"resourceLogs":[{"resource":{"attributes":[
      {"key":"service.name","value":{"stringValue":"kubelet"}}]},
    "scopeLogs":[{"scope":{"name":"kjournal"},"logRecords":[{
      "timeUnixNano":"1718000000123456000","observedTimeUnixNano":"1718000000200000000",
      "severityNumber":17,"severityText":"ERROR","body":{"stringValue":"pod sync failed"},
      "attributes":[{"key":"process.pid","value":{"intValue":"1234"}}]}]}]}]})");
}

TEST(OtlpReceiverChecksTest, AValidRequestPasses) {
  std::vector<std::string> v;
  check_otlp_logs_request(valid_request(), v);
  EXPECT_TRUE(v.empty()) << all(v);
}

TEST(OtlpReceiverChecksTest, JsonTrapsAreReported) {
  auto record = [](json& r) -> json& {
    return r["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
  };
  struct Case {
    std::function<void(json&)> change;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {[&](json& r) { record(r)["timeUnixNano"] = 1718000000123456000; }, "JSON number"},
      {[&](json& r) { record(r)["severityNumber"] = "SEVERITY_NUMBER_ERROR"; }, "enum sent as"},
      {[&](json& r) { record(r)["severityNumber"] = 25; }, "outside 0..24"},
      {[&](json& r) { record(r)["time_unix_nano"] = "1"; }, "snake_case"},
      {[&](json& r) { record(r).erase("observedTimeUnixNano"); }, "no observedTimeUnixNano"},
      {[&](json& r) {
         record(r)["attributes"][0]["value"] = json{{"intValue", 1234}};
       },
       "JSON number"},
      {[&](json& r) {
         record(r)["attributes"].push_back(
             json{{"key", "process.pid"}, {"value", {{"stringValue", "x"}}}});
       },
       "duplicate key"},
      {[&](json& r) {
         record(r)["body"] = json{{"stringValue", "a"}, {"boolValue", true}};
       },
       "more than one member"},
      {[&](json& r) { record(r)["traceId"] = "AAECAwQFBgcICQoLDA0ODw=="; }, "not 32 hex digits"},
      {[&](json& r) { r["resourceLogs"][0]["scopeLogs"][0]["logRecords"] = json::array(); },
       "missing or empty"},
  };
  for (const auto& c : cases) {
    json r = valid_request();
    c.change(r);
    std::vector<std::string> v;
    check_otlp_logs_request(r, v);
    EXPECT_TRUE(mentions(v, c.expected)) << c.expected << " not reported in:\n" << all(v);
  }
}

TEST(OtlpReceiverChecksTest, ProtobufSchemaViolationsAreReported) {
  std::vector<std::string> v;
  // ResourceLogs{ScopeLogs{LogRecord{time_unix_nano as a varint (wire type 0, not fixed64)}}}
  otlp_protobuf_to_json(std::string("\x0a\x06\x12\x04\x12\x02\x08\x01", 8), v);
  EXPECT_TRUE(mentions(v, "timeUnixNano: wire type 0, the schema says 1")) << all(v);

  v.clear();
  // An unknown field 9 in ExportLogsServiceRequest.
  otlp_protobuf_to_json(std::string("\x48\x01", 2), v);
  EXPECT_TRUE(mentions(v, "unknown field 9 in ExportLogsServiceRequest")) << all(v);

  v.clear();
  // InstrumentationScope.name with an invalid UTF-8 byte.
  otlp_protobuf_to_json(std::string("\x0a\x07\x12\x05\x0a\x03\x0a\x01\xff", 9), v);
  EXPECT_TRUE(mentions(v, "not valid UTF-8")) << all(v);

  v.clear();
  // Truncated: ResourceLogs says 16 bytes, 2 follow.
  otlp_protobuf_to_json(std::string("\x0a\x10\x12\x00", 4), v);
  EXPECT_TRUE(mentions(v, "truncated")) << all(v);
}

TEST(OtlpReceiverTest, ChecksTheHttpSideAndAnswersInTheRequestEncoding) {
  OtlpReceiver receiver;
  receiver.script({OtlpAnswer::error(400, "bad data")});
  Poco::URI uri(receiver.url());
  Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
  const std::string body = valid_request().dump();
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/v1/log");
  request.setContentType("text/plain");
  request.setContentLength64(static_cast<Poco::Int64>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::string answer;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
  EXPECT_EQ(response.getStatus(), 415);
  const auto v = receiver.violations();
  EXPECT_TRUE(mentions(v, "path /v1/log, expected /v1/logs")) << all(v);
  EXPECT_TRUE(mentions(v, "Content-Type \"text/plain\"")) << all(v);

  Poco::Net::HTTPRequest good(Poco::Net::HTTPRequest::HTTP_POST, "/v1/logs");
  good.setContentType("application/json");
  good.setContentLength64(static_cast<Poco::Int64>(body.size()));
  session.sendRequest(good) << body;
  answer.clear();
  Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
  EXPECT_EQ(response.getStatus(), 400);  // the script's first answer
  EXPECT_EQ(response.getContentType(), "application/json");
  EXPECT_EQ(json::parse(answer)["message"], "bad data");
  EXPECT_EQ(receiver.violations().size(), v.size());  // the second request was valid
  ASSERT_EQ(receiver.records().size(), 1u);
  EXPECT_EQ(receiver.records()[0].body(), "pod sync failed");
  EXPECT_EQ(receiver.records()[0].resource("service.name"), "kubelet");
  EXPECT_EQ(receiver.records()[0].answered, 400);
}

}  // namespace
}  // namespace kjt
