// --since/--until parsing: systemd.time(7) timestamps plus kjournal's bare durations.
//
// Two deliberate implementation choices, both about time zones:
//
// * Local wall times are converted with localtime_r() probes rather than mktime(). For a wall
//   time that occurs twice (DST ends), glibc's mktime(tm_isdst = -1) answers from a guess left
//   behind by the previous mktime() call in the process, so the same spec could mean different
//   instants depending on what ran before. The probing here always picks the earlier instant;
//   for a wall time that does not exist (DST starts) it reads the time with the offset in force
//   before the jump, which is what mktime() does (02:30 in a 02:00->03:00 gap becomes 03:30).
//   mktime() differs only in zones modelled with negative DST (Europe/Dublin,
//   Africa/Casablanca), where it prefers the tm_isdst reading and so moves backwards instead.
//
// * IANA zone names ("Europe/Berlin") are resolved by reading the TZif file ourselves instead of
//   swapping $TZ: setenv() while another thread calls localtime_r() or getenv() is a data race,
//   and a log collector has threads.
#include "core/time_spec.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kj {
namespace {

constexpr int64_t kUsecPerSec = 1'000'000;
constexpr int64_t kSecPerDay = 86'400;

// ---------------------------------------------------------------------------------------------
// Small helpers

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
// Unit names are letters; bytes >= 0x80 are let in so that "µs" is one word and an unknown
// non-ASCII unit is reported whole.
bool is_unit_char(char c) {
  return is_alpha(c) || static_cast<unsigned char>(c) >= 0x80;
}
bool is_not_space(char c) {
  return !is_space(c);
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t floor_mod(int64_t a, int64_t b) {
  return a - floor_div(a, b) * b;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Quotes user text for an error message. Control bytes are escaped so that what() stays on one
// line whatever the input; very long input is cut so a pasted log line does not flood stderr.
std::string quoted(std::string_view s) {
  constexpr size_t kMaxShown = 120;
  bool cut = false;
  if (s.size() > kMaxShown) {
    size_t n = kMaxShown;
    // Do not split a UTF-8 sequence.
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s = s.substr(0, n);
    cut = true;
  }
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      std::array<char, 8> buf{};
      std::snprintf(buf.data(), buf.size(), "\\x%02x", static_cast<unsigned>(c));
      out += buf.data();
    } else {
      out += ch;
    }
  }
  out += cut ? "...\"" : "\"";
  return out;
}

// Digits to a non-negative number; nullopt when it does not fit.
std::optional<int64_t> to_int(std::string_view digits) {
  int64_t v = 0;
  for (const char c : digits) {
    if (__builtin_mul_overflow(v, int64_t{10}, &v) || __builtin_add_overflow(v, c - '0', &v)) {
      return std::nullopt;
    }
  }
  return v;
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }
  size_t pos() const { return pos_; }
  // '\0' past the end; callers compare against specific characters only.
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool take(char c) {
    if (at_end() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  template <typename Pred>
  std::string_view take_while(Pred pred) {
    const size_t start = pos_;
    while (pos_ < text_.size() && pred(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  size_t skip_spaces() { return take_while(is_space).size(); }
  std::string_view rest() const { return at_end() ? std::string_view{} : text_.substr(pos_); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Proleptic Gregorian calendar, days counted from 1970-01-01.

bool is_leap_year(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int64_t y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap_year(y)) ? 29 : kDays[static_cast<size_t>(m - 1)];
}

// Leap years among 1..y (a signed count for y < 1, which keeps differences right).
int64_t leap_years_through(int64_t y) {
  return floor_div(y, 4) - floor_div(y, 100) + floor_div(y, 400);
}

int64_t days_before_year(int64_t y) {
  return 365 * (y - 1970) + leap_years_through(y - 1) - leap_years_through(1969);
}

int64_t days_from_civil(int64_t y, int m, int d) {
  static constexpr std::array<int, 12> kBefore = {0,   31,  59,  90,  120, 151,
                                                  181, 212, 243, 273, 304, 334};
  const int leap_shift = (m > 2 && is_leap_year(y)) ? 1 : 0;
  return days_before_year(y) + kBefore[static_cast<size_t>(m - 1)] + leap_shift + d - 1;
}

struct CivilDate {
  int64_t year;
  int month;
  int day;
};

CivilDate civil_from_days(int64_t days) {
  // 146097 days per 400 years gives a guess that is off by at most one year.
  int64_t y = 1970 + floor_div(days * 400, 146097);
  while (days_before_year(y) > days) --y;
  while (days_before_year(y + 1) <= days) ++y;
  int64_t rem = days - days_before_year(y);
  int m = 1;
  while (rem >= days_in_month(y, m)) {
    rem -= days_in_month(y, m);
    ++m;
  }
  return {y, m, static_cast<int>(rem) + 1};
}

// 0 = Sunday, as in struct tm; 1970-01-01 was a Thursday.
int weekday_from_days(int64_t days) {
  return static_cast<int>(floor_mod(days + 4, 7));
}

constexpr std::array<const char*, 7> kWeekdayNames = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                      "Thursday", "Friday", "Saturday"};

std::optional<int> weekday_number(std::string_view word) {
  for (size_t i = 0; i < kWeekdayNames.size(); ++i) {
    const std::string_view full = kWeekdayNames[i];
    if (iequals(word, full) || iequals(word, full.substr(0, 3))) return static_cast<int>(i);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// POSIX TZ strings, as found in the footer of TZif files ("CET-1CEST,M3.5.0,M10.5.0/3"). They
// describe every year after the last explicit transition; "slim" zone files rely on them even
// for current dates.

struct PosixRule {
  enum class Kind { kJulianNoLeap, kZeroBasedDay, kMonthWeekDay };
  Kind kind = Kind::kMonthWeekDay;
  int day = 0;  // Jn: 1..365 ignoring Feb 29; n: 0..365 counting it
  int month = 0;
  int week = 0;  // 1..5, 5 = last
  int weekday = 0;
  int32_t time = 2 * 3600;  // wall clock time of the switch, may exceed 24h (RFC 8536 3.3.1)
};

struct PosixTz {
  std::string std_abbr;
  int32_t std_offset = 0;  // seconds east of UTC (the string itself counts westwards)
  bool has_dst = false;
  std::string dst_abbr;
  int32_t dst_offset = 0;
  PosixRule start;
  PosixRule end;
};

std::optional<int> bounded_int(Cursor& c, size_t max_digits, int lo, int hi) {
  const std::string_view digits = c.take_while(is_digit);
  if (digits.empty() || digits.size() > max_digits) return std::nullopt;
  const auto v = to_int(digits);
  if (!v || *v < lo || *v > hi) return std::nullopt;
  return static_cast<int>(*v);
}

std::optional<std::string> posix_abbr(Cursor& c) {
  std::string_view abbr;
  if (c.take('<')) {
    abbr = c.take_while(
        [](char ch) { return is_alpha(ch) || is_digit(ch) || ch == '+' || ch == '-'; });
    if (!c.take('>')) return std::nullopt;
  } else {
    abbr = c.take_while(is_alpha);
  }
  if (abbr.size() < 3) return std::nullopt;
  return std::string(abbr);
}

std::optional<int32_t> posix_hms(Cursor& c, int max_hours) {
  int sign = 1;
  if (c.take('-')) {
    sign = -1;
  } else {
    c.take('+');
  }
  const auto h = bounded_int(c, 3, 0, max_hours);
  if (!h) return std::nullopt;
  int32_t total = *h * 3600;
  if (c.take(':')) {
    const auto m = bounded_int(c, 2, 0, 59);
    if (!m) return std::nullopt;
    total += *m * 60;
    if (c.take(':')) {
      const auto s = bounded_int(c, 2, 0, 59);
      if (!s) return std::nullopt;
      total += *s;
    }
  }
  return sign * total;
}

std::optional<PosixRule> posix_rule(Cursor& c) {
  PosixRule r;
  if (c.take('J')) {
    const auto n = bounded_int(c, 3, 1, 365);
    if (!n) return std::nullopt;
    r.kind = PosixRule::Kind::kJulianNoLeap;
    r.day = *n;
  } else if (c.take('M')) {
    const auto m = bounded_int(c, 2, 1, 12);
    if (!m || !c.take('.')) return std::nullopt;
    const auto w = bounded_int(c, 1, 1, 5);
    if (!w || !c.take('.')) return std::nullopt;
    const auto d = bounded_int(c, 1, 0, 6);
    if (!d) return std::nullopt;
    r.kind = PosixRule::Kind::kMonthWeekDay;
    r.month = *m;
    r.week = *w;
    r.weekday = *d;
  } else {
    const auto n = bounded_int(c, 3, 0, 365);
    if (!n) return std::nullopt;
    r.kind = PosixRule::Kind::kZeroBasedDay;
    r.day = *n;
  }
  if (c.take('/')) {
    const auto t = posix_hms(c, 167);
    if (!t) return std::nullopt;
    r.time = *t;
  }
  return r;
}

std::optional<PosixTz> parse_posix_tz(std::string_view text) {
  Cursor c(text);
  PosixTz tz;
  auto abbr = posix_abbr(c);
  const auto off = abbr ? posix_hms(c, 24) : std::nullopt;
  if (!off) return std::nullopt;
  tz.std_abbr = std::move(*abbr);
  tz.std_offset = -*off;
  if (c.at_end()) return tz;

  abbr = posix_abbr(c);
  if (!abbr) return std::nullopt;
  tz.dst_abbr = std::move(*abbr);
  tz.dst_offset = tz.std_offset + 3600;
  if (!c.at_end() && c.peek() != ',') {
    const auto dst_off = posix_hms(c, 24);
    if (!dst_off) return std::nullopt;
    tz.dst_offset = -*dst_off;
  }
  // Without rules POSIX leaves the switch dates to the implementation; TZif footers always
  // carry them, so anything else is treated as unusable.
  if (!c.take(',')) return std::nullopt;
  const auto start = posix_rule(c);
  if (!start || !c.take(',')) return std::nullopt;
  const auto end = posix_rule(c);
  if (!end || !c.at_end()) return std::nullopt;
  tz.start = *start;
  tz.end = *end;
  tz.has_dst = true;
  return tz;
}

int64_t rule_day(const PosixRule& r, int64_t year) {
  const int64_t jan1 = days_from_civil(year, 1, 1);
  switch (r.kind) {
    case PosixRule::Kind::kJulianNoLeap:
      return jan1 + r.day - 1 + ((is_leap_year(year) && r.day >= 60) ? 1 : 0);
    case PosixRule::Kind::kZeroBasedDay:
      return jan1 + r.day;
    case PosixRule::Kind::kMonthWeekDay:
      break;
  }
  const int64_t first = days_from_civil(year, r.month, 1);
  int64_t mday = 1 + floor_mod(r.weekday - weekday_from_days(first), 7) + (r.week - 1) * 7;
  while (mday > days_in_month(year, r.month)) mday -= 7;
  return first + mday - 1;
}

int32_t posix_offset_at(const PosixTz& tz, int64_t t) {
  if (!tz.has_dst) return tz.std_offset;
  // Switches of the neighbouring years too: a southern-hemisphere DST period spans New Year,
  // and a wall-clock switch time can lie in the next UTC year.
  const int64_t year = civil_from_days(floor_div(t + tz.std_offset, kSecPerDay)).year;
  struct Switch {
    int64_t at;
    bool to_dst;
  };
  std::array<Switch, 6> switches{};
  size_t n = 0;
  for (int64_t y = year - 1; y <= year + 1; ++y) {
    // The start is given in standard time, the end in daylight time (POSIX).
    switches[n++] = {rule_day(tz.start, y) * kSecPerDay + tz.start.time - tz.std_offset, true};
    switches[n++] = {rule_day(tz.end, y) * kSecPerDay + tz.end.time - tz.dst_offset, false};
  }
  // Stable: with all-year DST ("EST5EDT,0/0,J365/25") a year's end coincides with the next
  // year's start, and the later-listed start must win.
  std::stable_sort(switches.begin(), switches.end(),
                   [](const Switch& a, const Switch& b) { return a.at < b.at; });
  bool dst = !switches.front().to_dst;
  for (const Switch& s : switches) {
    if (s.at <= t) dst = s.to_dst;
  }
  return dst ? tz.dst_offset : tz.std_offset;
}

// ---------------------------------------------------------------------------------------------
// TZif files (RFC 8536).

struct TzType {
  int32_t utoff;
  std::string abbr;
};

struct TzFile {
  std::vector<int64_t> transitions;
  std::vector<uint8_t> transition_types;
  std::vector<TzType> types;
  std::optional<PosixTz> footer;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  std::string_view bytes(uint64_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return {};
    }
    const std::string_view r = data_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return r;
  }
  uint64_t big_endian(size_t n) {
    uint64_t v = 0;
    for (const char c : bytes(n)) v = (v << 8) | static_cast<unsigned char>(c);
    return v;
  }
  std::string_view rest() const { return data_.substr(pos_); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

struct TzifCounts {
  uint64_t isut, isstd, leap, time, type, chars;
};

std::optional<std::pair<char, TzifCounts>> tzif_header(ByteReader& r) {
  if (r.bytes(4) != "TZif") return std::nullopt;
  const std::string_view version = r.bytes(1);
  r.bytes(15);
  TzifCounts c{};
  for (uint64_t* field : {&c.isut, &c.isstd, &c.leap, &c.time, &c.type, &c.chars}) {
    *field = r.big_endian(4);
  }
  if (!r.ok()) return std::nullopt;
  const bool sane = c.type >= 1 && c.type <= 256 && c.chars >= 1 && c.time <= (1u << 20) &&
                    c.leap <= (1u << 20) && (c.isut == 0 || c.isut == c.type) &&
                    (c.isstd == 0 || c.isstd == c.type);
  if (!sane) return std::nullopt;
  return std::pair{version[0], c};
}

bool tzif_block(ByteReader& r, const TzifCounts& c, size_t time_size, TzFile* out) {
  out->transitions.clear();
  for (uint64_t i = 0; i < c.time; ++i) {
    const uint64_t raw = r.big_endian(time_size);
    const int64_t t = time_size == 4 ? int64_t{static_cast<int32_t>(static_cast<uint32_t>(raw))}
                                     : static_cast<int64_t>(raw);
    if (!out->transitions.empty() && t <= out->transitions.back()) return false;
    out->transitions.push_back(t);
  }
  out->transition_types.clear();
  for (uint64_t i = 0; i < c.time; ++i) {
    const auto idx = static_cast<uint8_t>(r.big_endian(1));
    if (idx >= c.type) return false;
    out->transition_types.push_back(idx);
  }
  struct RawType {
    int32_t utoff;
    uint8_t abbr_index;
  };
  std::vector<RawType> raw_types;
  for (uint64_t i = 0; i < c.type; ++i) {
    const auto utoff = static_cast<int32_t>(static_cast<uint32_t>(r.big_endian(4)));
    r.big_endian(1);  // isdst: only the offset matters here
    const auto abbr_index = static_cast<uint8_t>(r.big_endian(1));
    if (utoff < -26 * 3600 || utoff > 26 * 3600 || abbr_index >= c.chars) return false;
    raw_types.push_back({utoff, abbr_index});
  }
  const std::string_view chars = r.bytes(c.chars);
  r.bytes(c.leap * (time_size + 4) + c.isstd + c.isut);
  if (!r.ok()) return false;
  out->types.clear();
  for (const RawType& t : raw_types) {
    const std::string_view tail = chars.substr(t.abbr_index);
    out->types.push_back({t.utoff, std::string(tail.substr(0, tail.find('\0')))});
  }
  return true;
}

std::optional<TzFile> parse_tzif(std::string_view data) {
  ByteReader r(data);
  const auto v1 = tzif_header(r);
  if (!v1) return std::nullopt;
  TzFile f;
  if (v1->first == '\0') {
    if (!tzif_block(r, v1->second, 4, &f)) return std::nullopt;
    return f;
  }
  const TzifCounts& c = v1->second;
  r.bytes(c.time * 5 + c.type * 6 + c.chars + c.leap * 8 + c.isstd + c.isut);
  const auto v2 = tzif_header(r);
  if (!v2 || !tzif_block(r, v2->second, 8, &f)) return std::nullopt;
  const std::string_view rest = r.rest();
  if (rest.size() >= 2 && rest[0] == '\n') {
    const size_t end = rest.find('\n', 1);
    if (end != std::string_view::npos && end > 1) {
      // An unusable footer leaves the last transition's offset in force, which is still right
      // for zones that stopped changing.
      f.footer = parse_posix_tz(rest.substr(1, end - 1));
    }
  }
  return f;
}

int32_t tzfile_offset_at(const TzFile& f, int64_t t) {
  const std::vector<int64_t>& tr = f.transitions;
  if (tr.empty() || t >= tr.back()) {
    if (f.footer) return posix_offset_at(*f.footer, t);
    return tr.empty() ? f.types.front().utoff : f.types[f.transition_types.back()].utoff;
  }
  const auto it = std::upper_bound(tr.begin(), tr.end(), t);
  if (it == tr.begin()) return f.types.front().utoff;
  return f.types[f.transition_types[static_cast<size_t>(it - tr.begin() - 1)]].utoff;
}

// Zone files named after an abbreviation ("CET", "EET", "EST", "GMT") stand for that
// abbreviation's fixed offset, as systemd reads them: "2026-07-01 10:00 CET" is 09:00 UTC, not
// the CEST reading the CET zone's rules would give in July.
std::optional<int32_t> tzfile_pinned_offset(const TzFile& f, std::string_view name) {
  if (f.footer) {
    if (name == f.footer->std_abbr) return f.footer->std_offset;
    if (f.footer->has_dst && name == f.footer->dst_abbr) return f.footer->dst_offset;
    return std::nullopt;
  }
  for (auto it = f.types.rbegin(); it != f.types.rend(); ++it) {
    if (it->abbr == name) return it->utoff;
  }
  return std::nullopt;
}

// Only names that cannot leave the zoneinfo directory ("../", absolute paths).
bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') {
    return false;
  }
  bool segment_start = true;
  for (const char c : name) {
    if (c == '/') {
      if (segment_start) return false;
      segment_start = true;
      continue;
    }
    if (segment_start && (c == '.' || c == '-')) return false;
    if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '-' && c != '+' && c != '.') {
      return false;
    }
    segment_start = false;
  }
  return true;
}

std::optional<std::string> read_zone_file(std::string_view name) {
  constexpr std::streamsize kMaxSize = 1 << 20;
  const char* tzdir = std::getenv("TZDIR");
  const std::filesystem::path dir =
      (tzdir != nullptr && tzdir[0] == '/') ? tzdir : "/usr/share/zoneinfo";
  const std::filesystem::path path = dir / std::filesystem::path(name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data(static_cast<size_t>(kMaxSize) + 1, '\0');
  in.read(data.data(), kMaxSize + 1);
  const std::streamsize got = in.gcount();
  if (got > kMaxSize || in.bad()) return std::nullopt;
  data.resize(static_cast<size_t>(got));
  return data;
}

// ---------------------------------------------------------------------------------------------
// Time spans: systemd.time(7) "PARSING TIME SPANS".

struct Unit {
  std::string_view name;
  int64_t usec;
};

// Month and year are the values systemd uses (year = 365.25 days, month = year / 12, which the
// man page rounds to "30.44 days").
constexpr int64_t kUsecPerMinute = 60 * kUsecPerSec;
constexpr int64_t kUsecPerHour = 60 * kUsecPerMinute;
constexpr int64_t kUsecPerDay = 24 * kUsecPerHour;
constexpr int64_t kUsecPerYear = 31'557'600 * kUsecPerSec;
constexpr std::array<Unit, 30> kUnits = {{
    {"usec", 1},
    {"us", 1},
    {"\xC2\xB5s", 1},  // MICRO SIGN
    {"\xCE\xBCs", 1},  // GREEK SMALL LETTER MU, which is what many keyboards produce
    {"msec", 1000},
    {"ms", 1000},
    {"seconds", kUsecPerSec},
    {"second", kUsecPerSec},
    {"sec", kUsecPerSec},
    {"s", kUsecPerSec},
    {"minutes", kUsecPerMinute},
    {"minute", kUsecPerMinute},
    {"min", kUsecPerMinute},
    {"m", kUsecPerMinute},
    {"hours", kUsecPerHour},
    {"hour", kUsecPerHour},
    {"hr", kUsecPerHour},
    {"h", kUsecPerHour},
    {"days", kUsecPerDay},
    {"day", kUsecPerDay},
    {"d", kUsecPerDay},
    {"weeks", 7 * kUsecPerDay},
    {"week", 7 * kUsecPerDay},
    {"w", 7 * kUsecPerDay},
    {"months", kUsecPerYear / 12},
    {"month", kUsecPerYear / 12},
    {"M", kUsecPerYear / 12},
    {"years", kUsecPerYear},
    {"year", kUsecPerYear},
    {"y", kUsecPerYear},
}};

std::optional<int64_t> unit_usec(std::string_view name) {
  for (const Unit& u : kUnits) {
    if (u.name == name) return u.usec;
  }
  return std::nullopt;
}

// "1h", "2 days", "1.5h": a number directly followed by a unit word. Dates and times continue
// with '-' or ':' instead, so the two never overlap.
bool looks_like_bare_duration(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (is_digit(text[i]) || text[i] == '.')) ++i;
  if (i == 0) return false;
  while (i < text.size() && is_space(text[i])) ++i;
  return i < text.size() && is_unit_char(text[i]);
}

// ---------------------------------------------------------------------------------------------
// Time zones as used for resolving wall times.

struct Zone {
  enum class Kind { kLocal, kFixed, kFile };
  Kind kind = Kind::kLocal;
  int32_t fixed_offset = 0;
  std::optional<TzFile> file;
};

Zone fixed_zone(int32_t offset) {
  Zone z;
  z.kind = Zone::Kind::kFixed;
  z.fixed_offset = offset;
  return z;
}

// A date and/or time of day as written, before the zone gives it an instant.
struct WallSpec {
  std::optional<int> weekday;
  std::optional<int> day_shift;  // today = 0, yesterday = -1, tomorrow = +1
  bool has_date = false;
  int64_t year = 0;
  int month = 0;
  int day = 0;
  bool has_time = false;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int64_t usec = 0;  // may be 1'000'000 after rounding a 7th fractional digit up
};

// ---------------------------------------------------------------------------------------------

class Parser {
 public:
  Parser(std::string_view spec, int64_t now_us) : spec_(spec), now_us_(now_us) {}

  int64_t parse() {
    const int64_t t = parse_any();
    if (t < 0) fail("time is before 1970-01-01 00:00:00 UTC");
    return t;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw TimeSpecError(quoted(spec_) + ": " + problem);
  }

  int64_t parse_any() {
    const std::string_view text = trim(spec_);
    if (text.empty()) fail("empty time specification");
    if (text == "now") return now_us_;
    if (text.front() == '+') return shifted(parse_span(text.substr(1), false), +1);
    if (text.front() == '-') return shifted(parse_span(text.substr(1), false), -1);
    if (text.front() == '@') return parse_span(text.substr(1), false);

    const size_t last_space = text.find_last_of(" \t\n\r\f\v");
    const std::string_view last_word =
        last_space == std::string_view::npos ? text : text.substr(last_space + 1);
    const std::string_view before_last =
        last_space == std::string_view::npos ? std::string_view{} : text.substr(0, last_space);
    if (last_word == "ago") return shifted(parse_span(before_last, false), -1);
    if (last_word == "left") return shifted(parse_span(before_last, false), +1);

    // kjournal's addition: "--since 1h" as kubectl users type it. Every number must carry a
    // unit here, so that "1h30" is not silently read as 1h 30s.
    if (looks_like_bare_duration(text)) return shifted(parse_span(text, true), -1);
    return parse_absolute(text);
  }

  int64_t shifted(int64_t span_us, int sign) const {
    int64_t t = 0;
    const bool overflow = sign > 0 ? __builtin_add_overflow(now_us_, span_us, &t)
                                   : __builtin_sub_overflow(now_us_, span_us, &t);
    if (overflow) fail("time out of range");
    return t;
  }

  // systemd's span grammar: numbers with optional fraction, each followed by an optional unit
  // (seconds when absent), spaces optional. Fractions are applied digit by digit with integer
  // division as systemd does, so "0.3333333M" gives the same microseconds as journalctl.
  int64_t parse_span(std::string_view text, bool require_units) const {
    Cursor c(text);
    int64_t total = 0;
    bool any = false;
    for (;;) {
      c.skip_spaces();
      if (c.at_end()) break;
      const size_t start = c.pos();
      const std::string_view whole = c.take_while(is_digit);
      const bool has_point = c.take('.');
      const std::string_view frac = has_point ? c.take_while(is_digit) : std::string_view{};
      const std::string_view number = text.substr(start, c.pos() - start);
      if (whole.empty() && frac.empty()) {
        if (has_point) fail("malformed number \".\"");
        fail("unexpected " + quoted(Cursor(text.substr(start)).take_while(is_not_space)) +
             " in duration");
      }
      if (has_point && frac.empty()) fail("malformed number " + quoted(number));
      const size_t after_number = c.pos();
      c.skip_spaces();
      const std::string_view unit = c.take_while(is_unit_char);

      int64_t multiplier = kUsecPerSec;
      if (unit.empty()) {
        if (require_units) fail("missing unit after " + quoted(number));
        if (after_number < text.size() && !is_space(text[after_number])) {
          fail("unexpected " + quoted(Cursor(text.substr(after_number)).take_while(is_not_space)) +
               " in duration");
        }
      } else {
        const auto u = unit_usec(unit);
        if (!u) fail("unknown unit " + quoted(unit));
        multiplier = *u;
      }

      const auto whole_value = to_int(whole);
      int64_t value = 0;
      if (!whole_value || __builtin_mul_overflow(*whole_value, multiplier, &value)) {
        fail("number too large");
      }
      int64_t step = multiplier / 10;
      for (const char d : frac) {
        if (__builtin_add_overflow(value, (d - '0') * step, &value)) fail("number too large");
        step /= 10;
      }
      if (__builtin_add_overflow(total, value, &total)) fail("number too large");
      any = true;
    }
    if (!any) fail("missing duration");
    return total;
  }

  // -------------------------------------------------------------------------------------------
  // Absolute forms: [weekday] date [time] [zone], [weekday] time [zone], today/yesterday/tomorrow
  // [zone], with "T" and attached "Z"/"+hh:mm" for RFC 3339.

  int parse_field(std::string_view digits, const char* name, int lo, int hi) const {
    if (digits.empty()) fail(std::string("missing ") + name);
    if (digits.size() > 2) fail(std::string("malformed ") + name + " " + quoted(digits));
    const auto v = to_int(digits);
    if (!v || *v < lo || *v > hi) fail(std::string(name) + " out of range");
    return static_cast<int>(*v);
  }

  void parse_date(Cursor& c, std::string_view year_digits, WallSpec& w) const {
    if (year_digits.size() == 4) {
      w.year = *to_int(year_digits);
    } else if (year_digits.size() == 2) {
      // strptime's %y pivot, which journalctl inherits: 69..99 -> 19xx, 00..68 -> 20xx.
      const int64_t yy = *to_int(year_digits);
      w.year = yy >= 69 ? 1900 + yy : 2000 + yy;
    } else {
      fail("malformed year " + quoted(year_digits));
    }
    c.take('-');
    w.month = parse_field(c.take_while(is_digit), "month", 1, 12);
    if (!c.take('-')) fail("incomplete date (expected YYYY-MM-DD)");
    w.day = parse_field(c.take_while(is_digit), "day", 1, 31);
    if (w.day > days_in_month(w.year, w.month)) fail("no such day");
    w.has_date = true;
  }

  void parse_time(Cursor& c, std::string_view hour_digits, WallSpec& w) const {
    w.hour = parse_field(hour_digits, "hour", 0, 23);
    if (!c.take(':')) fail("malformed time (expected HH:MM)");
    w.minute = parse_field(c.take_while(is_digit), "minute", 0, 59);
    if (c.take(':')) {
      // 60 is a leap second; like mktime() it becomes the first second of the next minute.
      w.second = parse_field(c.take_while(is_digit), "second", 0, 60);
      if (c.take('.')) {
        const std::string_view frac = c.take_while(is_digit);
        if (frac.empty()) fail("malformed fraction of a second");
        // Six digits kept, the seventh rounds half up, further ones are ignored (as systemd).
        int64_t us = 0;
        for (size_t i = 0; i < 6; ++i) us = us * 10 + (i < frac.size() ? frac[i] - '0' : 0);
        if (frac.size() > 6 && frac[6] >= '5') ++us;
        w.usec = us;
      }
    }
    w.has_time = true;
  }

  int32_t parse_utc_offset(std::string_view token) const {
    const int sign = token.front() == '-' ? -1 : 1;
    const std::string_view body = token.substr(1);
    const auto all_digits = [](std::string_view s) {
      return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
    };
    std::string_view hh;
    std::string_view mm = "00";
    if (body.size() == 2 && all_digits(body)) {
      hh = body;
    } else if (body.size() == 4 && all_digits(body)) {
      hh = body.substr(0, 2);
      mm = body.substr(2);
    } else if (body.size() == 5 && body[2] == ':' && all_digits(body.substr(0, 2)) &&
               all_digits(body.substr(3))) {
      hh = body.substr(0, 2);
      mm = body.substr(3);
    } else {
      fail("malformed UTC offset " + quoted(token));
    }
    const int64_t h = *to_int(hh);
    const int64_t m = *to_int(mm);
    if (h > 23 || m > 59) fail("UTC offset out of range " + quoted(token));
    return static_cast<int32_t>(sign * (h * 3600 + m * 60));
  }

  int32_t offset_at(const Zone& z, int64_t t) const {
    switch (z.kind) {
      case Zone::Kind::kFixed:
        return z.fixed_offset;
      case Zone::Kind::kFile:
        return tzfile_offset_at(*z.file, t);
      case Zone::Kind::kLocal:
        break;
    }
    const auto tt = static_cast<time_t>(t);
    struct tm tm {};
    if (localtime_r(&tt, &tm) == nullptr) fail("time out of range");
    return static_cast<int32_t>(tm.tm_gmtoff);
  }

  // The local zone's abbreviations ("CET"/"CEST", "EST"/"EDT") pin the offset they stand for,
  // so timestamps copied from journalctl output parse back to the same instant even in the
  // repeated hour. The nearest use within a year of `near` decides the offset.
  std::optional<int32_t> local_abbreviation_offset(std::string_view word, int64_t near) const {
    constexpr int64_t kMonth = kUsecPerYear / 12 / kUsecPerSec;
    for (int64_t k = 0; k <= 24; ++k) {
      const int64_t step = (k % 2 == 0) ? k / 2 : -(k + 1) / 2;
      const auto tt = static_cast<time_t>(near + step * kMonth);
      struct tm tm {};
      if (localtime_r(&tt, &tm) == nullptr || tm.tm_zone == nullptr) continue;
      if (iequals(word, tm.tm_zone)) return static_cast<int32_t>(tm.tm_gmtoff);
    }
    return std::nullopt;
  }

  Zone zone_from_word(std::string_view word, int64_t near) const {
    if (iequals(word, "UTC") || word == "Z" || word == "z") return fixed_zone(0);
    if (word.front() == '+' || word.front() == '-') return fixed_zone(parse_utc_offset(word));
    if (const auto off = local_abbreviation_offset(word, near)) return fixed_zone(*off);
    if (valid_zone_name(word)) {
      if (const auto data = read_zone_file(word)) {
        auto file = parse_tzif(*data);
        if (!file) fail("unreadable time zone file for " + quoted(word));
        if (const auto pinned = tzfile_pinned_offset(*file, word)) return fixed_zone(*pinned);
        Zone z;
        z.kind = Zone::Kind::kFile;
        z.file = std::move(file);
        return z;
      }
    }
    fail("unknown time zone " + quoted(word));
  }

  // Wall-clock seconds (days * 86400 + time of day, no zone) to UTC seconds.
  int64_t wall_to_utc(const Zone& z, int64_t wall) const {
    if (z.kind == Zone::Kind::kFixed) return wall - z.fixed_offset;
    // Every offset in force within a day either side is a candidate reading; a reading is valid
    // when the zone really has that offset at the resulting instant. Real zones never switch
    // twice within a day.
    std::optional<int64_t> best;
    for (const int64_t probe : {wall - kSecPerDay, wall, wall + kSecPerDay}) {
      const int32_t off = offset_at(z, probe);
      const int64_t t = wall - off;
      if (offset_at(z, t) == off && (!best || t < *best)) best = t;
    }
    if (best) return *best;
    // Skipped by a forward jump: read with the offset from before the jump, as mktime() does.
    return wall - offset_at(z, wall - kSecPerDay);
  }

  int64_t parse_absolute(std::string_view text) const {
    // localtime_r() need not notice a changed $TZ (glibc's does not); mktime() would have.
    tzset();
    Cursor c(text);
    WallSpec w;

    if (is_alpha(c.peek())) {
      const std::string_view word = c.take_while(is_alpha);
      if (word == "today") {
        w.day_shift = 0;
      } else if (word == "yesterday") {
        w.day_shift = -1;
      } else if (word == "tomorrow") {
        w.day_shift = 1;
      } else if (const auto wd = weekday_number(word)) {
        w.weekday = *wd;
        if (c.skip_spaces() == 0 || !is_digit(c.peek())) {
          fail("expected a date or time after " + quoted(word));
        }
      } else if (word == "now") {
        fail("unexpected text after \"now\"");
      } else {
        fail("unrecognized word " + quoted(Cursor(text).take_while(is_not_space)));
      }
      if (w.day_shift && !c.at_end() && !is_space(c.peek())) {
        fail("unrecognized word " + quoted(Cursor(text).take_while(is_not_space)));
      }
    }

    if (!w.day_shift) {
      const std::string_view first = c.take_while(is_digit);
      if (first.empty()) fail("expected a date (YYYY-MM-DD) or a time (HH:MM)");
      if (c.peek() == '-') {
        parse_date(c, first, w);
        if (c.take('T') || c.take('t')) {
          const std::string_view hour = c.take_while(is_digit);
          if (hour.empty()) fail("expected a time after \"T\"");
          parse_time(c, hour, w);
        } else {
          Cursor probe = c;
          if (probe.skip_spaces() > 0 && is_digit(probe.peek())) {
            c = probe;
            parse_time(c, c.take_while(is_digit), w);
          }
        }
      } else if (c.peek() == ':') {
        parse_time(c, first, w);
      } else if (c.at_end() || is_space(c.peek())) {
        fail("number without a unit (e.g. \"" + std::string(first) +
             "min\") or a date not in YYYY-MM-DD form");
      } else {
        fail("expected a date (YYYY-MM-DD) or a time (HH:MM)");
      }
    }

    // Zone: attached to the time as RFC 3339 writes it, or the last word.
    std::optional<Zone> zone;
    std::string_view zone_word;
    if (w.has_time && (c.peek() == 'Z' || c.peek() == 'z')) {
      c.take(c.peek());
      zone = fixed_zone(0);
    } else if (w.has_time && (c.peek() == '+' || c.peek() == '-')) {
      zone = fixed_zone(parse_utc_offset(c.take_while(is_not_space)));
    } else if (c.skip_spaces() > 0 && !c.at_end()) {
      zone_word = c.take_while(is_not_space);
      if (!is_alpha(zone_word.front()) && zone_word.front() != '+' && zone_word.front() != '-') {
        fail("trailing garbage " + quoted(zone_word));
      }
    }
    c.skip_spaces();
    if (!c.at_end()) fail("trailing garbage " + quoted(c.rest()));

    const int64_t time_of_day = w.hour * 3600 + w.minute * 60 + w.second;
    const int64_t now_s = floor_div(now_us_, kUsecPerSec);
    if (!zone_word.empty()) {
      const int64_t near =
          w.has_date ? days_from_civil(w.year, w.month, w.day) * kSecPerDay + time_of_day : now_s;
      zone = zone_from_word(zone_word, near);
    }
    if (!zone) zone = Zone{};

    int64_t days = 0;
    if (w.has_date) {
      days = days_from_civil(w.year, w.month, w.day);
    } else {
      days = floor_div(now_s + offset_at(*zone, now_s), kSecPerDay) + w.day_shift.value_or(0);
    }
    if (w.weekday && weekday_from_days(days) != *w.weekday) {
      const CivilDate d = civil_from_days(days);
      std::array<char, 64> buf{};
      std::snprintf(buf.data(), buf.size(), "%04lld-%02d-%02d is a %s",
                    static_cast<long long>(d.year), d.month, d.day,
                    kWeekdayNames[static_cast<size_t>(weekday_from_days(days))]);
      fail(std::string("weekday does not match the date (") + buf.data() + ")");
    }

    const int64_t utc = wall_to_utc(*zone, days * kSecPerDay + time_of_day);
    int64_t us = 0;
    if (__builtin_mul_overflow(utc, kUsecPerSec, &us) || __builtin_add_overflow(us, w.usec, &us)) {
      fail("time out of range");
    }
    return us;
  }

  std::string_view spec_;
  int64_t now_us_;
};

}  // namespace

int64_t parse_time_spec(std::string_view spec, int64_t now_us) {
  return Parser(spec, now_us).parse();
}

struct ZoneRules::Data {
  TzFile file;
};

ZoneRules::ZoneRules(std::unique_ptr<Data> data) : data_(std::move(data)) {}
ZoneRules::~ZoneRules() = default;

std::shared_ptr<const ZoneRules> ZoneRules::load(std::string_view name) {
  if (!valid_zone_name(name)) return nullptr;
  const auto bytes = read_zone_file(name);
  if (!bytes) return nullptr;
  auto file = parse_tzif(*bytes);
  if (!file) return nullptr;
  return std::shared_ptr<const ZoneRules>(
      new ZoneRules(std::make_unique<Data>(Data{std::move(*file)})));
}

int32_t ZoneRules::offset_at(int64_t utc_seconds) const {
  return tzfile_offset_at(data_->file, utc_seconds);
}

}  // namespace kj
