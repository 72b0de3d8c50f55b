#include "exporters/http/retry_policy.h"

#include <gtest/gtest.h>

#include "exporters/http/retry_after.h"

namespace kj::exporters {
namespace {

using std::chrono::milliseconds;

config::RetryConfig retry_config(int64_t initial, int64_t max, int64_t max_elapsed = 0) {
  config::RetryConfig c;
  c.initial = milliseconds(initial);
  c.max = milliseconds(max);
  c.max_elapsed = milliseconds(max_elapsed);
  return c;
}

TEST(RetryPolicyTest, DelaysStayWithinTheDoublingCappedWindow) {
  RetryPolicy policy(retry_config(100, 1000), 42);
  const int64_t ceilings[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (int64_t ceiling : ceilings) {
    EXPECT_EQ(policy.current_ceiling().count(), ceiling);
    auto d = policy.next_delay();
    ASSERT_TRUE(d);
    EXPECT_GE(d->count(), 0);
    EXPECT_LE(d->count(), ceiling);
  }
}

TEST(RetryPolicyTest, JitterIsSpreadOverTheWholeWindow) {
  // Full jitter: over many draws at the cap, both the low and the high quarter occur.
  RetryPolicy policy(retry_config(1000, 1000), 7);
  int low = 0, high = 0;
  for (int i = 0; i < 400; ++i) {
    auto d = policy.next_delay()->count();
    low += d < 250;
    high += d > 750;
  }
  EXPECT_GT(low, 50);
  EXPECT_GT(high, 50);
}

TEST(RetryPolicyTest, SameSeedSameDelays) {
  RetryPolicy a(retry_config(100, 5000), 1234), b(retry_config(100, 5000), 1234);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(a.next_delay(), b.next_delay());
}

TEST(RetryPolicyTest, ResetStartsOverAtInitial) {
  RetryPolicy policy(retry_config(100, 10000), 1);
  for (int i = 0; i < 5; ++i) policy.next_delay();
  EXPECT_EQ(policy.current_ceiling().count(), 3200);
  policy.reset();
  EXPECT_EQ(policy.attempts(), 0u);
  EXPECT_EQ(policy.current_ceiling().count(), 100);
}

TEST(RetryPolicyTest, LongStreaksDoNotOverflow) {
  RetryPolicy policy(retry_config(500, 30000), 3);
  for (int i = 0; i < 200; ++i) {
    auto d = policy.next_delay();
    ASSERT_TRUE(d);
    ASSERT_LE(d->count(), 30000);
  }
}

TEST(RetryPolicyTest, RetryAfterIsAFloor) {
  RetryPolicy policy(retry_config(10, 20), 5);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(policy.next_delay(milliseconds(3000))->count(), 3000);
}

TEST(RetryPolicyTest, HugeRetryAfterIsBounded) {
  RetryPolicy policy(retry_config(10, 20), 5);
  EXPECT_EQ(*policy.next_delay(std::chrono::hours(48)), RetryPolicy::kMaxRetryAfter);
}

TEST(RetryPolicyTest, GivesUpAfterMaxElapsedSinceTheFirstFailure) {
  RetryPolicy policy(retry_config(10, 20, 1000), 5);
  const auto t0 = RetryPolicy::Clock::now();
  EXPECT_TRUE(policy.next_delay(milliseconds(0), t0));
  EXPECT_TRUE(policy.next_delay(milliseconds(0), t0 + milliseconds(999)));
  EXPECT_FALSE(policy.next_delay(milliseconds(0), t0 + milliseconds(1000)));
  policy.reset();  // a success starts a new streak
  EXPECT_TRUE(policy.next_delay(milliseconds(0), t0 + milliseconds(5000)));
}

TEST(RetryPolicyTest, ZeroMaxElapsedRetriesForever) {
  RetryPolicy policy(retry_config(10, 20, 0), 5);
  const auto t0 = RetryPolicy::Clock::now();
  EXPECT_TRUE(policy.next_delay(milliseconds(0), t0));
  EXPECT_TRUE(policy.next_delay(milliseconds(0), t0 + std::chrono::hours(24 * 365)));
}

TEST(RetryAfterTest, DeltaSeconds) {
  EXPECT_EQ(parse_retry_after("120", 0), milliseconds(120000));
  EXPECT_EQ(parse_retry_after(" 0 ", 0), milliseconds(0));
  EXPECT_FALSE(parse_retry_after("", 0));
  EXPECT_FALSE(parse_retry_after("-5", 0));
  EXPECT_FALSE(parse_retry_after("1.5", 0));
  EXPECT_FALSE(parse_retry_after("soon", 0));
  EXPECT_TRUE(parse_retry_after("99999999999999999999999", 0));  // clamped, not an error
}

TEST(RetryAfterTest, HttpDate) {
  // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480 (RFC 9110's example).
  const int64_t at = 1445412480;
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", at - 30), milliseconds(30000));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", at + 30), milliseconds(0));
  EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", at - 1), milliseconds(1000));
  EXPECT_EQ(parse_retry_after("Wed Oct 21 07:28:00 2015", at - 2), milliseconds(2000));
}

TEST(RetryAfterTest, FromResponseHeaders) {
  HttpResponse r;
  r.status = 503;
  EXPECT_EQ(retry_after_of(r), milliseconds(0));
  r.headers = {{"Content-Type", "text/plain"}, {"retry-after", "7"}};
  EXPECT_EQ(retry_after_of(r), milliseconds(7000));
}

}  // namespace
}  // namespace kj::exporters
