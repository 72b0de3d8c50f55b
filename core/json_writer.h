// Appends JSON text to a byte buffer without building a document: the CLI's -o json and the
// NDJSON exporters write one object per record on the hot path, so allocation-free escaping
// matters more than convenience. Parsing JSON (config, tests) uses nlohmann::json instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kj::json {

// Appends `s` as a JSON string literal including the quotes. Bytes that are not valid UTF-8
// are replaced by U+FFFD, one replacement per maximal invalid subsequence (Unicode's
// recommended practice, also what Python's errors="replace" does), so binary journal fields
// never produce invalid JSON. Control characters use \n \t \r \b \f or \u00XX.
void append_string(std::string& out, std::string_view s);

// The same without the surrounding quotes.
void append_escaped(std::string& out, std::string_view s);

// Appends s with invalid UTF-8 replaced as above but nothing escaped (terminal output).
void append_valid_utf8(std::string& out, std::string_view s);

// True if `s` is entirely valid UTF-8.
bool is_valid_utf8(std::string_view s);

void append_int(std::string& out, int64_t v);

// For writers that reserve room once per object and then write through a pointer (the -o json
// hot path): the most bytes write_escaped can produce for `n` input bytes (a control byte
// becomes `\u00XX`), and the writer itself, which produces what append_escaped appends and
// returns the end of what it wrote. `p` must have room for max_escaped_size(s.size()) bytes.
constexpr size_t max_escaped_size(size_t n) {
  return 6 * n;
}
char* write_escaped(char* p, std::string_view s);

}  // namespace kj::json
