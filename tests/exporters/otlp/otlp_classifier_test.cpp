// The OTLP retry-or-drop table (otlp_classifier.h) and the response bodies it reads, in
// both encodings: bodies as a collector writes them (ExportLogsServiceResponse and
// google.rpc.Status, protobuf bytes spelled out from logs_service.proto / status.proto).
#include "exporters/otlp/otlp_classifier.h"

#include <gtest/gtest.h>

#include "exporters/otlp/otlp_response.h"

namespace kj::exporters::otlp {
namespace {

using namespace std::chrono_literals;

HttpResponse answer(int status, std::string body = "", std::string content_type = "",
                    std::string retry_after = "") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  if (!content_type.empty()) r.headers.emplace_back("content-type", content_type);
  if (!retry_after.empty()) r.headers.emplace_back("Retry-After", retry_after);
  return r;
}

// ExportLogsServiceResponse{partial_success{rejected_log_records: 3, error_message: "bad"}}:
// 0a 07 | 08 03 | 12 03 'b' 'a' 'd'
const std::string kProtobufPartial(
    "\x0a\x07\x08\x03\x12\x03"
    "bad",
    9);

TEST(OtlpResponseTest, PartialSuccessInJson) {
  auto p = parse_export_logs_response(
      "application/json", R"({"partialSuccess":{"rejectedLogRecords":"3","errorMessage":"bad"}})");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rejected_log_records, 3);
  EXPECT_EQ(p->error_message, "bad");
  // A number instead of the mapping's string, and the proto field names, are accepted too.
  p = parse_export_logs_response("application/json; charset=utf-8",
                                 R"({"partial_success":{"rejected_log_records":5}})");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rejected_log_records, 5);
  for (const char* empty : {"", "{}", R"({"partialSuccess":{}})", "  \n"}) {
    p = parse_export_logs_response("application/json", empty);
    ASSERT_TRUE(p) << empty;
    EXPECT_EQ(p->rejected_log_records, 0) << empty;
  }
  EXPECT_FALSE(parse_export_logs_response("application/json", "{not json"));
}

TEST(OtlpResponseTest, PartialSuccessInProtobuf) {
  auto p = parse_export_logs_response("application/x-protobuf", kProtobufPartial);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rejected_log_records, 3);
  EXPECT_EQ(p->error_message, "bad");
  // Without a Content-Type the body decides.
  p = parse_export_logs_response("", kProtobufPartial);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rejected_log_records, 3);
  // An empty body is the empty message; unknown fields are skipped.
  p = parse_export_logs_response("application/x-protobuf", "");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rejected_log_records, 0);
  p = parse_export_logs_response("application/x-protobuf",
                                 std::string("\x10\x01\x0a\x02\x08\x02", 6));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rejected_log_records, 2);
  // Truncated: the length says 7 but 2 bytes follow.
  EXPECT_FALSE(
      parse_export_logs_response("application/x-protobuf", std::string("\x0a\x07\x08\x03", 4)));
}

TEST(OtlpResponseTest, StatusMessage) {
  EXPECT_EQ(parse_status_message("application/json", R"({"code":3,"message":"no body"})"),
            "no body");
  // google.rpc.Status{code: 3, message: "bad"}: 08 03 12 03 'b' 'a' 'd'
  EXPECT_EQ(parse_status_message("application/x-protobuf", std::string("\x08\x03\x12\x03"
                                                                       "bad",
                                                                       7)),
            "bad");
  EXPECT_FALSE(parse_status_message("text/plain", ""));
  EXPECT_FALSE(parse_status_message("application/json", "<html>"));
}

TEST(OtlpClassifierTest, SuccessAndPartialSuccess) {
  OtlpClassifier c;
  auto r = c.classify(answer(200, "{}", "application/json"));
  EXPECT_EQ(r.outcome, Outcome::success);
  EXPECT_EQ(r.rejected_count, 0u);

  r = c.classify(answer(200, kProtobufPartial, "application/x-protobuf"));
  EXPECT_EQ(r.outcome, Outcome::success);  // never retried
  EXPECT_EQ(r.rejected_count, 3u);
  EXPECT_EQ(r.reason, "partial_success");
  EXPECT_EQ(r.detail, "bad");

  r = c.classify(
      answer(200, R"({"partialSuccess":{"rejectedLogRecords":"4"}})", "application/json"));
  EXPECT_EQ(r.rejected_count, 4u);
  EXPECT_NE(r.detail.find("4 log record"), std::string::npos) << r.detail;

  // A garbled 200 is still a 200: the records were accepted.
  r = c.classify(answer(200, "\xff\xff", "application/x-protobuf"));
  EXPECT_EQ(r.outcome, Outcome::success);
  EXPECT_EQ(r.rejected_count, 0u);
}

TEST(OtlpClassifierTest, AWarningWithNothingRejectedIsLogged) {
  std::string logged;
  OtlpClassifier c("otel", [&](LogLevel, std::string_view m) { logged += std::string(m); });
  auto r = c.classify(
      answer(200, R"({"partialSuccess":{"errorMessage":"slow down"}})", "application/json"));
  EXPECT_EQ(r.outcome, Outcome::success);
  EXPECT_EQ(r.rejected_count, 0u);
  EXPECT_NE(logged.find("exporter otel"), std::string::npos) << logged;
  EXPECT_NE(logged.find("slow down"), std::string::npos) << logged;
}

TEST(OtlpClassifierTest, RetryOnlyTheThrottlingStatusesHonouringRetryAfter) {
  OtlpClassifier c;
  for (int s : {429, 502, 503, 504}) {
    auto r = c.classify(answer(s, "", "", "7"));
    EXPECT_EQ(r.outcome, Outcome::retry) << s;
    EXPECT_EQ(r.retry_after, 7000ms) << s;
    EXPECT_EQ(r.reason, "http_" + std::to_string(s));
  }
  EXPECT_EQ(c.classify(answer(503)).retry_after, 0ms);
  HttpResponse refused;
  refused.connect_failed = true;
  refused.transport_error = "Connection refused";
  EXPECT_EQ(c.classify(refused).outcome, Outcome::retry);
}

TEST(OtlpClassifierTest, EveryOtherErrorIsDroppedButConfigurationErrorsPark) {
  OtlpClassifier c;
  for (int s : {400, 405, 408, 409, 415, 422, 500, 501, 505})
    EXPECT_EQ(c.classify(answer(s)).outcome, Outcome::drop) << s;
  for (int s : {401, 403, 404, 407, 301})
    EXPECT_EQ(c.classify(answer(s)).outcome, Outcome::park) << s;
  EXPECT_EQ(c.classify(answer(413)).outcome, Outcome::split);
}

TEST(OtlpClassifierTest, ErrorDetailIsTheStatusMessage) {
  OtlpClassifier c;
  auto r =
      c.classify(answer(400, R"({"code":3,"message":"unknown field \"x\""})", "application/json"));
  EXPECT_EQ(r.outcome, Outcome::drop);
  EXPECT_EQ(r.detail, "unknown field \"x\"");
  r = c.classify(answer(400,
                        std::string("\x08\x03\x12\x03"
                                    "bad",
                                    7),
                        "application/x-protobuf"));
  EXPECT_EQ(r.detail, "bad");
  r = c.classify(answer(502, "<html>Bad Gateway</html>", "text/html"));
  EXPECT_EQ(r.detail, "<html>Bad Gateway</html>");
}

}  // namespace
}  // namespace kj::exporters::otlp
