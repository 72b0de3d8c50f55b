// Timestamp rendering for output. RFC 3339 in UTC is computed arithmetically (no libc, no
// locks) because it runs once per record; local time goes through localtime_r but is cached
// per second, since consecutive log records almost always share their second.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace kj {

struct CivilTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  long gmtoff = 0;  // seconds east of UTC of the zone the time is expressed in
};

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t days_from_civil(int year, int month, int day);
CivilTime civil_from_unix_seconds(int64_t secs);

// 2026-11-27T22:50:00.123456Z
void append_rfc3339_utc_us(std::string& out, int64_t us);
// The same into `buf`, which must hold kMaxRfc3339Bytes; returns the length.
inline constexpr size_t kMaxRfc3339Bytes = 48;
size_t format_rfc3339_utc_us(char* buf, int64_t us);

// format_rfc3339_utc_us for a stream of times that mostly share their second (log records):
// the date and time of day are converted once per second, the rest is six digits.
class Rfc3339UtcFormatter {
 public:
  // Same bytes as format_rfc3339_utc_us(buf, us).
  size_t format(char* buf, int64_t us);

 private:
  int64_t secs_ = INT64_MIN;
  char head_[19] = {};  // "2026-11-27T22:50:00" of secs_
};

// Converts to wall-clock time in UTC or in the process's local zone, remembering the last
// second converted.
class WallClock {
 public:
  explicit WallClock(bool utc) : utc_(utc) {}
  const CivilTime& at(int64_t secs);

 private:
  bool utc_;
  int64_t cached_secs_ = INT64_MIN;
  CivilTime cached_;
};

// journalctl's short timestamps: "Nov 27 22:50:00", with ".123456" (short-precise), and
// short-iso "2026-11-27T22:50:00+0000".
void append_syslog_time(std::string& out, const CivilTime& t);
void append_iso_time(std::string& out, const CivilTime& t);
void append_micros(std::string& out, int64_t us);  // ".123456"

// journalctl's short timestamp of a stream of times (the CLI's short outputs): the same bytes
// as append_syslog_time / append_iso_time of WallClock(utc).at(secs), rendered once per second,
// since consecutive log records nearly always share their second and the rendering (a digit at
// a time) cost more than the rest of the timestamp handling.
class ShortTimeFormatter {
 public:
  enum class Style { syslog, iso };
  ShortTimeFormatter(bool utc, Style style) : clock_(utc), style_(style) {}
  void append(std::string& out, int64_t secs);

 private:
  WallClock clock_;
  Style style_;
  int64_t secs_ = INT64_MIN;
  std::string text_;  // the rendering of secs_
};

}  // namespace kj
