// HTTP Retry-After (RFC 9110 section 10.2.3): either delta-seconds or an HTTP-date.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// The delay the header asks for, relative to `now_unix_seconds` for an HTTP-date (a date in
// the past means 0). nullopt when the value is neither form.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           int64_t now_unix_seconds);

// The Retry-After of a response (header names are case-insensitive), 0 if absent or invalid.
std::chrono::milliseconds retry_after_of(const HttpResponse& response);

}  // namespace kj::exporters
