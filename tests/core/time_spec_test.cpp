// Tests for parse_time_spec(). Expected instants were computed independently of the code under
// test and hard-coded: plain dates with GNU date (`date -u -d "2026-11-27 10:00 +0100" +%s`),
// DST edge cases with `TZ=... systemd-analyze timestamp '...'` (systemd 252, the same parser
// journalctl 252 uses), spans with `systemd-analyze timespan`. Each value names its derivation.
#include "core/time_spec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int64_t kSec = 1'000'000;

// Fri 2026-11-27 15:30:45.5 UTC: `date -u -d '2026-11-27 15:30:45' +%s` = 1795793445.
constexpr int64_t kNow = 1795793445 * kSec + 500'000;

int64_t parse(std::string_view spec, int64_t now = kNow) {
  return kj::parse_time_spec(spec, now);
}

std::string error_of(std::string_view spec, int64_t now = kNow) {
  try {
    const int64_t t = kj::parse_time_spec(spec, now);
    return "<accepted: " + std::to_string(t) + ">";
  } catch (const kj::TimeSpecError& e) {
    return e.what();
  }
}

// Sets $TZ for one test and puts the previous value (or its absence) back afterwards, so tests
// do not depend on the machine's zone or on each other.
class ZoneFixture : public ::testing::Test {
 protected:
  virtual const char* zone() const = 0;

  void SetUp() override {
    if (const char* old = std::getenv("TZ")) saved_ = old;
    setenv("TZ", zone(), 1);
    tzset();
  }

