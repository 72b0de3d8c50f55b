#include "exporters/clickhouse/clickhouse_classifier.h"

#include <gtest/gtest.h>

namespace kj::exporters {
namespace {

HttpResponse answer(int status, std::string body, HeaderList headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

// Bodies as ClickHouse 18.16.1 (Debian 12) sends them, recorded from the test server.
constexpr const char* kParseError1816 =
    "Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected \" before: "
    "abc\",\"pid\":0}: (while read the value of key ts_nsec): (at row 1)\n, e.what() = "
    "DB::Exception\n";
constexpr const char* kUnknownTable1816 =
    "Code: 60, e.displayText() = DB::Exception: Table logs.nope doesn't exist., e.what() = "
    "DB::Exception\n";
constexpr const char* kUnknownDatabase1816 =
    "Code: 81, e.displayText() = DB::Exception: Database nodb doesn't exist, e.what() = "
    "DB::Exception\n";
constexpr const char* kWrongPassword1816 =
    "Code: 193, e.displayText() = DB::Exception: Wrong password for user writer, e.what() = "
    "DB::Exception\n";
constexpr const char* kUnknownField1816 =
    "Code: 117, e.displayText() = DB::Exception: Unknown field found while parsing JSONEachRow "
    "format: nosuch: (at row 1)\n, e.what() = DB::Exception\n";
// The newer format (24.x).
constexpr const char* kParseErrorNew =
    "Code: 27. DB::Exception: Cannot parse input: expected '{' before: 'x': (at row 1)\n: While "
    "executing ParallelParsingBlockInputFormat. (CANNOT_PARSE_INPUT_ASSERTION_FAILED) (version "
    "24.3.1.1)\n";

TEST(ClickHouseCodeTest, ParsesOldAndNewFormats) {
  EXPECT_EQ(parse_clickhouse_code(kParseError1816), 27);
  EXPECT_EQ(parse_clickhouse_code(kParseErrorNew), 27);
  EXPECT_EQ(parse_clickhouse_code(kWrongPassword1816), 193);
  EXPECT_EQ(parse_clickhouse_code("Code: 252. DB::Exception: Too many parts"), 252);
  EXPECT_FALSE(parse_clickhouse_code(""));
  EXPECT_FALSE(parse_clickhouse_code("<html>502 Bad Gateway</html>"));
  EXPECT_FALSE(parse_clickhouse_code("Code: x"));
}

TEST(ClickHouseClassifierTest, SuccessIs2xx) {
  ClickHouseClassifier c;
  EXPECT_EQ(c.classify(answer(200, "")).outcome, Outcome::success);
}

TEST(ClickHouseClassifierTest, BadDataIsBisectedSoGoodRowsSurvive) {
  ClickHouseClassifier c;
  auto r = c.classify(answer(500, kParseError1816));
  EXPECT_EQ(r.outcome, Outcome::split);
  EXPECT_EQ(r.backend_code, 27);
  EXPECT_EQ(r.reason, "clickhouse_code_27");
  EXPECT_EQ(r.http_status, 500);
  EXPECT_NE(r.detail.find("Cannot parse input"), std::string::npos);
  EXPECT_EQ(c.classify(answer(400, kParseErrorNew)).outcome, Outcome::split);
  EXPECT_EQ(
      c.classify(answer(500, "Code: 53, e.displayText() = DB::Exception: Type mismatch")).outcome,
      Outcome::split);
}

TEST(ClickHouseClassifierTest, SchemaAndAuthErrorsPark) {
  ClickHouseClassifier c;
  EXPECT_EQ(c.classify(answer(404, kUnknownTable1816)).outcome, Outcome::park);
  EXPECT_EQ(c.classify(answer(404, kUnknownDatabase1816)).outcome, Outcome::park);
  EXPECT_EQ(c.classify(answer(401, kWrongPassword1816)).outcome, Outcome::park);
  EXPECT_EQ(c.classify(answer(500, kUnknownField1816)).outcome, Outcome::park);
  EXPECT_EQ(c.classify(answer(500, "Code: 115, e.displayText() = DB::Exception: Unknown setting"))
                .outcome,
            Outcome::park);
  // INCORRECT_DATA other than a missing column is bad data.
  EXPECT_EQ(c.classify(answer(500, "Code: 117, e.displayText() = DB::Exception: bad")).outcome,
            Outcome::split);
}

TEST(ClickHouseClassifierTest, BusyServerRetries) {
  ClickHouseClassifier c;
  for (int code : {159, 202, 209, 210, 241, 242, 252, 319, 364}) {
    auto r = c.classify(answer(500, "Code: " + std::to_string(code) + ", e.displayText() = x"));
    EXPECT_EQ(r.outcome, Outcome::retry) << code;
    EXPECT_EQ(r.reason, "clickhouse_code_" + std::to_string(code));
  }
}

TEST(ClickHouseClassifierTest, DeduplicatedInsertIsSuccess) {
  ClickHouseClassifier c;
  EXPECT_EQ(c.classify(answer(500, "Code: 389. DB::Exception: deduplicated")).outcome,
            Outcome::success);
}

TEST(ClickHouseClassifierTest, UnknownCodeFollowsTheStatus) {
  ClickHouseClassifier c;
  EXPECT_EQ(c.classify(answer(500, "Code: 9999, e.displayText() = ?")).outcome, Outcome::retry);
  EXPECT_EQ(c.classify(answer(400, "Code: 9999. DB::Exception: ?")).outcome, Outcome::drop);
}

TEST(ClickHouseClassifierTest, ExceptionCodeHeaderWins) {
  ClickHouseClassifier c;
  auto r = c.classify(answer(500, "garbled", {{"X-ClickHouse-Exception-Code", "252"}}));
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.backend_code, 252);
}

TEST(ClickHouseClassifierTest, ProxyAndTransportErrorsRetry) {
  ClickHouseClassifier c;
  for (int s : {502, 503, 504}) {
    auto r = c.classify(answer(s, "<html>proxy</html>"));
    EXPECT_EQ(r.outcome, Outcome::retry) << s;
    EXPECT_EQ(r.reason, "http_" + std::to_string(s));
  }
  HttpResponse timeout;
  timeout.transport_error = "Timeout";
  timeout.timed_out = true;
  EXPECT_EQ(c.classify(timeout).outcome, Outcome::retry);
  EXPECT_EQ(c.classify(timeout).reason, "timeout");
  HttpResponse refused;
  refused.transport_error = "Connection refused";
  refused.connect_failed = true;
  EXPECT_EQ(c.classify(refused).reason, "connect");
}

TEST(ClickHouseClassifierTest, RetryAfterFromAProxyIsKept) {
  ClickHouseClassifier c;
  auto r = c.classify(answer(503, "", {{"Retry-After", "3"}}));
  EXPECT_EQ(r.retry_after, std::chrono::milliseconds(3000));
}

}  // namespace
}  // namespace kj::exporters
