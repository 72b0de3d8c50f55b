// The klog / glog line header: `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`.
// Strict validation (month 01-12, day 01-31, hour 00-23, ...) matters: a header-shaped
// continuation line such as `E0000 12:00:01.000000 ...` must not start a new record.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/severity.h"

namespace kj {

struct KlogHeader {
  Severity severity = Severity::unknown;
  char letter = 0;  // I W E F
  int year = 0;     // only C++ glog's 8-digit date carries one; 0 when absent
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int microsecond = 0;
  int64_t thread_id = 0;     // klog writes the PID here
  std::string_view caller;   // "file.go:123" (a view into the input)
  size_t caller_offset = 0;  // where `caller` starts in the input
  uint32_t line = 0;
  size_t message_offset = 0;  // input bytes before the message ("] " included)
  size_t letter_offset = 0;   // where `letter` is: 0, or 34 after the flag.Parse prefix
};

// Parses the header at the start of `line` (the `ERROR: logging before flag.Parse: ` prefix
// of old glog is accepted and skipped). nullopt if `line` does not start with a valid header.
// The header is taken from the first physical line only (a `\n` ends the file:line search);
// a `]` that ends the input counts as `] ` plus an empty message. Never reads past line.size().
std::optional<KlogHeader> parse_klog_header(std::string_view line);

}  // namespace kj
