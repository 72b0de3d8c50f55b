// The text forms of config values that are more than a plain string: durations ("500ms",
// "1m30s"), sizes ("4MiB", "10MB"), HTTP URLs, "host:port" listen addresses. Parsers return
// the value or a reason that completes "<path>: <reason>"; formatters write the shortest
// form the parser reads back, so a printed effective config loads unchanged.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace kj::config {

// A value or the reason it is not one ("not a duration ..."); the caller adds the path.
template <class T>
using Parsed = std::variant<T, std::string>;

// Non-negative decimal integer without sign or unit.
Parsed<uint64_t> parse_uint(std::string_view text);

// One or more <integer><unit> parts, unit ms, s, m or h ("1m30s"); "0" alone is zero.
Parsed<std::chrono::milliseconds> parse_duration(std::string_view text);
std::string format_duration(std::chrono::milliseconds d);

// <integer>[unit]: B (or none), KB/MB/GB (powers of 1000), KiB/MiB/GiB (powers of 1024).
Parsed<uint64_t> parse_size(std::string_view text);
std::string format_size(uint64_t bytes);

// http:// or https:// with a host, optional port and path; no user info (credentials
// belong in files), no query or fragment. Returns the reason, empty when valid.
std::string check_http_url(std::string_view text);

// "host:port", "[v6addr]:port" or ":port"; empty means "off". Returns the reason, empty when
// valid.
std::string check_listen_address(std::string_view text);

}  // namespace kj::config
