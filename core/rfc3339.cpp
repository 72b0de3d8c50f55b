#include "core/rfc3339.h"

#include "core/time_format.h"

namespace kj {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Two digits at text[at]; -1 when either is not a digit.
int two_digits(std::string_view text, size_t at) {
  if (!is_digit(text[at]) || !is_digit(text[at + 1])) return -1;
  return (text[at] - '0') * 10 + (text[at + 1] - '0');
}

bool is_leap(int y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int days_in_month(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<int64_t> parse_rfc3339_ns(std::string_view text, Rfc3339Options options) {
  // "2006-01-02T15:04:05Z" is the shortest valid form.
  if (text.size() < 20) return std::nullopt;
  const int y_hi = two_digits(text, 0), y_lo = two_digits(text, 2);
  const int month = two_digits(text, 5), day = two_digits(text, 8);
  const int hour = two_digits(text, 11), minute = two_digits(text, 14);
  const int second = two_digits(text, 17);
  if (y_hi < 0 || y_lo < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
    return std::nullopt;
  }
  const char sep = text[10];
  if (text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') return std::nullopt;
  if (sep != 'T' && !(sep == ' ' && options.allow_blank_separator)) return std::nullopt;
  const int year = y_hi * 100 + y_lo;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;

  size_t i = 19;
  int64_t nanos = 0;
  if (text[i] == '.') {
    // Accumulate up to nine digits, then scale once: this runs for every line.
    static constexpr int64_t kScale[10] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                           10000,      1000,      100,      10,      1};
    const size_t begin = ++i;
    size_t digits = 0;
    while (i < text.size() && is_digit(text[i])) {
      if (digits < 9) {
        nanos = nanos * 10 + (text[i] - '0');
        ++digits;
      }
      ++i;
    }
    if (i == begin) return std::nullopt;
    nanos *= kScale[digits];
  }
  if (i >= text.size()) return std::nullopt;

  int offset_seconds = 0;
  if (text[i] == 'Z') {
    ++i;
  } else if (text[i] == '+' || text[i] == '-') {
    if (text.size() - i != 6 || text[i + 3] != ':') return std::nullopt;
    const int oh = two_digits(text, i + 1), om = two_digits(text, i + 4);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return std::nullopt;
    offset_seconds = (oh * 60 + om) * 60;
    if (text[i] == '-') offset_seconds = -offset_seconds;
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;

  // Plain second arithmetic: an explicit offset needs no zone rules, so a -07:00 PDT stamp is
  // exactly 7 h behind UTC whatever the DST calendar says.
  const int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                          second - offset_seconds;
  // Before the epoch, borrow one second from the fraction so the product cannot overflow for
  // an instant that is itself representable (the very first one, INT64_MIN ns, included).
  int64_t whole = seconds;
  if (whole < 0 && nanos > 0) {
    whole += 1;
    nanos -= kNanosPerSecond;
  }
  int64_t ns = 0;
  if (__builtin_mul_overflow(whole, kNanosPerSecond, &ns) ||
      __builtin_add_overflow(ns, nanos, &ns)) {
    return std::nullopt;
  }
  return ns;
}

}  // namespace kj
