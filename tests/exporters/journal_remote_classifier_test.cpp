// systemd-journal-remote's statuses (journal-remote-main.c) and what a proxy in front of it
// may answer, mapped to outcomes.
#include "exporters/journal_remote/journal_remote_classifier.h"

#include <gtest/gtest.h>

namespace kj::exporters {
namespace {

SendResult classify(int status, std::string body = {}, HeaderList headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return JournalRemoteClassifier().classify(r);
}

TEST(JournalRemoteClassifier, AcceptedIsSuccess) {
  const auto r = classify(202, "OK.\n");
  EXPECT_EQ(r.outcome, Outcome::success);
  EXPECT_EQ(r.http_status, 202);
  EXPECT_TRUE(r.reason.empty());
}

TEST(JournalRemoteClassifier, TransientFailuresRetry) {
  for (int s : {500, 502, 503, 504, 501}) EXPECT_EQ(classify(s).outcome, Outcome::retry) << s;
  const auto eof = classify(417, "Premature EOF\n");
  EXPECT_EQ(eof.outcome, Outcome::retry);
  EXPECT_EQ(eof.reason, "http_417");
  EXPECT_EQ(eof.detail, "Premature EOF");
  EXPECT_EQ(classify(408).outcome, Outcome::retry);
  const auto busy = classify(429, "", {{"retry-after", "7"}});
  EXPECT_EQ(busy.outcome, Outcome::retry);
  EXPECT_EQ(busy.retry_after, std::chrono::seconds(7));
}

TEST(JournalRemoteClassifier, NoResponseRetries) {
  HttpResponse r;
  r.transport_error = "Connection refused";
  r.connect_failed = true;
  auto res = JournalRemoteClassifier().classify(r);
  EXPECT_EQ(res.outcome, Outcome::retry);
  EXPECT_EQ(res.http_status, 0);
  EXPECT_EQ(res.detail, "Connection refused");
  r.connect_failed = false;
  r.timed_out = true;
  res = JournalRemoteClassifier().classify(r);
  EXPECT_EQ(res.outcome, Outcome::retry);
  EXPECT_EQ(res.reason, "timeout");
}

TEST(JournalRemoteClassifier, ClientBugsAndWrongUrlsPark) {
  EXPECT_EQ(classify(400, "Content-Length and Transfer-Encoding both specified.").outcome,
            Outcome::park);
  EXPECT_EQ(classify(404, "Not found.").outcome, Outcome::park);
  EXPECT_EQ(classify(406, "Unsupported method.").outcome, Outcome::park);
  EXPECT_EQ(classify(411, "Invalid Content-Length").outcome, Outcome::park);
  const auto ct = classify(415, "Content-Type: application/vnd.fdo.journal is required.\n");
  EXPECT_EQ(ct.outcome, Outcome::park);
  EXPECT_EQ(ct.reason, "http_415");
  EXPECT_EQ(ct.detail, "Content-Type: application/vnd.fdo.journal is required.");
  for (int s : {301, 302, 401, 403, 405, 407, 409, 422})
    EXPECT_EQ(classify(s).outcome, Outcome::park) << s;
}

TEST(JournalRemoteClassifier, TooLargeSplits) {
  EXPECT_EQ(classify(413, "Entry is too large").outcome, Outcome::split);
}

TEST(JournalRemoteClassifier, DetailIsCapped) {
  const auto r = classify(500, std::string(10'000, 'x'));
  EXPECT_LE(r.detail.size(), 1100u);
}

}  // namespace
}  // namespace kj::exporters
