// What an OTLP/HTTP collector says in a response body. The server answers in the request's
// encoding (opentelemetry-proto docs/specification.md, "OTLP/HTTP Response"): a 200 carries
// an ExportLogsServiceResponse, whose partial_success counts the records it rejected; a
// 4xx/5xx carries a google.rpc.Status with a message. Both come as binary protobuf
// (application/x-protobuf) or as OTLP/JSON (application/json), so both are read here: the
// JSON with nlohmann::json, the protobuf with a minimal wire reader for the two fields each
// message has (collector/logs/v1/logs_service.proto:
//   ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }
//   ExportLogsPartialSuccess  { int64 rejected_log_records = 1; string error_message = 2; }
// and google/rpc/status.proto: Status { int32 code = 1; string message = 2; ... }).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kj::exporters::otlp {

struct PartialSuccess {
  int64_t rejected_log_records = 0;
  std::string error_message;
};

// The partial_success of a 200's body. `content_type` picks the decoder; when it names
// neither encoding, a body starting with '{' is read as JSON and anything else as protobuf.
// An empty body, `{}` or an unset partial_success is a PartialSuccess of 0 and "";
// nullopt when the body cannot be decoded.
std::optional<PartialSuccess> parse_export_logs_response(std::string_view content_type,
                                                         std::string_view body);

// The message of an error body (google.rpc.Status); nullopt when there is none or the body
// cannot be decoded (then the raw body is the best description).
std::optional<std::string> parse_status_message(std::string_view content_type,
                                                std::string_view body);

}  // namespace kj::exporters::otlp
