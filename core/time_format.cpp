#include "core/time_format.h"

#include <algorithm>
#include <cstring>
#include <ctime>

namespace kj {
namespace {

void append_digits(std::string& out, int64_t v, int width) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0 || n < width);
  while (n) out.push_back(buf[--n]);
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// "00".."99": two digits per lookup instead of a division and a push_back per digit, since
// every JSON record renders one or two timestamps.
constexpr char kPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

inline char* put2(char* p, int v) {
  p[0] = kPairs[2 * v];
  p[1] = kPairs[2 * v + 1];
  return p + 2;
}

}  // namespace

// Era-based civil-calendar conversion (described by H. Hinnant, "chrono-compatible low-level
// date algorithms"): exact for every proleptic Gregorian date, no table, no libc.
int64_t days_from_civil(int year, int month, int day) {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2);
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t mp = (month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilTime civil_from_unix_seconds(int64_t secs) {
  const int64_t days = floor_div(secs, 86400);
  const int64_t sod = secs - days * 86400;
  const int64_t z = days + 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  CivilTime t;
  t.year = static_cast<int>(yoe + era * 400 + (m <= 2));
  t.month = static_cast<int>(m);
  t.day = static_cast<int>(d);
  t.hour = static_cast<int>(sod / 3600);
  t.minute = static_cast<int>(sod / 60 % 60);
  t.second = static_cast<int>(sod % 60);
  return t;
}

size_t format_rfc3339_utc_us(char* buf, int64_t us) {
  const int64_t secs = floor_div(us, 1000000);
  const CivilTime t = civil_from_unix_seconds(secs);
  if (t.year < 0 || t.year > 9999) {
    // Far outside any log's range: the general digit writer, which widens the year.
    std::string s;
    append_digits(s, t.year, 4);
    s.push_back('-');
    append_digits(s, t.month, 2);
    s.push_back('-');
    append_digits(s, t.day, 2);
    s.push_back('T');
    append_digits(s, t.hour, 2);
    s.push_back(':');
    append_digits(s, t.minute, 2);
    s.push_back(':');
    append_digits(s, t.second, 2);
    append_micros(s, us);
    s.push_back('Z');
    s.copy(buf, kMaxRfc3339Bytes);
    return std::min(s.size(), kMaxRfc3339Bytes);
  }
  // The fixed-width common case: two digits per table lookup, no division per digit.
  const auto frac = static_cast<int>(us - secs * 1000000);
  char* p = put2(buf, t.year / 100);
  p = put2(p, t.year % 100);
  *p++ = '-';
  p = put2(p, t.month);
  *p++ = '-';
  p = put2(p, t.day);
  *p++ = 'T';
  p = put2(p, t.hour);
  *p++ = ':';
  p = put2(p, t.minute);
  *p++ = ':';
  p = put2(p, t.second);
  *p++ = '.';
  p = put2(p, frac / 10000);
  p = put2(p, frac / 100 % 100);
  p = put2(p, frac % 100);
  *p++ = 'Z';
  return static_cast<size_t>(p - buf);
}

void append_rfc3339_utc_us(std::string& out, int64_t us) {
  char buf[kMaxRfc3339Bytes];
  out.append(buf, format_rfc3339_utc_us(buf, us));
}

size_t Rfc3339UtcFormatter::format(char* buf, int64_t us) {
  const int64_t secs = floor_div(us, 1000000);
  if (secs != secs_) {
    char full[kMaxRfc3339Bytes];
    const size_t n = format_rfc3339_utc_us(full, us);
    // Only the fixed-width form (years 0000-9999) has a head to reuse.
    if (n != sizeof head_ + 8) {
      memcpy(buf, full, n);
      return n;
    }
    memcpy(head_, full, sizeof head_);
    secs_ = secs;
  }
  const auto frac = static_cast<int>(us - secs * 1000000);
  memcpy(buf, head_, sizeof head_);
  char* p = buf + sizeof head_;
  *p++ = '.';
  p = put2(p, frac / 10000);
  p = put2(p, frac / 100 % 100);
  p = put2(p, frac % 100);
  *p++ = 'Z';
  return static_cast<size_t>(p - buf);
}

void append_micros(std::string& out, int64_t us) {
  // The fraction is always 0..999999: three digit pairs, one append.
  const auto frac = static_cast<int>(us - floor_div(us, 1000000) * 1000000);
  char buf[7];
  buf[0] = '.';
  char* p = put2(buf + 1, frac / 10000);
  p = put2(p, frac / 100 % 100);
  put2(p, frac % 100);
  out.append(buf, sizeof buf);
}

void ShortTimeFormatter::append(std::string& out, int64_t secs) {
  if (secs != secs_) {
    text_.clear();
    const CivilTime& t = clock_.at(secs);
    if (style_ == Style::iso) {
      append_iso_time(text_, t);
    } else {
      append_syslog_time(text_, t);
    }
    secs_ = secs;
  }
  out.append(text_);
}

const CivilTime& WallClock::at(int64_t secs) {
  if (secs == cached_secs_) return cached_;
  cached_secs_ = secs;
  if (utc_) {
    cached_ = civil_from_unix_seconds(secs);
    return cached_;
  }
  const time_t tt = static_cast<time_t>(secs);
  struct tm tm {};
  localtime_r(&tt, &tm);
  cached_.year = tm.tm_year + 1900;
  cached_.month = tm.tm_mon + 1;
  cached_.day = tm.tm_mday;
  cached_.hour = tm.tm_hour;
  cached_.minute = tm.tm_min;
  cached_.second = tm.tm_sec;
  cached_.gmtoff = tm.tm_gmtoff;
  return cached_;
}

void append_syslog_time(std::string& out, const CivilTime& t) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  out.append(kMonths[(t.month - 1) % 12], 3);
  out.push_back(' ');
  append_digits(out, t.day, 2);
  out.push_back(' ');
  append_digits(out, t.hour, 2);
  out.push_back(':');
  append_digits(out, t.minute, 2);
  out.push_back(':');
  append_digits(out, t.second, 2);
}

void append_iso_time(std::string& out, const CivilTime& t) {
  append_digits(out, t.year, 4);
  out.push_back('-');
  append_digits(out, t.month, 2);
  out.push_back('-');
  append_digits(out, t.day, 2);
  out.push_back('T');
  append_digits(out, t.hour, 2);
  out.push_back(':');
  append_digits(out, t.minute, 2);
  out.push_back(':');
  append_digits(out, t.second, 2);
  long off = t.gmtoff;
  out.push_back(off < 0 ? '-' : '+');
  if (off < 0) off = -off;
  append_digits(out, off / 3600, 2);
  append_digits(out, off / 60 % 60, 2);
}

}  // namespace kj
