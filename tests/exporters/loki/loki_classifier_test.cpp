#include "exporters/loki/loki_classifier.h"

#include <gtest/gtest.h>

namespace kj::exporters {
namespace {

using namespace std::chrono_literals;

HttpResponse response(int status, std::string body = "", HeaderList headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

Outcome outcome_of(int status) {
  LokiClassifier c;
  return c.classify(response(status)).outcome;
}

TEST(LokiClassifierTest, AcceptedPushes) {
  EXPECT_EQ(outcome_of(204), Outcome::success);
  EXPECT_EQ(outcome_of(200), Outcome::success);
  EXPECT_EQ(outcome_of(202), Outcome::success);
}

TEST(LokiClassifierTest, BlockedTenantIsADropNotASuccess) {
  LokiClassifier c;
  const auto r = c.classify(response(260, "ingestion blocked for tenant fake"));
  EXPECT_EQ(r.outcome, Outcome::drop);
  EXPECT_EQ(r.reason, "loki_ingestion_blocked_260");
  EXPECT_EQ(r.detail, "ingestion blocked for tenant fake");
}

TEST(LokiClassifierTest, ValidationErrorsAreDroppedNeverRetried) {
  LokiClassifier c;
  const auto r = c.classify(
      response(400,
               "entry with timestamp 2025-11-27 10:40:00 +0000 UTC ignored, reason: 'entry too "
               "far behind', user 'fake', total ignored: 1 out of 2 for stream: {node=\"n\"}\n"));
  EXPECT_EQ(r.outcome, Outcome::drop);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.reason, "http_400");
  EXPECT_NE(r.detail.find("too far behind"), std::string::npos);
  EXPECT_EQ(r.detail.back(), '}') << "trailing newline trimmed";
  EXPECT_EQ(outcome_of(422), Outcome::drop);
  EXPECT_EQ(outcome_of(409), Outcome::drop);
}

TEST(LokiClassifierTest, BackPressureAndServerErrorsAreRetriedWithRetryAfter) {
  LokiClassifier c;
  const auto r = c.classify(response(429, "Ingestion rate limit exceeded", {{"Retry-After", "3"}}));
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.retry_after, 3000ms);
  for (int s : {500, 501, 502, 503, 504}) EXPECT_EQ(outcome_of(s), Outcome::retry) << s;
  const auto busy = c.classify(response(503, "", {{"retry-after", "7"}}));
  EXPECT_EQ(busy.retry_after, 7000ms);
  EXPECT_EQ(outcome_of(408), Outcome::retry);
}

TEST(LokiClassifierTest, TransportErrorsAreRetried) {
  LokiClassifier c;
  HttpResponse refused;
  refused.connect_failed = true;
  refused.transport_error = "Connection refused";
  const auto r = c.classify(refused);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.reason, "connect");
  HttpResponse slow;
  slow.timed_out = true;
  EXPECT_EQ(c.classify(slow).reason, "timeout");
}

TEST(LokiClassifierTest, AuthAndWrongUrlPark) {
  for (int s : {401, 403, 404, 407, 301, 302}) EXPECT_EQ(outcome_of(s), Outcome::park) << s;
}

TEST(LokiClassifierTest, TooLargeSplits) {
  EXPECT_EQ(outcome_of(413), Outcome::split);
}

}  // namespace
}  // namespace kj::exporters
