// Records as an ExportLogsServiceRequest in the OTLP/JSON encoding (POST /v1/logs,
// application/json), written straight into the request body with core/json_writer.h.
// The encoding's traps (opentelemetry-proto docs/specification.md, "JSON Protobuf Encoding";
// BACKENDS.md §3.2): keys are the lowerCamelCase field names; 64-bit integers
// (timeUnixNano, observedTimeUnixNano, intValue) are decimal strings, because a JSON number
// loses precision above 2^53 and nanosecond times are about 1.7e18; enums (severityNumber)
// are numbers, never names; empty and default fields are left out. Strings that are not
// valid UTF-8 get U+FFFD for each ill-formed sequence (json::append_string).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/record.h"
#include "exporters/otlp/otlp_log_model.h"

namespace kj::exporters::otlp {

// Appends the whole request body for `records`; `now_ns` is the observed time of records
// that have none.
void append_logs_json(std::string& out, std::span<const Record> records,
                      std::string_view scope_version, int64_t now_ns);

}  // namespace kj::exporters::otlp
