#include "collectors/file/klog_header_check.h"

#include <cstdint>

namespace kj::file {
namespace {

constexpr std::string_view kPreFlagParsePrefix = "ERROR: logging before flag.Parse: ";

inline bool digit(char c) {
  return static_cast<unsigned char>(c - '0') <= 9;
}

// Bytes that end a klog file name: blank, ']', newline. The scan over the file name is the
// hot loop of this function; a table lookup per byte beats three comparisons.
struct FileNameStops {
  bool stop[256] = {};
  constexpr FileNameStops() {
    stop[static_cast<unsigned char>(' ')] = true;
    stop[static_cast<unsigned char>(']')] = true;
    stop[static_cast<unsigned char>('\n')] = true;
  }
};
constexpr FileNameStops kStops;

// Index of the first stop byte in s[from, n), 8 bytes per step while possible.
inline size_t find_stop(const char* s, size_t from, size_t n) {
  size_t k = from;
  while (k + 8 <= n) {
    const auto* u = reinterpret_cast<const unsigned char*>(s + k);
    if (kStops.stop[u[0]] | kStops.stop[u[1]] | kStops.stop[u[2]] | kStops.stop[u[3]] |
        kStops.stop[u[4]] | kStops.stop[u[5]] | kStops.stop[u[6]] | kStops.stop[u[7]]) {
      break;
    }
    k += 8;
  }
  while (k < n && !kStops.stop[static_cast<unsigned char>(s[k])]) ++k;
  return k;
}

// Two digits at p forming a value in [lo, hi].
inline bool two(const char* p, int lo, int hi) {
  if (!digit(p[0]) || !digit(p[1])) return false;
  const int v = (p[0] - '0') * 10 + (p[1] - '0');
  return v >= lo && v <= hi;
}

}  // namespace

bool starts_with_klog_header(std::string_view line) {
  if (line.size() > kPreFlagParsePrefix.size() && line[0] == 'E' &&
      line.substr(0, kPreFlagParsePrefix.size()) == kPreFlagParsePrefix) {
    line.remove_prefix(kPreFlagParsePrefix.size());
  }
  const char* s = line.data();
  const size_t n = line.size();
  // Shortest header: "Immdd hh:mm:ss.uuuuuu 1 f:1]" is 28 bytes.
  if (n < 28) return false;
  const char letter = s[0];
  if (letter != 'I' && letter != 'W' && letter != 'E' && letter != 'F') return false;
  // mmdd, or C++ glog's yyyymmdd: decided by the length of the digit run (as the parser does,
  // which looks at up to nine digits).
  size_t run = 0;
  while (run <= 8 && 1 + run < n && digit(s[1 + run])) ++run;
  size_t p = 1;
  if (run == 8) {
    const int year = (s[1] - '0') * 1000 + (s[2] - '0') * 100 + (s[3] - '0') * 10 + (s[4] - '0');
    if (year < 1) return false;
    p = 5;
  } else if (run != 4) {
    return false;
  }
  // From here the fixed part is 20 bytes: "mmdd hh:mm:ss.uuuuuu".
  if (n < p + 20) return false;
  if (!two(s + p, 1, 12) || !two(s + p + 2, 1, 31) || s[p + 4] != ' ' || !two(s + p + 5, 0, 23) ||
      s[p + 7] != ':' || !two(s + p + 8, 0, 59) || s[p + 10] != ':' || !two(s + p + 11, 0, 59) ||
      s[p + 13] != '.') {
    return false;
  }
  for (size_t i = p + 14; i < p + 20; ++i) {
    if (!digit(s[i])) return false;
  }
  size_t i = p + 20;
  // Thread id: one or more blanks, digits (no int64 overflow), one blank.
  if (i >= n || s[i] != ' ') return false;
  while (i < n && s[i] == ' ') ++i;
  const size_t tid_begin = i;
  while (i < n && digit(s[i])) ++i;
  if (i == tid_begin || i >= n || s[i] != ' ') return false;
  if (i - tid_begin > 18) {
    // Only very long runs can overflow int64; check them exactly.
    int64_t v = 0;
    for (size_t k = tid_begin; k < i; ++k) {
      if (v > (INT64_MAX - 9) / 10) return false;
      v = v * 10 + (s[k] - '0');
    }
  }
  ++i;
  // `file:line] `: the file runs to the first blank, ']' or newline, which must be the ']' of
  // a `:<digits>]` (line number within uint32), followed by a blank or the end of the input.
  const size_t file_begin = i;
  if (file_begin >= n) return false;
  const char first = s[file_begin];
  if (first == ':' || first == ' ' || first == ']' || first == '\n') return false;
  const size_t k = find_stop(s, file_begin + 1, n);
  if (k >= n || s[k] != ']') return false;
  size_t d = k;
  while (d > file_begin + 1 && digit(s[d - 1])) --d;
  if (d == k || s[d - 1] != ':') return false;
  if (k - d > 9) {
    // Leading zeros are fine; only the value has to fit.
    uint64_t v = 0;
    for (size_t m = d; m < k; ++m) {
      v = v * 10 + static_cast<uint64_t>(s[m] - '0');
      if (v > UINT32_MAX) return false;
    }
  }
  return k + 1 == n || s[k + 1] == ' ';
}

}  // namespace kj::file
