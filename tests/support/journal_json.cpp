#include "tests/support/journal_json.h"

#include <ctime>
#include <stdexcept>

namespace kjt {

std::vector<nlohmann::json> parse_json_lines(std::string_view text) {
  std::vector<nlohmann::json> out;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty()) continue;
    try {
      out.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error("line " + std::to_string(line_no) + " is not JSON (" + e.what() +
                               "): " + printable(line, 400));
    }
  }
  return out;
}

namespace {

std::optional<std::string> bytes_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    if (v.empty()) return std::string();
    if (v.front().is_number_unsigned() || v.front().is_number_integer()) {
      std::string s;
      for (const auto& b : v) s.push_back(static_cast<char>(b.get<int>()));
      return s;
    }
    return bytes_of(v.front());  // a repeated field: [value, value, ...]
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> journal_field_bytes(const nlohmann::json& entry, std::string_view name) {
  auto it = entry.find(std::string(name));
  if (it == entry.end()) return std::nullopt;
  return bytes_of(*it);
}

std::optional<uint64_t> journal_field_u64(const nlohmann::json& entry, std::string_view name) {
  auto s = journal_field_bytes(entry, name);
  if (!s || s->empty()) return std::nullopt;
  for (char c : *s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return std::stoull(*s);
}

namespace {

// For a lead byte: the sequence length and the allowed range of the second byte (Unicode
// Table 3-7, well-formed UTF-8 byte sequences). Length 0: never valid as a lead byte.
struct Lead {
  int length;
  unsigned char lo, hi;
};

Lead lead_of(unsigned char c) {
  if (c >= 0xc2 && c <= 0xdf) return {2, 0x80, 0xbf};
  if (c == 0xe0) return {3, 0xa0, 0xbf};
  if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) return {3, 0x80, 0xbf};
  if (c == 0xed) return {3, 0x80, 0x9f};  // excludes the surrogates
  if (c == 0xf0) return {4, 0x90, 0xbf};
  if (c >= 0xf1 && c <= 0xf3) return {4, 0x80, 0xbf};
  if (c == 0xf4) return {4, 0x80, 0x8f};  // up to U+10FFFF
  return {0, 0, 0};
}

// Returns the length of the well-formed sequence at s[i], or -(maximal subpart length).
int sequence_at(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  Lead lead = lead_of(c);
  if (lead.length == 0) return -1;
  size_t j = i + 1;
  for (int k = 1; k < lead.length; ++k, ++j) {
    if (j >= s.size()) return -static_cast<int>(j - i);
    unsigned char b = static_cast<unsigned char>(s[j]);
    unsigned char lo = k == 1 ? lead.lo : 0x80;
    unsigned char hi = k == 1 ? lead.hi : 0xbf;
    if (b < lo || b > hi) return -static_cast<int>(j - i);
  }
  return lead.length;
}

}  // namespace

std::string utf8_replace_invalid(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    int n = sequence_at(bytes, i);
    if (n > 0) {
      out.append(bytes.substr(i, static_cast<size_t>(n)));
      i += static_cast<size_t>(n);
    } else {
      out += "\xef\xbf\xbd";
      i += static_cast<size_t>(-n);
    }
  }
  return out;
}

bool is_valid_utf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    int n = sequence_at(bytes, i);
    if (n < 0) return false;
    i += static_cast<size_t>(n);
  }
  return true;
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool digits(std::string_view s, size_t pos, size_t n, int* value) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *value = v;
  return true;
}

}  // namespace

std::optional<int64_t> parse_rfc3339_utc_us(std::string_view t) {
  // 2026-11-27T22:50:00.123456Z
  if (t.size() != 27 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
      t[16] != ':' || t[19] != '.' || t[26] != 'Z') {
    return std::nullopt;
  }
  int year, mon, day, hour, min, sec, usec;
  if (!digits(t, 0, 4, &year) || !digits(t, 5, 2, &mon) || !digits(t, 8, 2, &day) ||
      !digits(t, 11, 2, &hour) || !digits(t, 14, 2, &min) || !digits(t, 17, 2, &sec) ||
      !digits(t, 20, 6, &usec)) {
    return std::nullopt;
  }
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
    return std::nullopt;
  }
  int64_t days = days_from_civil(year, mon, day);
  return ((days * 86400 + hour * 3600 + min * 60 + sec) * 1'000'000) + usec;
}

