// What the format parsers extract from one log record (one physical line, or a multi-line
// klog record). Parsers are pure functions from bytes to a ParsedLine: no I/O, no clock, no
// allocation beyond the strings they fill, safe on any input (they are fuzzed).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/severity.h"

namespace kj {

enum class LineFormat : uint8_t {
  unknown,
  klog,         // klog / glog text, structured or not
  klog_json,    // component-base --logging-format=json
  logrus,       // logrus / slog text (containerd, dockerd, CRI-O)
  logrus_json,  // logrus JSON formatter
  cri,          // CRI container log line (wrapper)
  docker_json,  // Docker json-file line (wrapper)
};

// A klog header time: local wall-clock time of the writer, no year, no zone. The collector
// resolves it (year nearest the file's mtime, zone from configuration).
struct LocalStamp {
  int year = 0;  // 0: not in the line
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int64_t nanos = 0;
};

struct ParsedLine {
  LineFormat format = LineFormat::unknown;
  Severity severity = Severity::unknown;
  std::string level_raw;                 // "E", "error", "v=1"
  std::optional<int64_t> time_ns;        // absolute time, ns since the epoch (UTC)
  std::optional<LocalStamp> local_time;  // klog header time (needs year and zone)
  std::string message;
  std::string caller;            // "file.go:123" (klog header, klog-json "caller")
  int64_t thread_id = -1;        // klog header's thread id (the writer's PID)
  std::optional<int> verbosity;  // klog-json "v"
  bool structured = false;       // klog: "msg" key=value form
  // Structured key/values in order of appearance, values as text (JSON values keep their
  // JSON text). Repeated keys are kept; consumers take the last.
  std::vector<std::pair<std::string, std::string>> fields;
  // Not part of the result: field strings a record with fewer fields than the one before left
  // over, kept with their buffers for the next record with more (FieldSink). A decoder passes
  // `fields` on by swapping vectors, so without this every unstructured record in between
  // would free the strings and the next structured one allocate them again. clear() keeps it.
  std::vector<std::pair<std::string, std::string>> spare_fields;

  // klog_parser.cpp's reset_keeping_fields() repeats this for all but `fields`: keep the two
  // in step.
  void clear() {
    format = LineFormat::unknown;
    severity = Severity::unknown;
    level_raw.clear();
    time_ns.reset();
    local_time.reset();
    message.clear();
    caller.clear();
    thread_id = -1;
    verbosity.reset();
    structured = false;
    fields.clear();
  }
};

}  // namespace kj
