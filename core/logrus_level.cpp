#include "core/logrus_level.h"

#include <array>
#include <cstring>

namespace kj {
namespace {

// logrus and slog write time and level as their first two keys. Two more are allowed for
// formatters that insert a key between them, but no more, so a long line without a level is
// not tokenized to its end for nothing.
constexpr int kMaxLeadingKeys = 4;

// Skips any number of SGR colour sequences (`ESC [ digits/semicolons m`) at `i`.
size_t skip_sgr(std::string_view s, size_t i) {
  while (i + 1 < s.size() && s[i] == '\x1b' && s[i + 1] == '[') {
    size_t j = i + 2;
    while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';')) ++j;
    if (j >= s.size() || s[j] != 'm') return i;
    i = j + 1;
  }
  return i;
}

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

// `LEVL[...]`, optionally wrapped in colour escapes as printColored writes it:
// `ESC[31mERRO ESC[0m[0001] msg`.
std::optional<LogrusLevel> detect_tty(std::string_view line) {
  const size_t begin = skip_sgr(line, 0);
  size_t end = begin;
  while (end < line.size() && end - begin < 8 && line[end] >= 'A' && line[end] <= 'Z') ++end;
  const std::string_view tag = line.substr(begin, end - begin);
  const size_t bracket = skip_sgr(line, end);
  if (bracket >= line.size() || line[bracket] != '[') return std::nullopt;
  if (std::memchr(line.data() + bracket + 1, ']', line.size() - bracket - 1) == nullptr) {
    return std::nullopt;
  }
  for (const auto& t : kTtyTags) {
    if (tag == t.tag) return LogrusLevel{t.severity, tag};
  }
  return std::nullopt;
}

struct Pair {
  std::string_view key;
  std::string_view value;  // without the quotes of a quoted value
};

// One logfmt pair at `i`: a key of non-blank bytes, `=`, then a bare value up to the next
// blank or a double-quoted value with backslash escapes. Advances `i` past the value and the
// blanks after it. nullopt if the text at `i` is not a pair; the quoted value is not
// unescaped, which level names never need.
std::optional<Pair> next_pair(std::string_view s, size_t& i) {
  const size_t key_begin = i;
  while (i < s.size() && s[i] != '=' && s[i] != ' ' && s[i] != '"') ++i;
  if (i == key_begin || i >= s.size() || s[i] != '=') return std::nullopt;
  Pair p{s.substr(key_begin, i - key_begin), {}};
  ++i;
  if (i < s.size() && s[i] == '"') {
    const size_t value_begin = ++i;
    while (i < s.size() && s[i] != '"') i += (s[i] == '\\') ? 2 : 1;
    if (i >= s.size()) return std::nullopt;  // unterminated (or ends in a lone backslash)
    p.value = s.substr(value_begin, i - value_begin);
    ++i;
    if (i < s.size() && s[i] != ' ') return std::nullopt;
  } else {
    const size_t value_begin = i;
    while (i < s.size() && s[i] != ' ') ++i;
    p.value = s.substr(value_begin, i - value_begin);
  }
  while (i < s.size() && s[i] == ' ') ++i;
  return p;
}

std::optional<LogrusLevel> detect_logfmt(std::string_view line) {
  size_t i = 0;
  for (int n = 0; n < kMaxLeadingKeys && i < line.size(); ++n) {
    const auto pair = next_pair(line, i);
    if (!pair) return std::nullopt;
    if (n == 0 && pair->key != "time" && pair->key != "level") return std::nullopt;
    if (pair->key != "level") continue;
    if (auto sev = severity_from_name(pair->value)) return LogrusLevel{*sev, pair->value};
    if (auto sev = severity_from_slog_level(pair->value)) return LogrusLevel{*sev, pair->value};
    // The line is logrus-shaped even if the level is one we do not know.
    return LogrusLevel{Severity::unknown, pair->value};
  }
  return std::nullopt;
}

}  // namespace

std::optional<LogrusLevel> detect_logrus_level(std::string_view line) {
  if (line.empty()) return std::nullopt;
  // The first byte picks the form: logfmt lines start with a lowercase key, TTY lines with an
  // upper-case tag or a colour escape.
  if (line[0] == 't' || line[0] == 'l') return detect_logfmt(line);
  return detect_tty(line);
}

}  // namespace kj