std::string utc_time_arg(uint64_t us) {
  time_t secs = static_cast<time_t>(us / 1'000'000);
  struct tm tm {};
  ::gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06llu", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned long long>(us % 1'000'000));
  return buf;
}

std::string utc_iso_seconds(uint64_t us) {
  time_t secs = static_cast<time_t>(us / 1'000'000);
  struct tm tm {};
  ::gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

namespace {
// Old glog/klog v1 wrote this before flag.Parse(); the real header follows it.
constexpr std::string_view kGlogPrefix = "ERROR: logging before flag.Parse: ";
}  // namespace

size_t klog_header_length(std::string_view m) {
  size_t p = 0;
  if (m.starts_with(kGlogPrefix)) p = kGlogPrefix.size();
  auto at = [&](size_t i) { return i < m.size() ? m[i] : '\0'; };
  char sev = at(p);
  if (sev != 'I' && sev != 'W' && sev != 'E' && sev != 'F') return 0;
  int mon, day, hour, min, sec, usec;
  if (!digits(m, p + 1, 2, &mon) || !digits(m, p + 3, 2, &day) || at(p + 5) != ' ' ||
      !digits(m, p + 6, 2, &hour) || at(p + 8) != ':' || !digits(m, p + 9, 2, &min) ||
      at(p + 11) != ':' || !digits(m, p + 12, 2, &sec) || at(p + 14) != '.' ||
      !digits(m, p + 15, 6, &usec) || at(p + 21) != ' ') {
    return 0;
  }
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59) return 0;
  size_t i = p + 21;
  while (at(i) == ' ') ++i;  // the PID is right-aligned in a padded column
  size_t pid_start = i;
  while (at(i) >= '0' && at(i) <= '9') ++i;
  if (i == pid_start || at(i) != ' ') return 0;
  ++i;
  // file:line] -- the file ends at the first ":<digits>] " (file names hold no blank or ']').
  size_t file_start = i;
  for (; i < m.size(); ++i) {
    char c = m[i];
    if (c == ' ' || c == ']' || c == '\n') return 0;
    if (c != ':' || i == file_start) continue;
    size_t j = i + 1;
    while (at(j) >= '0' && at(j) <= '9') ++j;
    if (j > i + 1 && at(j) == ']' && at(j + 1) == ' ') return j + 2;
  }
  return 0;
}

ExpectedLevel expected_level(std::string_view message, const std::optional<std::string>& priority) {
  if (klog_header_length(message) > 0) {
    char letter = message[message.starts_with(kGlogPrefix) ? kGlogPrefix.size() : 0];
    const char* name = letter == 'I'   ? "info"
                       : letter == 'W' ? "warning"
                       : letter == 'E' ? "error"
                                       : "fatal";
    return {name, std::string(1, letter)};
  }
  // logrus text: time="..." level=<word> ...
  if (message.starts_with("time=\"")) {
    size_t close = message.find('"', 6);
    if (close != std::string_view::npos && message.substr(close + 1).starts_with(" level=")) {
      size_t start = close + 8;
      size_t end = start;
      while (end < message.size() && message[end] >= 'a' && message[end] <= 'z') ++end;
      std::string word(message.substr(start, end - start));
      if (end > start && (end == message.size() || message[end] == ' ')) {
        return {word == "warn" ? "warning" : word, word};
      }
    }
  }
  if (priority && priority->size() == 1 && (*priority)[0] >= '0' && (*priority)[0] <= '7') {
    static const char* names[] = {"fatal",   "error", "error", "error",
                                  "warning", "info",  "info",  "debug"};
    return {names[(*priority)[0] - '0'], *priority};
  }
  return {};
}

std::string printable(std::string_view bytes, size_t max) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && out.size() < max; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (out.size() >= max) out += "...[" + std::to_string(bytes.size()) + " bytes]";
  return out;
}

}  // namespace kjt
