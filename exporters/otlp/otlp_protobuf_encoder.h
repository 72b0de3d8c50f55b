// Records as a binary ExportLogsServiceRequest (POST /v1/logs, application/x-protobuf),
// written by hand with exporters/protobuf/protobuf_writer.h. The schema is small (six
// messages) and stable (OTLP logs are v1, with only additive changes allowed), so a
// hand-written encoder costs less than generated code would: no protoc at build time and
// no second in-memory copy of every record in generated message objects, the bytes go
// straight into the request body.
//
// Field numbers and wire types, from open-telemetry/opentelemetry-proto
// (opentelemetry/proto/collector/logs/v1/logs_service.proto, logs/v1/logs.proto,
// resource/v1/resource.proto and common/v1/common.proto, read in the upstream repository;
// InstrumentationScope, which replaced InstrumentationLibrary in common.proto v0.15, and
// ScopeLogs checked against code generated from upstream: the protoc-gen-elixir and prost
// outputs of the same files). BACKENDS.md §3.3 lists the same numbers.
//   ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
//   ResourceLogs   { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
//   Resource       { repeated KeyValue attributes = 1; }
//   ScopeLogs      { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; }
//   InstrumentationScope { string name = 1; string version = 2; }
//   LogRecord      { fixed64 time_unix_nano = 1; SeverityNumber severity_number = 2;
//                    string severity_text = 3; AnyValue body = 5;
//                    repeated KeyValue attributes = 6; fixed64 observed_time_unix_nano = 11; }
//   KeyValue       { string key = 1; AnyValue value = 2; }
//   AnyValue       { oneof { string string_value = 1; int64 int_value = 3; ... } }
// proto3 `string` fields must hold valid UTF-8 (parsers reject the message otherwise), so
// ill-formed bytes are replaced with U+FFFD exactly as the JSON encoding does.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/record.h"

namespace kj::exporters::otlp {

// Appends the whole request body for `records`; `now_ns` is the observed time of records
// that have none.
void append_logs_protobuf(std::string& out, std::span<const Record> records,
                          std::string_view scope_version, int64_t now_ns);

}  // namespace kj::exporters::otlp
