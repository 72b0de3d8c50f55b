#include "core/klog_header.h"

#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kj {
namespace {

constexpr std::string_view kPreFlagParsePrefix = "ERROR: logging before flag.Parse: ";

// The shortest header, "Immdd hh:mm:ss.uuuuuu 1 f:1]", is 28 bytes.
constexpr size_t kMinHeaderBytes = 28;

constexpr bool is_digit(char c) {
  return static_cast<unsigned char>(c - '0') <= 9;
}

#if !defined(__SSE2__)
// Two digits at p forming a value in [lo, hi], else -1. Callers have checked that both bytes
// are inside the input.
inline int two_digits(const char* p, int lo, int hi) {
  if (!is_digit(p[0]) || !is_digit(p[1])) return -1;
  const int v = (p[0] - '0') * 10 + (p[1] - '0');
  return v >= lo && v <= hi ? v : -1;
}
#endif

// Bytes that end a klog file name: blank, ']', newline (the header belongs to the first
// physical line). One table load per byte of the file name, the longest field of a header.
struct FileNameStops {
  bool stop[256] = {};
  constexpr FileNameStops() {
    stop[static_cast<unsigned char>(' ')] = true;
    stop[static_cast<unsigned char>(']')] = true;
    stop[static_cast<unsigned char>('\n')] = true;
  }
};
constexpr FileNameStops kStops;

// Index of the first file-name stop at or after s[k], or n: 16 bytes per step where SSE2 is
// available, since the file name is the longest field of a header.
inline size_t find_file_name_stop(const char* s, size_t k, size_t n) {
#if defined(__SSE2__)
  const __m128i blank = _mm_set1_epi8(' ');
  const __m128i close = _mm_set1_epi8(']');
  const __m128i newline = _mm_set1_epi8('\n');
  for (; k + 16 <= n; k += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + k));
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, blank), _mm_cmpeq_epi8(b, close)),
                     _mm_cmpeq_epi8(b, newline));
    const unsigned m = static_cast<unsigned>(_mm_movemask_epi8(hit));
    if (m != 0) return k + static_cast<size_t>(__builtin_ctz(m));
  }
#endif
  while (k < n && !kStops.stop[static_cast<unsigned char>(s[k])]) ++k;
  return k;
}

}  // namespace

// Every fixed-width field is checked in place (no cursor object, no per-field bounds checks
// after one length check): this runs once per record of every klog file.
std::optional<KlogHeader> parse_klog_header(std::string_view line) {
  size_t base = 0;
  if (!line.empty() && line[0] == 'E' && line.starts_with(kPreFlagParsePrefix)) {
    base = kPreFlagParsePrefix.size();
  }
  const char* s = line.data() + base;
  const size_t n = line.size() - base;
  if (n < kMinHeaderBytes) return std::nullopt;

  KlogHeader h;
  const char letter = s[0];
  const auto sev = severity_from_klog_letter(letter);
  if (!sev) return std::nullopt;
  h.letter = letter;
  h.letter_offset = base;
  h.severity = *sev;

  // Date: `mmdd`, or C++ glog's `yyyymmdd`. Which one is decided by the length of the digit
  // run (up to nine digits are looked at), so `I2024...` is never mistaken for month 20.
  size_t run = 0;
  while (run <= 8 && 1 + run < n && is_digit(s[1 + run])) ++run;
  size_t p = 1;
  if (run == 8) {
    h.year = (s[1] - '0') * 1000 + (s[2] - '0') * 100 + (s[3] - '0') * 10 + (s[4] - '0');
    if (h.year < 1) return std::nullopt;
    p = 5;
  } else if (run != 4) {
    return std::nullopt;
  }
  // From here the fixed part is 20 bytes: "mmdd hh:mm:ss.uuuuuu".
  if (n < p + 20) return std::nullopt;
  const char* f = s + p;
#if defined(__SSE2__)
  {
    // The shape of the first 16 bytes, "mmdd hh:mm:ss.uu", in one vector test: digits where
    // digits belong, the separators in their places. Runs once per line of every klog file.
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(f));
    const __m128i from_zero = _mm_sub_epi8(b, _mm_set1_epi8('0'));
    const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(from_zero, _mm_set1_epi8(9)), from_zero);
    const __m128i sep_at = _mm_setr_epi8(0, 0, 0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0, -1, 0, 0);
    const __m128i seps = _mm_setr_epi8(0, 0, 0, 0, ' ', 0, 0, ':', 0, 0, ':', 0, 0, '.', 0, 0);
    const __m128i ok = _mm_or_si128(_mm_andnot_si128(sep_at, digit),
                                    _mm_and_si128(sep_at, _mm_cmpeq_epi8(b, seps)));
    if (_mm_movemask_epi8(ok) != 0xFFFF || !is_digit(f[16]) || !is_digit(f[17]) ||
        !is_digit(f[18]) || !is_digit(f[19])) {
      return std::nullopt;
    }
    auto two = [f](size_t i) { return (f[i] - '0') * 10 + (f[i + 1] - '0'); };
    h.month = two(0);
    h.day = two(2);
    h.hour = two(5);
    h.minute = two(8);
    h.second = two(11);
    if (h.month < 1 || h.month > 12 || h.day < 1 || h.day > 31 || h.hour > 23 || h.minute > 59 ||
        h.second > 59) {
      return std::nullopt;
    }
  }
  // Six independent products rather than a chain of multiply-adds.
  const int us = (f[14] - '0') * 100000 + (f[15] - '0') * 10000 + (f[16] - '0') * 1000 +
                 (f[17] - '0') * 100 + (f[18] - '0') * 10 + (f[19] - '0');
