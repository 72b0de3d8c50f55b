#include "core/time_format.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace kj {
namespace {

std::string rfc3339(int64_t us) {
  std::string s;
  append_rfc3339_utc_us(s, us);
  return s;
}

TEST(TimeFormat, Rfc3339Utc) {
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00.000000Z");
  // date -u -d @1700000000 -> 2023-11-14 22:13:20
  EXPECT_EQ(rfc3339(1700000000123456), "2023-11-14T22:13:20.123456Z");
  // Leap day and century rules: 2000-02-29 exists (divisible by 400).
  EXPECT_EQ(rfc3339(951782400000000), "2000-02-29T00:00:00.000000Z");
  EXPECT_EQ(rfc3339(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(TimeFormat, Rfc3339IntoABufferAndOutsideFourDigitYears) {
  char buf[kMaxRfc3339Bytes];
  for (const int64_t us : {int64_t{0}, int64_t{1700000000123456}, int64_t{-1},
                           int64_t{253402300799999999} /* 9999-12-31T23:59:59.999999 */}) {
    EXPECT_EQ(std::string(buf, format_rfc3339_utc_us(buf, us)), rfc3339(us));
  }
  EXPECT_EQ(rfc3339(253402300799999999), "9999-12-31T23:59:59.999999Z");
  // Year 10000: the year widens instead of wrapping.
  EXPECT_EQ(rfc3339(253402300800000000), "10000-01-01T00:00:00.000000Z");
}

// The per-second cache must give format_rfc3339_utc_us's bytes whatever the order of the
// times: same second, next second, back in time, across a day, negative, and past year 9999.
TEST(TimeFormat, CachedRfc3339FormatterMatchesTheFunction) {
  Rfc3339UtcFormatter f;
  const int64_t times[] = {1700000000123456,
                           1700000000999999,
                           1700000001000000,
                           1700000000000001,
                           1700000000000001,
                           1700006400000000,
                           -1,
                           -1000000,
                           0,
                           253402300799999999,
                           253402300800000000,
                           253402300800000001,
                           1700000000123456};
  char a[kMaxRfc3339Bytes], b[kMaxRfc3339Bytes];
  for (const int64_t us : times) {
    EXPECT_EQ(std::string(a, f.format(a, us)), std::string(b, format_rfc3339_utc_us(b, us))) << us;
  }
}

TEST(TimeFormat, CivilRoundTripsEveryDayFor600Years) {
  for (int64_t d = days_from_civil(1800, 1, 1); d < days_from_civil(2400, 1, 1); ++d) {
    const CivilTime t = civil_from_unix_seconds(d * 86400 + 3661);
    ASSERT_EQ(days_from_civil(t.year, t.month, t.day), d);
    ASSERT_EQ(t.hour, 1);
    ASSERT_EQ(t.minute, 1);
    ASSERT_EQ(t.second, 1);
  }
  EXPECT_EQ(days_from_civil(2026, 11, 27), 20784);
}

TEST(TimeFormat, AgreesWithGmtime) {
  for (int64_t s = -86400 * 400; s < 4102444800; s += 86400 * 37 + 12345) {
    const time_t tt = s;
    struct tm tm {};
    gmtime_r(&tt, &tm);
    const CivilTime t = civil_from_unix_seconds(s);
    ASSERT_EQ(t.year, tm.tm_year + 1900) << s;
    ASSERT_EQ(t.month, tm.tm_mon + 1) << s;
    ASSERT_EQ(t.day, tm.tm_mday) << s;
    ASSERT_EQ(t.hour, tm.tm_hour) << s;
  }
}

TEST(TimeFormat, ShortFormsLikeJournalctl) {
  WallClock utc(true);
  std::string s;
  append_syslog_time(s, utc.at(1700000000));
  EXPECT_EQ(s, "Nov 14 22:13:20");
  s.clear();
  append_iso_time(s, utc.at(1700000000));
  EXPECT_EQ(s, "2023-11-14T22:13:20+0000");
  s.clear();
  append_micros(s, 1700000000000042);
  EXPECT_EQ(s, ".000042");
}

TEST(TimeFormat, LocalZoneOffset) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  setenv("TZ", "America/New_York", 1);
  tzset();
  WallClock local(false);
  std::string s;
  append_iso_time(s, local.at(1700000000));  // 17:13:20 EST
  EXPECT_EQ(s, "2023-11-14T17:13:20-0500");
  s.clear();
  append_iso_time(s, local.at(1690000000));  // 2023-07-22 04:26:40 UTC = 00:26:40 EDT
  EXPECT_EQ(s, "2023-07-22T00:26:40-0400");
  if (old)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
}

// The cached short timestamp must be byte for byte what rendering each second afresh gives,
// in both styles and both zones, across second, day and year boundaries, at and before the
// epoch, and when the same second comes back after others.
TEST(TimeFormat, ShortTimeFormatterMatchesUncachedRendering) {
  const int64_t year_end = 1798761599;  // 2026-12-31T23:59:59Z
  std::vector<int64_t> secs = {0,          -1,         -86400,     -86401,    1,
                               1700000000, 1700000000, 1700000001, 1700000000};
  for (int64_t s = year_end - 3; s <= year_end + 3; ++s) secs.push_back(s);
  for (int64_t s = 1700006398; s <= 1700006402; ++s) secs.push_back(s);  // an hour boundary
  secs.push_back(1700006399);
  for (const bool utc : {true, false}) {
    for (const auto style : {ShortTimeFormatter::Style::syslog, ShortTimeFormatter::Style::iso}) {
      ShortTimeFormatter cached(utc, style);
      for (const int64_t s : secs) {
        WallClock fresh(utc);
        std::string want = "x";
        if (style == ShortTimeFormatter::Style::iso) {
          append_iso_time(want, fresh.at(s));
        } else {
          append_syslog_time(want, fresh.at(s));
        }
        std::string got = "x";
        cached.append(got, s);
        EXPECT_EQ(got, want) << s << " utc=" << utc;
      }
    }
  }
  std::string s;
  ShortTimeFormatter(true, ShortTimeFormatter::Style::iso).append(s, year_end + 1);
  EXPECT_EQ(s, "2027-01-01T00:00:00+0000");
}

TEST(TimeFormat, MicrosAtAndBeforeTheEpoch) {
  auto micros = [](int64_t us) {
    std::string s;
    append_micros(s, us);
    return s;
  };
  EXPECT_EQ(micros(0), ".000000");
  EXPECT_EQ(micros(999999), ".999999");
  EXPECT_EQ(micros(1000000), ".000000");
  EXPECT_EQ(micros(-1), ".999999");  // one µs before the epoch is 23:59:59.999999
  EXPECT_EQ(micros(-1000000), ".000000");
  EXPECT_EQ(micros(1700000000123456), ".123456");
}

}  // namespace
}  // namespace kj
