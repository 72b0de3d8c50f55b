// Tests for KlogTimeResolver. Expected instants were computed with GNU date, independently of
// the code under test (`date -u -d '2026-12-31 23:59:00 UTC' +%s`, and with TZ=Europe/Berlin /
// TZ=Asia/Tokyo for local times); each constant names its derivation.
#include "core/klog_time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <stdexcept>

namespace {

constexpr int64_t kNs = 1'000'000'000;

kj::LocalStamp stamp(int month, int day, int hour, int minute, int second, int64_t nanos = 0,
                     int year = 0) {
  kj::LocalStamp s;
  s.year = year;
  s.month = month;
  s.day = day;
  s.hour = hour;
  s.minute = minute;
  s.second = second;
  s.nanos = nanos;
  return s;
}

// 2026-06-01 00:00:00 UTC.
constexpr int64_t kJune2026 = 1780272000 * kNs;

TEST(KlogTimeTest, TakesTheReferenceYearInUtc) {
  kj::KlogTimeResolver r("UTC");
  // 2026-01-01 10:00:00 UTC = 1767261600.
  EXPECT_EQ(r.resolve(stamp(1, 1, 10, 0, 0, 123'456'000), kJune2026),
            1767261600 * kNs + 123'456'000);
  // 2026-11-27 10:00:00 UTC = 1795773600: in the future of the reference by months, so the
  // previous year (2025-11-27 10:00 = 1764237600).
  EXPECT_EQ(r.resolve(stamp(11, 27, 10, 0, 0), kJune2026), 1764237600 * kNs);
}

TEST(KlogTimeTest, DecemberLineReadOnJanuaryFirstBelongsToTheOldYear) {
  kj::KlogTimeResolver r("UTC");
  // Read at 2027-01-01 00:05:00 UTC = 1798761900; the line is 2026-12-31 23:59:00 = 1798761540.
  EXPECT_EQ(r.resolve(stamp(12, 31, 23, 59, 0), 1798761900 * kNs), 1798761540 * kNs);
  // A January line read on Jan 1 stays in the new year: 2027-01-01 00:05:00.
  EXPECT_EQ(r.resolve(stamp(1, 1, 0, 5, 0), 1798761900 * kNs), 1798761900 * kNs);
  // Read an hour before midnight (2026-12-31 23:00 = 1798758000): a line a minute ahead of the
  // reference is clock skew between writer and reader, not last year.
  EXPECT_EQ(r.resolve(stamp(12, 31, 23, 59, 0), 1798758000 * kNs), 1798761540 * kNs);
}

TEST(KlogTimeTest, LineAlmostADayAheadKeepsTheYear) {
  kj::KlogTimeResolver r("UTC");
  // Reference 2026-07-01 10:00 (1782900000); a line "0702 09:59:59" is 23:59:59 ahead: still
  // this year.
  EXPECT_EQ(r.resolve(stamp(7, 2, 9, 59, 59), 1782900000 * kNs), (1782900000 + 86399) * kNs);
  // One second more than a day ahead: last year (2025-07-02 10:00:01).
  // `date -u -d '2025-07-02 10:00:01 UTC' +%s` = 1751450401.
  EXPECT_EQ(r.resolve(stamp(7, 2, 10, 0, 1), 1782900000 * kNs), 1751450401 * kNs);
}

TEST(KlogTimeTest, ExplicitYearIsKept) {
  kj::KlogTimeResolver r("UTC");
  // C++ glog's 8-digit date: 2026-11-27 10:00:00 = 1795773600, whatever the reference.
  EXPECT_EQ(r.resolve(stamp(11, 27, 10, 0, 0, 0, 2026), kJune2026 - 400LL * 86400 * kNs),
            1795773600 * kNs);
}

TEST(KlogTimeTest, ZoneOffsetsFollowDaylightSaving) {
  kj::KlogTimeResolver r("Europe/Berlin");
  const int64_t august = kJune2026 + 60 * 86400 * kNs;
  // TZ=Europe/Berlin date -d '2026-07-01 12:00' +%s = 1782900000 (CEST, +2).
  EXPECT_EQ(r.resolve(stamp(7, 1, 12, 0, 0), august), 1782900000 * kNs);
  // TZ=Europe/Berlin date -d '2026-01-15 11:00' +%s = 1768471200 (CET, +1).
  EXPECT_EQ(r.resolve(stamp(1, 15, 11, 0, 0), august), 1768471200 * kNs);
}

TEST(KlogTimeTest, DaylightSavingEdges) {
  kj::KlogTimeResolver r("Europe/Berlin");
  // 2026-03-29 02:30 does not exist in Berlin (02:00 -> 03:00): read with the offset from
  // before the jump (+1), as mktime() does: 01:30 UTC = 1774747800.
  EXPECT_EQ(r.resolve(stamp(3, 29, 2, 30, 0), kJune2026), 1774747800 * kNs);
  // 2026-10-25 02:30 happens twice: the earlier (CEST, +2) reading, 00:30 UTC = 1792888200.
  EXPECT_EQ(r.resolve(stamp(10, 25, 2, 30, 0), kJune2026 + 200LL * 86400 * kNs), 1792888200 * kNs);
  // 03:30 after the switch is CET: 02:30 UTC = 1792891800 + 3600.
  EXPECT_EQ(r.resolve(stamp(10, 25, 3, 30, 0), kJune2026 + 200LL * 86400 * kNs),
            (1792891800 + 3600) * kNs);
}

TEST(KlogTimeTest, ConsecutiveLinesAcrossASwitchConvertExactly) {
  // The resolver caches per hour; walking minute by minute across the spring switch must give
  // the same answers as fresh resolvers.
  kj::KlogTimeResolver walking("Europe/Berlin");
  for (int h = 0; h < 5; ++h) {
    for (int m = 0; m < 60; m += 7) {
      kj::KlogTimeResolver fresh("Europe/Berlin");
      const auto s = stamp(3, 29, h, m, 0);
      EXPECT_EQ(walking.resolve(s, kJune2026), fresh.resolve(s, kJune2026)) << h << ":" << m;
    }
  }
  // And the readings are monotonic outside the skipped hour.
  EXPECT_LT(walking.resolve(stamp(3, 29, 1, 59, 0), kJune2026),
            walking.resolve(stamp(3, 29, 3, 0, 0), kJune2026));
}

TEST(KlogTimeTest, ReferenceYearIsTheZonesYear) {
  kj::KlogTimeResolver r("Asia/Tokyo");
  // Reference 2026-12-31 23:30 UTC (1798759800) is already 2027 in Tokyo (+9), so a line
  // "0101 08:00" is 2027-01-01 08:00 JST: TZ=Asia/Tokyo date -d '2027-01-01 08:00' +%s =
  // 1798758000.
  EXPECT_EQ(r.resolve(stamp(1, 1, 8, 0, 0), 1798759800 * kNs), 1798758000 * kNs);
}

TEST(KlogTimeTest, ProcessZoneMatchesLocaltime) {
  kj::KlogTimeResolver r;
  const auto s = stamp(11, 27, 10, 0, 0);
  const int64_t t = r.resolve(s, kJune2026 - 180LL * 86400 * kNs);  // December 2025
  const time_t secs = static_cast<time_t>(t / kNs);
  struct tm tm {};
  ASSERT_NE(localtime_r(&secs, &tm), nullptr);
  EXPECT_EQ(tm.tm_year + 1900, 2025);
  EXPECT_EQ(tm.tm_mon + 1, 11);
  EXPECT_EQ(tm.tm_mday, 27);
  EXPECT_EQ(tm.tm_hour, 10);
}

TEST(KlogTimeTest, UnknownZoneThrows) {
  EXPECT_THROW(kj::KlogTimeResolver("Mars/Olympus_Mons"), std::invalid_argument);
  EXPECT_THROW(kj::KlogTimeResolver("../etc/passwd"), std::invalid_argument);
}

}  // namespace
