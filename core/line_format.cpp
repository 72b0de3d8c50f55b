#include "core/line_format.h"

#include "core/logrus_level.h"

namespace kj {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool digits_at(std::string_view s, size_t at, size_t n) {
  if (s.size() < at + n) return false;
  for (size_t k = 0; k < n; ++k) {
    if (!is_digit(s[at + k])) return false;
  }
  return true;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// `Lmmdd hh:` (klog) or `Lyyyymmdd hh:` (C++ glog).
bool klog_shaped(std::string_view s) {
  if (s.empty() || s[0] < 'A' || s[0] > 'Z') return false;
  for (size_t digits : {size_t{4}, size_t{8}}) {
    if (digits_at(s, 1, digits) && s.size() > digits + 4 && s[digits + 1] == ' ' &&
        digits_at(s, digits + 2, 2) && s[digits + 4] == ':') {
      return true;
    }
  }
  return false;
}

// `YYYY-MM-DDT<rest of the time> stdout ` (or stderr): the shape only, parse_cri validates.
bool cri_shaped(std::string_view s) {
  if (!digits_at(s, 0, 4) || s.size() < 11 || s[4] != '-' || s[7] != '-' || s[10] != 'T') {
    return false;
  }
  const size_t blank = s.substr(0, 64).find(' ');
  if (blank == std::string_view::npos) return false;
  const std::string_view stream = s.substr(blank + 1, 7);
  return stream == "stdout " || stream == "stderr ";
}

struct JsonKeys {
  bool ts = false, log = false, stream = false, time = false, level = false, msg = false;
};

// Top-level member names of the object starting at s[0] == '{'. Strings are skipped with their
// escapes, nested objects and arrays by depth, so `"level"` inside a message or a nested
// object is not a key. Escaped key names are not decoded (no writer escapes these names).
JsonKeys top_level_keys(std::string_view s) {
  JsonKeys k;
  int depth = 0;
  bool expect_key = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      const size_t begin = i + 1;
      size_t end = begin;
      while (end < s.size() && s[end] != '"') end += s[end] == '\\' ? 2 : 1;
      if (end >= s.size()) return k;  // truncated inside a string
      if (depth == 1 && expect_key) {
        const std::string_view name = s.substr(begin, end - begin);
        if (name == "ts") {
          k.ts = true;
          return k;  // decides on its own
        }
        k.log |= name == "log";
        k.stream |= name == "stream";
        k.time |= name == "time";
        k.level |= name == "level";
        k.msg |= name == "msg";
        expect_key = false;
      }
      i = end;
    } else if (c == '{' || c == '[') {
      ++depth;
      expect_key = depth == 1 && c == '{';
    } else if (c == '}' || c == ']') {
      if (--depth <= 0) return k;
    } else if (c == ',' && depth == 1) {
      expect_key = true;
    }
  }
  return k;
}

LineFormat json_kind(std::string_view s) {
  // moby writes `log` first (`stream` when the line is empty) and component-base writes `ts`
  // first, so the common lines are decided without a scan.
  if (starts_with(s, "{\"log\":") || starts_with(s, "{\"stream\":")) return LineFormat::docker_json;
  if (starts_with(s, "{\"ts\":")) return LineFormat::klog_json;
  const JsonKeys k = top_level_keys(s);
  if (k.ts) return LineFormat::klog_json;
  if (!k.level && ((k.log && (k.stream || k.time)) || (k.stream && k.time && !k.msg))) {
    return LineFormat::docker_json;
  }
  if (k.level && (k.msg || k.time)) return LineFormat::logrus_json;
  if (k.msg && !k.level) return LineFormat::klog_json;
  return LineFormat::unknown;
}

}  // namespace

LineFormat detect_format(std::string_view line) {
  size_t first = 0;
  while (first < line.size() && (line[first] == ' ' || line[first] == '\t' || line[first] == '\n' ||
                                 line[first] == '\r')) {
    ++first;
  }
  const std::string_view s = line.substr(first);
  if (s.empty()) return LineFormat::unknown;
  const char c = s[0];
  if (c == '{') return json_kind(s);
  if (c >= 'A' && c <= 'Z') {
    if (klog_shaped(s) || starts_with(s, "ERROR: logging before flag.Parse: ")) {
      return LineFormat::klog;
    }
    return parse_logrus_tty_header(s) ? LineFormat::logrus : LineFormat::unknown;
  }
  if (starts_with(s, "time=") || starts_with(s, "level=")) return LineFormat::logrus;
  if (c == '\x1b') return parse_logrus_tty_header(s) ? LineFormat::logrus : LineFormat::unknown;
  if (is_digit(c) && cri_shaped(s)) return LineFormat::cri;
  return LineFormat::unknown;
}

}  // namespace kj
