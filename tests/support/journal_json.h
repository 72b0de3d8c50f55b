// Reading what journalctl and kjournal print: NDJSON lines, journalctl's byte-array field
// encoding, the UTF-8 replacement rule, RFC 3339 times and the klog header shape. Written
// independently of kjournal's own code, so the tests do not share its bugs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kjt {

// One JSON value per non-empty line. Throws std::runtime_error naming the line number and
// showing the line's start when a line is not valid JSON.
std::vector<nlohmann::json> parse_json_lines(std::string_view text);

// A field of a `journalctl -o json` entry as bytes: journalctl writes a string for printable
// UTF-8 and an array of byte values otherwise; a repeated field becomes an array of those
// (the first value is returned). nullopt when absent or null (value too large).
std::optional<std::string> journal_field_bytes(const nlohmann::json& entry, std::string_view name);
// Same, for the numeric fields journalctl prints as decimal strings.
std::optional<uint64_t> journal_field_u64(const nlohmann::json& entry, std::string_view name);

// Unicode's recommended practice (Unicode 15, §3.9 "U+FFFD Substitution of Maximal
// Subparts"): each maximal subpart of an ill-formed sequence becomes one U+FFFD, all other
// bytes are kept. Python's bytes.decode("utf-8", "replace") does the same.
std::string utf8_replace_invalid(std::string_view bytes);
bool is_valid_utf8(std::string_view bytes);

// Strictly "YYYY-MM-DDTHH:MM:SS.ffffffZ" (six fraction digits, UTC) to µs since the epoch.
std::optional<int64_t> parse_rfc3339_utc_us(std::string_view text);
// µs since the epoch as "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, for --since/--until with TZ=UTC.
std::string utc_time_arg(uint64_t us);
// Same as "YYYY-MM-DDTHH:MM:SS" (whole seconds), for matching short-iso output.
std::string utc_iso_seconds(uint64_t us);

// Length of the klog/glog header ("E1127 22:50:00.123456    1234 file.go:12] ") at the start
// of `message`, checked field by field as FORMATS.md §1.6 describes; 0 when the message does
// not start with a valid header.
size_t klog_header_length(std::string_view message);

// kjournal's documented severity normalization, worked out independently from an entry's own
// fields: the klog letter (I W E F) of a klog header, else the `level=` of a logrus line
// (`time="..." level=error ...`), else PRIORITY (0-7), else no level at all. severity is the
// canonical name (notice folds into info, crit/alert into error, emerg into fatal), level the
// raw text ("E", "error", "6").
struct ExpectedLevel {
  std::optional<std::string> severity;
  std::optional<std::string> level;
};
ExpectedLevel expected_level(std::string_view message, const std::optional<std::string>& priority);

// Makes bytes printable for assertion messages (escapes control and non-ASCII bytes) and
// truncates long values.
std::string printable(std::string_view bytes, size_t max = 300);

}  // namespace kjt