  void TearDown() override {
    if (saved_) {
      setenv("TZ", saved_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::optional<std::string> saved_;
};

class TimeSpecUtc : public ZoneFixture {
  const char* zone() const override { return "UTC"; }
};
class TimeSpecRelative : public ZoneFixture {
  const char* zone() const override { return "UTC"; }
};
class TimeSpecErrors : public ZoneFixture {
  const char* zone() const override { return "UTC"; }
};
class TimeSpecBerlin : public ZoneFixture {
  const char* zone() const override { return "Europe/Berlin"; }
};
class TimeSpecNewYork : public ZoneFixture {
  const char* zone() const override { return "America/New_York"; }
};
class TimeSpecShanghai : public ZoneFixture {
  const char* zone() const override { return "Asia/Shanghai"; }
};

// ---------------------------------------------------------------------------------------------
// Absolute forms, local zone UTC.

TEST_F(TimeSpecUtc, DateOnlyIsMidnight) {
  // date -u -d '2026-11-27' +%s
  EXPECT_EQ(parse("2026-11-27"), 1795737600 * kSec);
}

TEST_F(TimeSpecUtc, DateAndTime) {
  // date -u -d '2026-11-27 10:00' +%s
  EXPECT_EQ(parse("2026-11-27 10:00"), 1795773600 * kSec);
  EXPECT_EQ(parse("2026-11-27 10:00:30"), 1795773630 * kSec);
  // Runs of spaces and surrounding blanks are tolerated, as strptime() does for journalctl.
  EXPECT_EQ(parse("  2026-11-27   10:00  "), 1795773600 * kSec);
}

TEST_F(TimeSpecUtc, FractionalSeconds) {
  EXPECT_EQ(parse("2026-11-27 10:00:00.123456"), 1795773600 * kSec + 123456);
  EXPECT_EQ(parse("2026-11-27 10:00:00.5"), 1795773600 * kSec + 500000);
  // A 7th digit rounds half up, later digits are ignored: systemd-analyze timestamp
  // '2026-11-27 10:00:00.1234567' prints @1795773600.123457.
  EXPECT_EQ(parse("2026-11-27 10:00:00.1234567"), 1795773600 * kSec + 123457);
  EXPECT_EQ(parse("2026-11-27 10:00:00.12345649"), 1795773600 * kSec + 123456);
  // Rounding may carry into the next second (systemd-analyze: @1795773601).
  EXPECT_EQ(parse("2026-11-27 10:00:00.9999995"), 1795773601 * kSec);
}

TEST_F(TimeSpecUtc, ShortAndUnpaddedForms) {
  // Two-digit years use strptime's %y pivot: systemd-analyze timestamp '26-11-27' gives
  // @1795737600, '68-01-01' gives 2068 (@3092601600).
  EXPECT_EQ(parse("26-11-27"), 1795737600 * kSec);
  EXPECT_EQ(parse("68-01-01"), 3092601600 * kSec);
  // Unpadded fields as strptime accepts them: systemd-analyze '2026-1-5 1:2:3' = @1767574923.
  EXPECT_EQ(parse("2026-1-5 1:2:3"), 1767574923 * kSec);
}

TEST_F(TimeSpecUtc, LeapSecondBecomesNextMinute) {
  // systemd-analyze timestamp '2026-11-27 10:00:60' = @1795773660.
  EXPECT_EQ(parse("2026-11-27 10:00:60"), 1795773660 * kSec);
}

TEST_F(TimeSpecUtc, WeekdayMustMatch) {
  EXPECT_EQ(parse("Fri 2026-11-27 10:00"), 1795773600 * kSec);
  EXPECT_EQ(parse("friday 2026-11-27 10:00"), 1795773600 * kSec);
  EXPECT_EQ(parse("FRI 2026-11-27"), 1795737600 * kSec);
  EXPECT_EQ(error_of("Thu 2026-11-27 10:00"),
            "\"Thu 2026-11-27 10:00\": weekday does not match the date (2026-11-27 is a Friday)");
  // With a time only the weekday is checked against today (kNow is a Friday).
  EXPECT_EQ(parse("Fri 10:00"), 1795773600 * kSec);
  EXPECT_EQ(error_of("Sat 10:00"),
            "\"Sat 10:00\": weekday does not match the date (2026-11-27 is a Friday)");
}

TEST_F(TimeSpecUtc, TimeOnlyIsToday) {
  EXPECT_EQ(parse("10:00"), 1795773600 * kSec);
  EXPECT_EQ(parse("10:00:30"), 1795773630 * kSec);
  EXPECT_EQ(parse("15:30:45.25"), 1795793445 * kSec + 250000);
}

TEST_F(TimeSpecUtc, Keywords) {
  EXPECT_EQ(parse("now"), kNow);
  EXPECT_EQ(parse("today"), 1795737600 * kSec);      // date -u -d 2026-11-27
  EXPECT_EQ(parse("yesterday"), 1795651200 * kSec);  // date -u -d 2026-11-26
  EXPECT_EQ(parse("tomorrow"), 1795824000 * kSec);   // date -u -d 2026-11-28
}

TEST_F(TimeSpecUtc, TomorrowAcrossNewYear) {
  // now = 2026-12-31 20:00 UTC (date -u -d ... +%s = 1798747200); tomorrow = 2027-01-01
  // (1798761600), yesterday = 2026-12-30 (1798675200 - 86400).
  const int64_t now = 1798747200 * kSec;
  EXPECT_EQ(parse("tomorrow", now), 1798761600 * kSec);
  EXPECT_EQ(parse("today", now), 1798675200 * kSec);
  EXPECT_EQ(parse("yesterday", now), (1798675200 - 86400) * kSec);
  // And from New Year's Day back: now = 2027-01-01 05:00 UTC (1798779600).
  EXPECT_EQ(parse("yesterday", 1798779600 * kSec), 1798675200 * kSec);
}

TEST_F(TimeSpecUtc, LeapDays) {
  EXPECT_EQ(parse("2028-02-29"), 1835395200 * kSec);  // date -u -d 2028-02-29
  EXPECT_EQ(parse("2000-02-29"), 951782400 * kSec);   // divisible by 400: leap
  EXPECT_EQ(error_of("2026-02-29"), "\"2026-02-29\": no such day");
  EXPECT_EQ(error_of("2100-02-29"), "\"2100-02-29\": no such day");  // divisible by 100 only
  EXPECT_EQ(error_of("2026-04-31"), "\"2026-04-31\": no such day");
  EXPECT_EQ(parse("2026-12-31 23:59:59"), (1798761600 - 1) * kSec);
}

TEST_F(TimeSpecUtc, ExplicitUtcAndOffsets) {
  EXPECT_EQ(parse("2026-11-27 10:00 UTC"), 1795773600 * kSec);
  EXPECT_EQ(parse("2026-11-27 10:00 utc"), 1795773600 * kSec);
  EXPECT_EQ(parse("2026-11-27 10:00Z"), 1795773600 * kSec);
  // date -u -d '2026-11-27 10:00 +0200' +%s = 1795766400
  EXPECT_EQ(parse("2026-11-27 10:00 +02:00"), 1795766400 * kSec);
  EXPECT_EQ(parse("2026-11-27 10:00 +0200"), 1795766400 * kSec);
  EXPECT_EQ(parse("2026-11-27 10:00 +02"), 1795766400 * kSec);
  EXPECT_EQ(parse("2026-11-27 10:00+02:00"), 1795766400 * kSec);
  // date -u -d '2026-11-27 10:00 -0500' = 1795791600, '... +0530' = 1795753800
  EXPECT_EQ(parse("2026-11-27 10:00 -05:00"), 1795791600 * kSec);
  EXPECT_EQ(parse("2026-11-27 10:00 +05:30"), 1795753800 * kSec);
  EXPECT_EQ(parse("2026-11-27 -05:00"), (1795737600 + 5 * 3600) * kSec);
}

TEST_F(TimeSpecUtc, IanaZoneNames) {
  // date -u -d '2026-11-27 10:00 +0100' = 1795770000 (Berlin is on CET in November).
  EXPECT_EQ(parse("2026-11-27 10:00 Europe/Berlin"), 1795770000 * kSec);
  // New York on EST (-05): 1795791600; Kolkata +05:30 all year: 1795753800.
  EXPECT_EQ(parse("2026-11-27 10:00 America/New_York"), 1795791600 * kSec);
  EXPECT_EQ(parse("2026-11-27 10:00 Asia/Kolkata"), 1795753800 * kSec);
  // Summer time from the zone's rules: date -u -d '2026-07-01 10:00' = 1782900000 = 12:00 CEST.
  EXPECT_EQ(parse("2026-07-01 12:00 Europe/Berlin"), 1782900000 * kSec);
  // Past 2037 the TZif footer rule ("CET-1CEST,M3.5.0,M10.5.0/3") decides:
  // date -u -d '2040-07-01 10:00' = 2224749600 is 12:00 CEST.
  EXPECT_EQ(parse("2040-07-01 12:00 Europe/Berlin"), 2224749600 * kSec);
  // Today's date is taken in the named zone: at kNow it is already 2026-11-28 04:30 in Auckland,
  // so "tomorrow" there is 2026-11-29 00:00 NZDT = 2026-11-28 11:00 UTC (1795824000 + 11 h).
  EXPECT_EQ(parse("tomorrow Pacific/Auckland"), (1795824000 + 11 * 3600) * kSec);
  EXPECT_EQ(parse("10:00 Europe/Berlin"), 1795770000 * kSec);
}

TEST_F(TimeSpecUtc, ZoneFilesNamedAfterAnAbbreviationPinIt) {
  // "CET" means +01:00 even in July (systemd treats the word as the zone's tzname[0]), so
  // 12:00 CET on 2026-07-01 is 11:00 UTC: 1782900000 + 3600.
  EXPECT_EQ(parse("2026-07-01 12:00 CET"), (1782900000 + 3600) * kSec);
  // EST is a fixed -05:00 file: 2026-07-15 10:00 EST = 15:00 UTC.
  EXPECT_EQ(parse("2026-07-15 10:00 EST"), (1784073600 + 15 * 3600) * kSec);
}

TEST_F(TimeSpecUtc, Rfc3339) {
  EXPECT_EQ(parse("2026-11-27T10:00:00Z"), 1795773600 * kSec);
  EXPECT_EQ(parse("2026-11-27t10:00:00z"), 1795773600 * kSec);
  EXPECT_EQ(parse("2026-11-27T10:00:00.5+02:00"), 1795766400 * kSec + 500000);
  EXPECT_EQ(parse("2026-11-27T10:00"), 1795773600 * kSec);  // local time without a zone
  // Examples from RFC 3339 section 5.8 with the instants the RFC states.
  EXPECT_EQ(parse("1985-04-12T23:20:50.52Z"), 482196050 * kSec + 520000);
  EXPECT_EQ(parse("1996-12-19T16:39:57-08:00"), 851042397 * kSec);
  EXPECT_EQ(parse("1996-12-20T00:39:57Z"), 851042397 * kSec);
  // -00:00 is "offset unknown" in RFC 3339, which still denotes UTC.
  EXPECT_EQ(parse("1996-12-20T00:39:57-00:00"), 851042397 * kSec);
}

TEST_F(TimeSpecUtc, EpochSeconds) {
  EXPECT_EQ(parse("@1700000000"), 1700000000 * kSec);
  EXPECT_EQ(parse("@1700000000.5"), 1700000000 * kSec + 500000);
  EXPECT_EQ(parse("@0"), 0);
  // "@" takes a time span (systemd-analyze timestamp @1h = @3600).
  EXPECT_EQ(parse("@1h"), 3600 * kSec);
}

// ---------------------------------------------------------------------------------------------
// Relative forms.

TEST_F(TimeSpecRelative, SignedAndAgo) {
  EXPECT_EQ(parse("-1h"), kNow - 3600 * kSec);
  EXPECT_EQ(parse("+30min"), kNow + 1800 * kSec);
  EXPECT_EQ(parse("1h ago"), kNow - 3600 * kSec);
  EXPECT_EQ(parse("2 days ago"), kNow - 2 * 86400 * kSec);
  EXPECT_EQ(parse("1h 30min ago"), kNow - 5400 * kSec);
  EXPECT_EQ(parse("-1h30min"), kNow - 5400 * kSec);
  EXPECT_EQ(parse("- 1h"), kNow - 3600 * kSec);  // journalctl allows the blank
  EXPECT_EQ(parse("5min left"), kNow + 300 * kSec);
  EXPECT_EQ(parse("+3h30min"), kNow + 12600 * kSec);
  EXPECT_EQ(parse("-0"), kNow);
}

TEST_F(TimeSpecRelative, BareDurationsMeanAgo) {
  EXPECT_EQ(parse("1h"), kNow - 3600 * kSec);
  EXPECT_EQ(parse("90m"), kNow - 5400 * kSec);
  EXPECT_EQ(parse("2d"), kNow - 2 * 86400 * kSec);
  EXPECT_EQ(parse("1h30m"), kNow - 5400 * kSec);
  EXPECT_EQ(parse("1.5h"), kNow - 5400 * kSec);
  EXPECT_EQ(parse("2 days"), kNow - 2 * 86400 * kSec);
  EXPECT_EQ(parse("0s"), kNow);
}

TEST_F(TimeSpecRelative, UnitTable) {
  struct Case {
    const char* unit;
    int64_t usec;
  };
  // systemd.time(7); month and year as `systemd-analyze timespan 1M` / `1y` print them
  // (2629800 s = 365.25 days / 12, which the man page rounds to "30.44 days").
  const std::vector<Case> cases = {
      {"usec", 1},
      {"us", 1},
      {"\xC2\xB5s", 1},  // µs, MICRO SIGN
      {"\xCE\xBCs", 1},  // μs, GREEK SMALL LETTER MU
      {"msec", 1000},
      {"ms", 1000},
      {"seconds", kSec},
      {"second", kSec},
      {"sec", kSec},
      {"s", kSec},
      {"minutes", 60 * kSec},
      {"minute", 60 * kSec},
      {"min", 60 * kSec},
      {"m", 60 * kSec},
      {"hours", 3600 * kSec},
      {"hour", 3600 * kSec},
      {"hr", 3600 * kSec},
      {"h", 3600 * kSec},
      {"days", 86400 * kSec},
      {"day", 86400 * kSec},
      {"d", 86400 * kSec},
      {"weeks", 604800 * kSec},
      {"week", 604800 * kSec},
      {"w", 604800 * kSec},
      {"months", 2629800 * kSec},
      {"month", 2629800 * kSec},
      {"M", 2629800 * kSec},
      {"years", 31557600 * kSec},
      {"year", 31557600 * kSec},
      {"y", 31557600 * kSec},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.unit);
    EXPECT_EQ(parse(std::string("-3") + c.unit), kNow - 3 * c.usec);
    EXPECT_EQ(parse(std::string("3 ") + c.unit + " ago"), kNow - 3 * c.usec);
    EXPECT_EQ(parse(std::string("+3") + c.unit), kNow + 3 * c.usec);
    EXPECT_EQ(parse(std::string("3") + c.unit), kNow - 3 * c.usec);
  }
}

TEST_F(TimeSpecRelative, UnitsAreCaseSensitive) {
  EXPECT_EQ(parse("-1M"), kNow - 2629800 * kSec);  // month
  EXPECT_EQ(parse("-1m"), kNow - 60 * kSec);       // minute
  EXPECT_EQ(error_of("1H ago"), "\"1H ago\": unknown unit \"H\"");
  EXPECT_EQ(error_of("1Min"), "\"1Min\": unknown unit \"Min\"");
}

TEST_F(TimeSpecRelative, ArithmeticAndFractions) {
  // Components add up: "1y 12month" is two years' worth of 365.25 days.
  EXPECT_EQ(parse("1y 12month ago"), kNow - 2 * 31557600 * kSec);
  EXPECT_EQ(parse("55s500ms ago"), kNow - 55500 * 1000);
  EXPECT_EQ(parse("300ms20s 5day ago"), kNow - (300 * 1000 + 20 * kSec + 5 * 86400 * kSec));
  EXPECT_EQ(parse("48hr ago"), kNow - 2 * 86400 * kSec);
  EXPECT_EQ(parse("2 h ago"), kNow - 7200 * kSec);
  // Fractions are applied digit by digit with integer division, as systemd does:
  // `systemd-analyze timespan 0.3333333M` prints 876599912340 μs.
  EXPECT_EQ(parse("0.3333333M ago"), kNow - 876599912340);
  EXPECT_EQ(parse(".5h ago"), kNow - 1800 * kSec);  // systemd-analyze accepts ".5h ago" too
  // journalctl's default unit is seconds, so in signed and "ago" forms "1h30" is 1h 30s.
  EXPECT_EQ(parse("1h30 ago"), kNow - 3630 * kSec);
  EXPECT_EQ(parse("-30"), kNow - 30 * kSec);
  EXPECT_EQ(parse("12.34 .56 ago"), kNow - 12900000);
}

TEST_F(TimeSpecRelative, LargeButRepresentable) {
  // Far in the future is fine as long as it fits in int64 microseconds.
  EXPECT_EQ(parse("+1000y", 0), int64_t{1000} * 31557600 * kSec);
  EXPECT_EQ(parse("+9223372036854775807us", 0), std::numeric_limits<int64_t>::max());
}

// ---------------------------------------------------------------------------------------------
// Europe/Berlin: CET (+01) / CEST (+02), switches 2026-03-29 02:00 -> 03:00 and 2026-10-25
// 03:00 -> 02:00 local time.

TEST_F(TimeSpecBerlin, PlainLocalTimes) {
  // date -u -d '2026-11-27 10:00 +0100' = 1795770000; '2026-07-01 12:00 +0200' = 1782900000.
  EXPECT_EQ(parse("2026-11-27 10:00"), 1795770000 * kSec);
  EXPECT_EQ(parse("2026-07-01 12:00"), 1782900000 * kSec);
  EXPECT_EQ(parse("2026-11-27 10:00 UTC"), 1795773600 * kSec);
  // Beyond 2037: glibc reads the same footer rule; 2040-07-01 12:00 CEST.
  EXPECT_EQ(parse("2040-07-01 12:00"), 2224749600 * kSec);
}

TEST_F(TimeSpecBerlin, NonExistentTimeIsShiftedForward) {
  // 02:00-02:59 on 2026-03-29 does not exist. journalctl hands it to mktime(), which reads it
  // with the offset before the jump: `TZ=Europe/Berlin systemd-analyze timestamp
  // '2026-03-29 02:30'` prints "Sun 2026-03-29 03:30:00 CEST", @1774747800. Same here.
  EXPECT_EQ(parse("2026-03-29 02:30"), 1774747800 * kSec);
  // systemd-analyze: 02:00 -> @1774746000 (03:00 CEST), 01:59 -> @1774745940, 03:00 ->
  // @1774746000.
  EXPECT_EQ(parse("2026-03-29 02:00"), 1774746000 * kSec);
  EXPECT_EQ(parse("2026-03-29 01:59"), 1774745940 * kSec);
  EXPECT_EQ(parse("2026-03-29 03:00"), 1774746000 * kSec);
}

TEST_F(TimeSpecBerlin, AmbiguousTimeTakesTheEarlierInstant) {
  // 02:30 on 2026-10-25 happens twice: 00:30 UTC (CEST) and 01:30 UTC (CET). glibc's mktime()
  // picks one depending on what the previous mktime() call in the process saw, so journalctl's
  // answer is not stable; kjournal always takes the earlier one (as --since wants: it includes
  // both). 2026-10-25 00:30 UTC = date -u -d '2026-10-25 00:30' = 1792888200.
  EXPECT_EQ(parse("2026-10-25 02:30"), 1792888200 * kSec);
  EXPECT_EQ(parse("2026-10-25 02:00"), 1792886400 * kSec);
  // Copying journalctl's output back picks the reading the abbreviation names.
  // systemd-analyze: '2026-10-25 02:30 CET' = @1792891800 (01:30 UTC).
  EXPECT_EQ(parse("2026-10-25 02:30 CEST"), 1792888200 * kSec);
  EXPECT_EQ(parse("2026-10-25 02:30 CET"), 1792891800 * kSec);
  // The hours around it are unambiguous: systemd-analyze 01:59 -> @1792886340, 03:00 ->
  // @1792893600.
  EXPECT_EQ(parse("2026-10-25 01:59"), 1792886340 * kSec);
  EXPECT_EQ(parse("2026-10-25 03:00"), 1792893600 * kSec);
}

TEST_F(TimeSpecBerlin, LocalAbbreviationsPinTheOffset) {
  // systemd-analyze with TZ=Europe/Berlin: '2026-01-01 12:00 CEST' = @1767261600 (10:00 UTC),
  // '2026-07-01 12:00 cest' = @1782900000.
  EXPECT_EQ(parse("2026-01-01 12:00 CEST"), 1767261600 * kSec);
  EXPECT_EQ(parse("2026-07-01 12:00 cest"), 1782900000 * kSec);
}

TEST_F(TimeSpecBerlin, KeywordsAcrossSpringForward) {
  // now = 2026-03-29 10:00 UTC (12:00 CEST), date -u -d ... = 1774778400.
  const int64_t now = 1774778400 * kSec;
  // Midnights come from the local calendar: today = 03-29 00:00 CET = 03-28 23:00 UTC
  // (1774738800), yesterday = 03-28 00:00 CET = 03-27 23:00 UTC (1774652400), tomorrow =
  // 03-30 00:00 CEST = 03-29 22:00 UTC (1774821600): that day is 23 hours long.
  EXPECT_EQ(parse("today", now), 1774738800 * kSec);
  EXPECT_EQ(parse("yesterday", now), 1774652400 * kSec);
  EXPECT_EQ(parse("tomorrow", now), 1774821600 * kSec);
  EXPECT_EQ(parse("tomorrow", now) - parse("today", now), 23 * 3600 * kSec);
}

TEST_F(TimeSpecBerlin, YesterdayIsTheLocalCalendarDayNotNowMinus24h) {
  // now = 2026-03-30 10:00 UTC (12:00 CEST) = 1774864800. yesterday = 03-29 00:00 CET =
  // 03-28 23:00 UTC (1774738800); today = 03-30 00:00 CEST = 03-29 22:00 UTC (1774821600).
  // Midnight of (now - 24h) would be 03-28 22:00 UTC, an hour off.
  const int64_t now = 1774864800 * kSec;
  EXPECT_EQ(parse("yesterday", now), 1774738800 * kSec);
  EXPECT_EQ(parse("today", now), 1774821600 * kSec);
  EXPECT_EQ(parse("today", now) - parse("yesterday", now), 23 * 3600 * kSec);
}

TEST_F(TimeSpecBerlin, KeywordsAcrossFallBack) {
  // now = 2026-10-25 12:00 UTC (13:00 CET) = 1792929600. today = 10-25 00:00 CEST = 10-24
  // 22:00 UTC (1792879200), tomorrow = 10-26 00:00 CET = 10-25 23:00 UTC (1792969200): 25 h.
  const int64_t now = 1792929600 * kSec;
  EXPECT_EQ(parse("today", now), 1792879200 * kSec);
  EXPECT_EQ(parse("tomorrow", now), 1792969200 * kSec);
  EXPECT_EQ(parse("yesterday", now), (1792879200 - 86400) * kSec);  // 10-24 was plain CEST
}

TEST_F(TimeSpecBerlin, TimeOnlyUsesTheLocalDate) {
  // At kNow it is 16:30 CET on 2026-11-27; "10:00" is 09:00 UTC that day.
  EXPECT_EQ(parse("10:00"), 1795770000 * kSec);
  // 2026-11-27 23:30 UTC is already 2026-11-28 00:30 in Berlin: "10:00" is 28th 09:00 UTC.
  EXPECT_EQ(parse("10:00", (1795824000 - 1800) * kSec), (1795824000 + 9 * 3600) * kSec);
}

// The IANA-name path reads TZif files itself; glibc's localtime() reads the same files. Both
// must agree on every quarter hour of the days around each switch, including the gap and the
// repeated hour, both in years with explicit transitions and in years only the footer covers.
TEST_F(TimeSpecBerlin, ZoneNameAgreesWithLocalZone) {
  const std::vector<const char*> days = {"2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24",
                                         "2026-10-25", "2026-10-26", "2045-03-26", "2045-10-29"};
  for (const char* day : days) {
    for (int q = 0; q < 96; ++q) {
      char spec[32];
      std::snprintf(spec, sizeof spec, "%s %02d:%02d", day, q / 4, (q % 4) * 15);
      SCOPED_TRACE(spec);
      EXPECT_EQ(parse(std::string(spec) + " Europe/Berlin"), parse(spec));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// America/New_York: EST (-05) / EDT (-04), switches 2026-03-08 02:00 -> 03:00 and 2026-11-01
// 02:00 -> 01:00.

TEST_F(TimeSpecNewYork, PlainLocalTimes) {
  EXPECT_EQ(parse("2026-11-27 10:00"), 1795791600 * kSec);  // date -u -d '... -0500'
  EXPECT_EQ(parse("2026-11-27 10:00 Europe/Berlin"), 1795770000 * kSec);
}

TEST_F(TimeSpecNewYork, DstEdges) {
  // systemd-analyze (TZ=America/New_York) '2026-03-08 02:30' = @1772955000 (03:30 EDT).
  EXPECT_EQ(parse("2026-03-08 02:30"), 1772955000 * kSec);
  // 01:30 on 2026-11-01 is repeated: earlier reading 01:30 EDT = 05:30 UTC = @1793511000
  // (systemd-analyze '... 01:30 EDT'); the EST reading is an hour later.
  EXPECT_EQ(parse("2026-11-01 01:30"), 1793511000 * kSec);
  EXPECT_EQ(parse("2026-11-01 01:30 EDT"), 1793511000 * kSec);
  EXPECT_EQ(parse("2026-11-01 01:30 EST"), 1793514600 * kSec);
  // systemd-analyze: 00:59 -> @1793509140, 02:00 -> @1793516400.
  EXPECT_EQ(parse("2026-11-01 00:59"), 1793509140 * kSec);
  EXPECT_EQ(parse("2026-11-01 02:00"), 1793516400 * kSec);
  // An abbreviation from the other season still means its own offset: systemd-analyze
  // '2026-01-15 10:00 EDT' = @1768485600.
  EXPECT_EQ(parse("2026-01-15 10:00 EDT"), 1768485600 * kSec);
}

TEST_F(TimeSpecNewYork, NewYearInLocalCalendar) {
  // now = 2027-01-01 02:00 UTC (1798768800), still 2026-12-31 21:00 EST locally.
  const int64_t now = 1798768800 * kSec;
  // today = 2026-12-31 05:00 UTC (1798693200), tomorrow = 2027-01-01 05:00 UTC (1798779600).
  EXPECT_EQ(parse("today", now), 1798693200 * kSec);
  EXPECT_EQ(parse("tomorrow", now), 1798779600 * kSec);
  EXPECT_EQ(parse("today UTC", now), 1798761600 * kSec);  // the UTC date is already 2027-01-01
}

TEST_F(TimeSpecNewYork, YesterdayAcrossSpringForward) {
  // now = 2026-03-08 17:00 UTC (13:00 EDT) = 1772989200. yesterday = 03-07 00:00 EST = 05:00 UTC
  // (1772859600); today = 03-08 00:00 EST (1772946000); tomorrow = 03-09 00:00 EDT = 04:00 UTC
  // (1773028800).
  const int64_t now = 1772989200 * kSec;
  EXPECT_EQ(parse("yesterday", now), 1772859600 * kSec);
  EXPECT_EQ(parse("today", now), 1772946000 * kSec);
  EXPECT_EQ(parse("tomorrow", now), 1773028800 * kSec);
}

// ---------------------------------------------------------------------------------------------
// The examples of systemd.time(7), which assume now = 2012-11-23 18:15:22 in Asia/Shanghai
// (UTC+8), i.e. 10:15:22 UTC = date -u -d '2012-11-23 10:15:22' = 1353665722.

TEST_F(TimeSpecShanghai, ManPageExamples) {
  const int64_t now = 1353665722 * kSec;
  // 11:12:13 +08 = 03:12:13 UTC = 1353640333.
  EXPECT_EQ(parse("Fri 2012-11-23 11:12:13", now), 1353640333 * kSec);
  EXPECT_EQ(parse("2012-11-23 11:12:13", now), 1353640333 * kSec);
  // "→ Fri 2012-11-23 19:12:13" (+08) = 11:12:13 UTC = 1353669133.
  EXPECT_EQ(parse("2012-11-23 11:12:13 UTC", now), 1353669133 * kSec);
  // 00:00 +08 = 2012-11-22 16:00 UTC = 1353600000.
  EXPECT_EQ(parse("2012-11-23", now), 1353600000 * kSec);
  EXPECT_EQ(parse("12-11-23", now), 1353600000 * kSec);
  EXPECT_EQ(parse("11:12:13", now), 1353640333 * kSec);
  EXPECT_EQ(parse("11:12", now), 1353640320 * kSec);  // 03:12 UTC
  EXPECT_EQ(parse("now", now), now);
  EXPECT_EQ(parse("today", now), 1353600000 * kSec);
  EXPECT_EQ(parse("yesterday", now), 1353513600 * kSec);
  EXPECT_EQ(parse("tomorrow", now), 1353686400 * kSec);
  // "→ 2012-11-23 19:00:00" (+08) = 11:00 UTC = 1353668400.
  EXPECT_EQ(parse("tomorrow Pacific/Auckland", now), 1353668400 * kSec);
  EXPECT_EQ(parse("+3h30min", now), 1353678322 * kSec);   // 21:45:22 +08
  EXPECT_EQ(parse("-5s", now), 1353665717 * kSec);        // 18:15:17 +08
  EXPECT_EQ(parse("11min ago", now), 1353665062 * kSec);  // 18:04:22 +08
  EXPECT_EQ(parse("@1395716396", now), 1395716396 * kSec);
}

// ---------------------------------------------------------------------------------------------
// Errors: one line, naming the input and the problem.

TEST_F(TimeSpecErrors, MessagesFromTheSpecification) {
  EXPECT_EQ(error_of("1 hourr ago"), "\"1 hourr ago\": unknown unit \"hourr\"");
  EXPECT_EQ(error_of("2026-13-01"), "\"2026-13-01\": month out of range");
  EXPECT_EQ(error_of(""), "\"\": empty time specification");
  EXPECT_EQ(error_of("  \t "), "\"  \\x09 \": empty time specification");
  EXPECT_EQ(error_of("2026-02-30"), "\"2026-02-30\": no such day");
  EXPECT_EQ(error_of("2026-11-27 10:00:00abc"),
            "\"2026-11-27 10:00:00abc\": trailing garbage \"abc\"");
  EXPECT_EQ(error_of("2026-11-27x"), "\"2026-11-27x\": trailing garbage \"x\"");
  EXPECT_EQ(error_of("2026-11-27 10:00 UTC extra"),
            "\"2026-11-27 10:00 UTC extra\": trailing garbage \"extra\"");
}

TEST_F(TimeSpecErrors, DateAndTimeFields) {
  EXPECT_EQ(error_of("2026-00-10"), "\"2026-00-10\": month out of range");
  EXPECT_EQ(error_of("2026-11-32"), "\"2026-11-32\": day out of range");
  EXPECT_EQ(error_of("2026-11-00"), "\"2026-11-00\": day out of range");
  EXPECT_EQ(error_of("2026-11-005"), "\"2026-11-005\": malformed day \"005\"");
  EXPECT_EQ(error_of("20261-11-27"), "\"20261-11-27\": malformed year \"20261\"");
  EXPECT_EQ(error_of("2026-11"), "\"2026-11\": incomplete date (expected YYYY-MM-DD)");
  EXPECT_EQ(error_of("2026-11-27 24:00"), "\"2026-11-27 24:00\": hour out of range");
  EXPECT_EQ(error_of("10:60"), "\"10:60\": minute out of range");
  EXPECT_EQ(error_of("10:00:61"), "\"10:00:61\": second out of range");
  EXPECT_EQ(error_of("2026-11-27 10"), "\"2026-11-27 10\": malformed time (expected HH:MM)");
  EXPECT_EQ(error_of("10:00:00."), "\"10:00:00.\": malformed fraction of a second");
  EXPECT_EQ(error_of("10:00.5"), "\"10:00.5\": trailing garbage \".5\"");
  EXPECT_EQ(error_of("2026-11-27T"), "\"2026-11-27T\": expected a time after \"T\"");
  EXPECT_EQ(error_of("11/27/2026"),
            "\"11/27/2026\": expected a date (YYYY-MM-DD) or a time (HH:MM)");
}

TEST_F(TimeSpecErrors, Zones) {
  EXPECT_EQ(error_of("2026-11-27 10:00 Mars/Olympus"),
            "\"2026-11-27 10:00 Mars/Olympus\": unknown time zone \"Mars/Olympus\"");
  EXPECT_EQ(error_of("2026-11-27 10:00 +25:00"),
            "\"2026-11-27 10:00 +25:00\": UTC offset out of range \"+25:00\"");
  EXPECT_EQ(error_of("2026-11-27 10:00 +2"),
            "\"2026-11-27 10:00 +2\": malformed UTC offset \"+2\"");
  EXPECT_EQ(error_of("2026-11-27T10:00+02:00:00"),
            "\"2026-11-27T10:00+02:00:00\": malformed UTC offset \"+02:00:00\"");
  EXPECT_EQ(error_of("2026-11-27 10:00Z UTC"),
            "\"2026-11-27 10:00Z UTC\": trailing garbage \"UTC\"");
  EXPECT_EQ(error_of("2026-11-27Z"), "\"2026-11-27Z\": trailing garbage \"Z\"");
  // Zone names cannot walk out of the zoneinfo directory.
  EXPECT_EQ(error_of("2026-11-27 10:00 Europe/../../../etc/passwd"),
            "\"2026-11-27 10:00 Europe/../../../etc/passwd\": unknown time zone "
            "\"Europe/../../../etc/passwd\"");
  EXPECT_EQ(error_of("2026-11-27 10:00 /etc/passwd"),
            "\"2026-11-27 10:00 /etc/passwd\": trailing garbage \"/etc/passwd\"");
  // Directories and non-TZif files in zoneinfo are not zones.
  EXPECT_EQ(error_of("2026-11-27 10:00 Europe"),
            "\"2026-11-27 10:00 Europe\": unknown time zone \"Europe\"");
  EXPECT_EQ(error_of("2026-11-27 10:00 zone.tab"),
            "\"2026-11-27 10:00 zone.tab\": unreadable time zone file for \"zone.tab\"");
  // Another season's abbreviation of a zone that is not the local one is not guessed at.
  EXPECT_EQ(error_of("2026-11-27 10:00 CEST"),
            "\"2026-11-27 10:00 CEST\": unknown time zone \"CEST\"");
}

TEST_F(TimeSpecErrors, Words) {
  EXPECT_EQ(error_of("Fri"), "\"Fri\": expected a date or time after \"Fri\"");
  EXPECT_EQ(error_of("Fri today"), "\"Fri today\": expected a date or time after \"Fri\"");
  EXPECT_EQ(error_of("Thursday 2026-11-27"),
            "\"Thursday 2026-11-27\": weekday does not match the date (2026-11-27 is a Friday)");
  EXPECT_EQ(error_of("now UTC"), "\"now UTC\": unexpected text after \"now\"");
  EXPECT_EQ(error_of("Now"), "\"Now\": unrecognized word \"Now\"");
  EXPECT_EQ(error_of("today 10:00"), "\"today 10:00\": trailing garbage \"10:00\"");
  EXPECT_EQ(error_of("todays"), "\"todays\": unrecognized word \"todays\"");
  EXPECT_EQ(error_of("last week"), "\"last week\": unrecognized word \"last\"");
}

TEST_F(TimeSpecErrors, Durations) {
  EXPECT_EQ(error_of("1ns ago"), "\"1ns ago\": unknown unit \"ns\"");
  EXPECT_EQ(error_of("1hours30"), "\"1hours30\": missing unit after \"30\"");
  EXPECT_EQ(error_of("1h30"), "\"1h30\": missing unit after \"30\"");
  EXPECT_EQ(error_of("2026"),
            "\"2026\": number without a unit (e.g. \"2026min\") or a date not in YYYY-MM-DD form");
  EXPECT_EQ(error_of("-"), "\"-\": missing duration");
  EXPECT_EQ(error_of("+"), "\"+\": missing duration");
  EXPECT_EQ(error_of("@"), "\"@\": missing duration");
  EXPECT_EQ(error_of("ago"), "\"ago\": missing duration");
  EXPECT_EQ(error_of("@-5"), "\"@-5\": unexpected \"-5\" in duration");
  EXPECT_EQ(error_of("-1h -30min"), "\"-1h -30min\": unexpected \"-30min\" in duration");
  EXPECT_EQ(error_of("-1h ago"), "\"-1h ago\": unexpected \"ago\" in duration");
  EXPECT_EQ(error_of("12.34.56 ago"), "\"12.34.56 ago\": unexpected \".56\" in duration");
  EXPECT_EQ(error_of("3. ago"), "\"3. ago\": malformed number \"3.\"");
  EXPECT_EQ(error_of("1h UTC"), "\"1h UTC\": unexpected \"UTC\" in duration");
  EXPECT_EQ(error_of("+02:00"), "\"+02:00\": unexpected \":00\" in duration");
  EXPECT_EQ(error_of("1 hour\xC2\xB5"), "\"1 hour\xC2\xB5\": unknown unit \"hour\xC2\xB5\"");
}

TEST_F(TimeSpecErrors, RangeAndOverflow) {
  EXPECT_EQ(error_of("99999999999999999999s ago"),
            "\"99999999999999999999s ago\": number too large");
  EXPECT_EQ(error_of("+300000y"), "\"+300000y\": number too large");
  // 292270 years still fit in int64 microseconds, adding them to now does not.
  EXPECT_EQ(error_of("+292270y"), "\"+292270y\": time out of range");
  EXPECT_EQ(error_of("9223372036854775807us 9223372036854775807us ago"),
            "\"9223372036854775807us 9223372036854775807us ago\": number too large");
  EXPECT_EQ(error_of("1960-01-01"), "\"1960-01-01\": time is before 1970-01-01 00:00:00 UTC");
  EXPECT_EQ(error_of("-100y"), "\"-100y\": time is before 1970-01-01 00:00:00 UTC");
  EXPECT_EQ(error_of("0000-01-01"), "\"0000-01-01\": time is before 1970-01-01 00:00:00 UTC");
  EXPECT_EQ(error_of("-1h", std::numeric_limits<int64_t>::min()), "\"-1h\": time out of range");
  EXPECT_EQ(error_of("tomorrow", std::numeric_limits<int64_t>::max()),
            "\"tomorrow\": time out of range");
  EXPECT_EQ(parse("9999-12-31 23:59:59"), 253402300799 * kSec);  // date -u -d ... +%s
  // 1969-12-31 23:00 at -05:00 is 1970-01-01 04:00 UTC: only the instant must be after 1970.
  EXPECT_EQ(parse("1969-12-31 23:00 -05:00"), 4 * 3600 * kSec);
}

TEST_F(TimeSpecErrors, MessagesStayOnOneLine) {
  const std::string msg = error_of("a\nb");
  EXPECT_EQ(msg, "\"a\\x0ab\": unrecognized word \"a\"");
  EXPECT_EQ(error_of(std::string_view("10:00\0x", 7)),
            "\"10:00\\x00x\": trailing garbage \"\\x00x\"");
  const std::string long_input(1000, '9');
  const std::string long_msg = error_of(long_input + "x");
  EXPECT_LT(long_msg.size(), 200u);
  EXPECT_EQ(long_msg.find('\n'), std::string::npos);
}

// Whatever the input, the parser returns an instant after 1970 or throws TimeSpecError; it
// never crashes or throws anything else (run under ASan/UBSan this is a small fuzzer).
TEST_F(TimeSpecErrors, RandomInputNeverMisbehaves) {
  const std::vector<std::string> pieces = {"0",
                                           "1",
                                           "2026",
                                           "9",
                                           "99999999999999999999",
                                           "-",
                                           ":",
                                           ".",
                                           " ",
                                           "  ",
                                           "T",
                                           "Z",
                                           "+",
                                           "@",
                                           "ago",
                                           "left",
                                           "h",
                                           "min",
                                           "M",
                                           "us",
                                           "\xC2\xB5s",
                                           "UTC",
                                           "Europe/Berlin",
                                           "CET",
                                           "Fri",
                                           "today",
                                           "now",
                                           "02:30",
                                           "2026-03-29",
                                           "2026-10-25",
                                           "+02:00",
                                           "\xff",
                                           std::string(1, '\0'),
                                           "\t",
                                           "29",
                                           "60",
                                           "/",
                                           "..",
                                           "x"};
  const std::vector<int64_t> nows = {kNow, 0, -1, std::numeric_limits<int64_t>::max(),
                                     std::numeric_limits<int64_t>::min()};
  std::mt19937 rng(20261127);
  for (int i = 0; i < 20000; ++i) {
    std::string spec;
    const int n = 1 + static_cast<int>(rng() % 7);
    for (int k = 0; k < n; ++k) spec += pieces[rng() % pieces.size()];
    const int64_t now = nows[rng() % nows.size()];
    try {
      EXPECT_GE(kj::parse_time_spec(spec, now), 0) << spec;
    } catch (const kj::TimeSpecError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.find('\n'), std::string::npos) << spec;
      EXPECT_EQ(what.rfind('"', 0), 0u) << spec;
    }
  }
}

}  // namespace
