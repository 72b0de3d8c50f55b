// Level detection for logrus / slog text lines as containerd, dockerd and CRI-O write them
// (`time="..." level=error msg="..."`), and the TTY form (`ERRO[0001] ...`), plus the pieces
// of logrus' text syntax that the full parser (logrus_parser.h) shares with the detector.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "core/severity.h"

namespace kj {

struct LogrusLevel {
  Severity severity = Severity::unknown;
  std::string_view raw;  // the level text as written ("error", "WARN", "ERRO")
};

// Finds `level=<name>` among the first keys of a logfmt-style line whose first key is `time`
// or `level` (quoted level values accepted), or a leading TTY tag. nullopt otherwise:
// a message that merely contains "level=error" somewhere in free text does not count.
// Level values are logrus/zap/syslog names (severity_from_name) or slog levels with offsets
// ("INFO+2", severity_from_slog_level). A logfmt line whose level value is none of these
// still yields a result, with Severity::unknown and the raw text, since it is a logrus line.
std::optional<LogrusLevel> detect_logrus_level(std::string_view line);

// --- Shared syntax pieces -----------------------------------------------------------------

// logrus and slog write time and level as their first two keys. Two more are allowed for
// formatters that insert a key between them, but no more, so a long line without a level is
// not tokenized to its end for nothing.
inline constexpr int kLogrusMaxLeadingKeys = 4;

// Severity of a `level` value (logrus/zap/syslog name or slog level); unknown otherwise.
Severity logrus_level_severity(std::string_view value);

// Skips any number of SGR colour sequences (`ESC [ digits/semicolons m`) at `i`.
size_t skip_sgr(std::string_view s, size_t i);

struct LogfmtPair {
  std::string_view key;
  std::string_view value;  // without the quotes of a quoted value, escapes not decoded
  bool quoted = false;
};

// One logfmt pair at `i`: a key of bytes other than `=`, blank and `"`, then `=`, then a bare
// value up to the next blank or a double-quoted value with backslash escapes, followed by a
// blank or the end. Advances `i` past the value and the blanks after it. nullopt (i
// unspecified) if the text at `i` is not such a pair.
std::optional<LogfmtPair> next_logfmt_pair(std::string_view s, size_t& i);

// The start of a TTY-layout line: optional colour escapes, a level tag (TRAC DEBU INFO WARN
// ERRO FATA PANI, or the whole upper-case name with DisableLevelTruncation), optional colour
// escapes, then `[...]`.
struct LogrusTtyHeader {
  LogrusLevel level;
  std::string_view stamp;  // between the brackets: a time, or seconds since start ("0001")
  size_t end = 0;          // just past the `]`
};
std::optional<LogrusTtyHeader> parse_logrus_tty_header(std::string_view line);

}  // namespace kj
