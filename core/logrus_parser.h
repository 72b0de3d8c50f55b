// logrus / slog records as containerd, dockerd and CRI-O write them (FORMATS.md §4): the
// key=value text layout, the TTY layout and the JSON formatter.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/parsed_line.h"

namespace kj {

enum class LogrusLayout : uint8_t {
  key_value,  // time="..." level=info msg="..." k=v
  tty,        // INFO[0001] message   k=v (printColored, colour escapes stripped)
  json,       // {"level":"info","msg":"...","time":"..."}
};

// What ParsedLine has no member for. Optional: the two-argument parse_logrus drops it.
struct LogrusDetails {
  LogrusLayout layout = LogrusLayout::key_value;
  // The strict key=value parse failed (typically a pasted line whose inner quotes lost their
  // backslashes, corpus 139) and the tolerant fallback of §4.6 rule 3 produced the result:
  // message and fields are a best guess. Never set for the tty and json layouts. The fallback
  // keeps every byte somewhere: a quoted value whose closing quote is glued to more text ends
  // at the first later quote followed by well-formed pairs up to the end of the line (else by
  // ` key=`, else at the end of the line); invalid escapes stay verbatim; a token without `=`
  // joins the previous value, or the message when it follows time/level.
  bool degraded = false;
};

// Parses one logrus record (one physical line; one trailing "\n" or "\r\n" is ignored).
// Returns false, with `out` cleared (format unknown), when the line is not logrus:
//   key=value: the first key must be `time` or `level`, and `level` must be one of the first
//     kLogrusMaxLeadingKeys keys (the same rule as detect_logrus_level);
//   tty: a known level tag followed by `[...]` (parse_logrus_tty_header);
//   json: a JSON object (first non-blank byte `{`) with a string `level` (its last
//     occurrence) and a `msg` or `time` member; strings valid UTF-8, no raw NUL byte, no value
//     inside more than 64 containers. Parsed in one pass (core/json_scanner.h); nothing throws.
//     A repeated top-level key keeps its first position and its last value; non-string
//     members keep their compact input text (numbers as written).
//
// On success (format logrus, or logrus_json for the JSON layout):
//   severity/level_raw from `level` (logrus/zap/syslog names, slog levels like "INFO+2";
//     an unknown name gives Severity::unknown and keeps level_raw);
//   time_ns exactly from `time` in any RFC 3339 form of §4.3 (`T` or CRI-O's blank, any
//     fraction, Z or offset). A time that does not parse leaves time_ns empty and is kept as
//     the field "time", so nothing is lost; so is a repeated time/level/msg key;
//   message from `msg` (absent: empty); in the tty layout the unquoted text after `]`, with
//     logrus' %-44s padding trimmed;
//   fields: every other key in order of appearance, values as strings (Go-unquoted; bare
//     values verbatim; `key=` gives ""; clash names such as `fields.level` kept as keys). JSON
//     string members are decoded, other JSON members keep their (re-serialized) JSON text.
// tty layout: the bracketed time is parsed when it is a time; `[0001]` (seconds since the
// process started) gives no time_ns. Fields are the trailing `k=v` pairs, recognized where
// two blanks (padding + logrus' separator) precede pairs that are well-formed up to the end
// of the line; a ReportCaller prefix (`]file.go:12 pkg.func() msg`) goes to fields "file"
// and "func" like the key=value layout's ReportCaller keys.
//
// `out` is overwritten; its strings and the strings of its first fields keep their capacity,
// so reusing one ParsedLine across lines avoids allocating per line.
bool parse_logrus(std::string_view line, ParsedLine& out);
bool parse_logrus(std::string_view line, ParsedLine& out, LogrusDetails* details);

}  // namespace kj
