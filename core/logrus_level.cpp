#include "core/logrus_level.h"

#include <algorithm>
#include <array>

namespace kj {
namespace {

struct TtyTag {
  std::string_view tag;
  Severity severity;
};

// logrus prints `strings.ToUpper(level.String())[0:4]`; the full names appear with
// DisableLevelTruncation.
constexpr std::array<TtyTag, 13> kTtyTags = {{
    {"TRAC", Severity::trace},
    {"DEBU", Severity::debug},
    {"INFO", Severity::info},
    {"WARN", Severity::warning},
    {"ERRO", Severity::error},
    {"FATA", Severity::fatal},
    {"PANI", Severity::panic},
    {"TRACE", Severity::trace},
    {"DEBUG", Severity::debug},
    {"WARNING", Severity::warning},
    {"ERROR", Severity::error},
    {"FATAL", Severity::fatal},
    {"PANIC", Severity::panic},
}};

std::optional<LogrusLevel> detect_logfmt(std::string_view line) {
  size_t i = 0;
  for (int n = 0; n < kLogrusMaxLeadingKeys && i < line.size(); ++n) {
    const auto pair = next_logfmt_pair(line, i);
    if (!pair) return std::nullopt;
    if (n == 0 && pair->key != "time" && pair->key != "level") return std::nullopt;
    if (pair->key != "level") continue;
    // The line is logrus-shaped even if the level is one we do not know.
    return LogrusLevel{logrus_level_severity(pair->value), pair->value};
  }
  return std::nullopt;
}

}  // namespace

Severity logrus_level_severity(std::string_view value) {
  if (auto sev = severity_from_name(value)) return *sev;
  if (auto sev = severity_from_slog_level(value)) return *sev;
  return Severity::unknown;
}

size_t skip_sgr(std::string_view s, size_t i) {
  while (i + 1 < s.size() && s[i] == '\x1b' && s[i + 1] == '[') {
    size_t j = i + 2;
    while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';')) ++j;
    if (j >= s.size() || s[j] != 'm') return i;
    i = j + 1;
  }
  return i;
}

std::optional<LogfmtPair> next_logfmt_pair(std::string_view s, size_t& i) {
  // One table test per key byte instead of three compares: keys are a good part of a line.
  static constexpr auto kEndsKey = [] {
    std::array<bool, 256> t{};
    t['='] = t[' '] = t['"'] = true;
    return t;
  }();
  const size_t key_begin = i;
  while (i < s.size() && !kEndsKey[static_cast<unsigned char>(s[i])]) ++i;
  if (i == key_begin || i >= s.size() || s[i] != '=') return std::nullopt;
  LogfmtPair p{s.substr(key_begin, i - key_begin), {}, false};
  ++i;
  if (i < s.size() && s[i] == '"') {
    const size_t value_begin = ++i;
    // The closing quote is the first one preceded by an even run of backslashes; find() is a
    // memchr, which keeps long quoted messages at memory speed.
    for (;;) {
      const size_t at = s.find('"', i);
      if (at == std::string_view::npos) return std::nullopt;  // unterminated, or a lone `\`
      size_t backslashes = 0;
      while (at - backslashes > value_begin && s[at - backslashes - 1] == '\\') ++backslashes;
      i = at + 1;
      if (backslashes % 2 == 0) break;
    }
    p.value = s.substr(value_begin, i - 1 - value_begin);
    p.quoted = true;
    if (i < s.size() && s[i] != ' ') return std::nullopt;
  } else {
    const size_t value_begin = i;
    i = std::min(s.find(' ', i), s.size());
    p.value = s.substr(value_begin, i - value_begin);
  }
  while (i < s.size() && s[i] == ' ') ++i;
  return p;
}

// `LEVL[...]`, optionally wrapped in colour escapes as printColored writes it:
// `ESC[31mERRO ESC[0m[0001] msg`.
std::optional<LogrusTtyHeader> parse_logrus_tty_header(std::string_view line) {
  const size_t begin = skip_sgr(line, 0);
  size_t end = begin;
  while (end < line.size() && end - begin < 8 && line[end] >= 'A' && line[end] <= 'Z') ++end;
  const std::string_view tag = line.substr(begin, end - begin);
  const size_t bracket = skip_sgr(line, end);
  if (bracket >= line.size() || line[bracket] != '[') return std::nullopt;
  const size_t close_at = line.find(']', bracket + 1);
  if (close_at == std::string_view::npos) return std::nullopt;
  for (const auto& t : kTtyTags) {
    if (tag == t.tag) {
      return LogrusTtyHeader{LogrusLevel{t.severity, tag},
                             line.substr(bracket + 1, close_at - bracket - 1), close_at + 1};
    }
  }
  return std::nullopt;
}

std::optional<LogrusLevel> detect_logrus_level(std::string_view line) {
  if (line.empty()) return std::nullopt;
  // The first byte picks the form: logfmt lines start with a lowercase key, TTY lines with an
  // upper-case tag or a colour escape.
  if (line[0] == 't' || line[0] == 'l') return detect_logfmt(line);
  if (auto h = parse_logrus_tty_header(line)) return h->level;
  return std::nullopt;
}

}  // namespace kj
