// Exact RFC 3339 timestamps -> ns since the epoch, as CRI runtimes, dockerd and logrus write
// them (FORMATS.md §4.3, §5.1, §5.5). Hand-written because it runs once per log line: no libc,
// no locale, no time zone database (every accepted form carries its offset).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kj {

struct Rfc3339Options {
  // CRI-O's logrus TimestampFormat writes `2006-01-02 15:04:05.000000000Z07:00` (a blank
  // instead of `T`). CRI and Docker lines never do, so they keep the strict form.
  bool allow_blank_separator = false;
};

// Parses all of `text`: `YYYY-MM-DDThh:mm:ss[.f+](Z|±hh:mm)`. The fraction may have any number
// of digits (Go's RFC3339Nano parsing is as lenient); digits past the ninth are ignored, i.e.
// the time is truncated to the nanosecond. Upper-case `T`/`Z` only, as Go writes them.
// Rejected (nullopt): anything else before/after, calendar-invalid dates (Feb 30, Feb 29 of a
// common year), hour > 23, minute > 59, second > 59 (Go's parser refuses leap seconds too),
// offset hour > 23 or minute > 59, an empty fraction (`05.Z`), and instants outside the int64
// ns range (before 1677-09-21T00:12:43.145224192Z, after 2262-04-11T23:47:16.854775807Z).
std::optional<int64_t> parse_rfc3339_ns(std::string_view text, Rfc3339Options options = {});

}  // namespace kj