#else
  h.month = two_digits(f, 1, 12);
  h.day = two_digits(f + 2, 1, 31);
  h.hour = two_digits(f + 5, 0, 23);
  h.minute = two_digits(f + 8, 0, 59);
  h.second = two_digits(f + 11, 0, 59);
  if (h.month < 0 || h.day < 0 || h.hour < 0 || h.minute < 0 || h.second < 0 || f[4] != ' ' ||
      f[7] != ':' || f[10] != ':' || f[13] != '.') {
    return std::nullopt;
  }
  int us = 0;
  for (size_t i = 14; i < 20; ++i) {
    if (!is_digit(f[i])) return std::nullopt;
    us = us * 10 + (f[i] - '0');
  }
#endif
  h.microsecond = us;

  // Thread id: right-aligned in a blank-padded field whose width changed over time (5 in old
  // glog, 7 now), so accept any padding of at least one blank and any number of digits.
  size_t i = p + 20;
  if (i >= n || s[i] != ' ') return std::nullopt;
  while (i < n && s[i] == ' ') ++i;
  const size_t tid_begin = i;
  int64_t tid = 0;
  while (i < n && is_digit(s[i])) {
    if (tid > (std::numeric_limits<int64_t>::max() - 9) / 10) return std::nullopt;
    tid = tid * 10 + (s[i] - '0');
    ++i;
  }
  if (i == tid_begin || i >= n || s[i] != ' ') return std::nullopt;
  h.thread_id = tid;
  ++i;

  // `file:line] ` (FORMATS.md §1.6): the file runs to the first blank, ']' or newline, which
  // must be the ']' of a `:<digits>]`; so a message that itself contains `other.go:12] `
  // cannot move the boundary. The file's first byte must not be ':'. A bare `]` that ends
  // the input counts as `] ` plus an empty message (whatever carried the line trimmed it).
  const size_t file_begin = i;
  if (file_begin >= n) return std::nullopt;
  const char first = s[file_begin];
  if (first == ':' || first == ' ' || first == ']' || first == '\n') return std::nullopt;
  const size_t k = find_file_name_stop(s, file_begin + 1, n);
  if (k >= n || s[k] != ']') return std::nullopt;
  size_t d = k;
  while (d > file_begin + 1 && is_digit(s[d - 1])) --d;
  if (d == k || s[d - 1] != ':') return std::nullopt;
  uint64_t line_no = 0;
  for (size_t m = d; m < k; ++m) {
    line_no = line_no * 10 + static_cast<uint64_t>(s[m] - '0');
    if (line_no > std::numeric_limits<uint32_t>::max()) return std::nullopt;
  }
  size_t msg = k + 1;
  if (msg < n) {
    if (s[msg] != ' ') return std::nullopt;
    ++msg;
  }
  h.caller = std::string_view(s + file_begin, k - file_begin);
  h.caller_offset = base + file_begin;
  h.line = static_cast<uint32_t>(line_no);
  h.message_offset = base + msg;
  return h;
}

}  // namespace kj
