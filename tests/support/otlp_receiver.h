// Stands in for an OpenTelemetry collector's OTLP/HTTP logs receiver; checks every request
// against the OTLP/HTTP specification
// (https://github.com/open-telemetry/opentelemetry-proto/blob/main/docs/specification.md,
// "OTLP/HTTP" and "JSON Protobuf Encoding") and the message definitions in
// opentelemetry/proto/{collector/logs,logs,resource,common}/v1/*.proto: BACKENDS.md §3.1
// (POST /v1/logs, Content-Type, gzip), §3.2 (the JSON traps), §3.3 (field numbers and wire
// types, value kinds, severity range) and §3.4 (answers in the request's encoding).
//
// Every deviation is recorded as a violation, and tests assert there are none. The checks
// are stricter than the specification in one place, on purpose: 64-bit integers in JSON
// (timeUnixNano, observedTimeUnixNano, intValue) must be decimal strings, as the proto3 JSON
// mapping writes them. A receiver also accepts numbers, but a number above 2^53 loses
// precision in many JSON parsers, and nanosecond times are about 1.7e18 (BACKENDS.md §3.2).
//
// Binary protobuf requests are decoded by a schema-aware reader written here from the
// .proto files (independent of the exporter's encoder; only the wire-level
// exporters/protobuf/protobuf_reader.h is shared): unknown field numbers, wrong wire
// types, a singular field sent twice, strings that are not UTF-8 and truncated messages are
// violations. The decoded request is converted to the OTLP/JSON form, so the same semantic
// checks and the same record view serve both encodings.
//
// Answers are scripted per request (429 with Retry-After, 503, 400, a partial success) and
// written in the request's encoding: an ExportLogsServiceResponse for 200, a google.rpc.Status
// for errors. Without a script every request gets a plain 200.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/local_http_server.h"

namespace kjt {

// One log record as received, in the OTLP/JSON form (protobuf requests converted to it).
struct OtlpReceivedRecord {
  std::string encoding;  // "json" or "protobuf"
  size_t request = 0;    // index of the request that carried it
  int answered = 0;      // the status that request was answered with
  nlohmann::json resource_attributes = nlohmann::json::object();  // key -> AnyValue
  std::string scope_name;
  std::string scope_version;
  nlohmann::json record;  // the LogRecord object

  std::string body() const;  // body.stringValue, "" when absent
  // The AnyValue of an attribute; null when absent.
  nlohmann::json attribute(const std::string& key) const;
  // The stringValue of an attribute / resource attribute; "" when absent.
  std::string string_attribute(const std::string& key) const;
  std::string resource(const std::string& key) const;
};

// How the receiver answers one request.
struct OtlpAnswer {
  int status = 200;
  int64_t rejected = 0;     // 200: partial_success.rejected_log_records
  std::string message;      // 200: partial_success.error_message; else the Status message
  std::string retry_after;  // Retry-After header, when not empty

  static OtlpAnswer ok() { return {}; }
  static OtlpAnswer partial(int64_t rejected, std::string message) {
    return {200, rejected, std::move(message), {}};
  }
  static OtlpAnswer error(int status, std::string message = "", std::string retry_after = "") {
    return {status, 0, std::move(message), std::move(retry_after)};
  }
};

class OtlpReceiver {
 public:
  // `base_path` ("" or e.g. "/otlp") is the path the exporter's URL names; requests must go
  // to base_path + "/v1/logs".
  explicit OtlpReceiver(std::optional<LocalTls> tls = std::nullopt, std::string base_path = "");

  // Answers for the next requests, in order; once they are used up, 200.
  void script(std::vector<OtlpAnswer> answers);

  std::string url() const;  // the server's URL + base_path
  size_t request_count() const;
  std::vector<CapturedRequest> requests() const;
  std::vector<std::chrono::steady_clock::time_point> arrival_times() const;
  std::vector<int> statuses() const;  // the status each request was answered with

  // Every spec deviation seen so far, each naming the request and the JSON path.
  std::vector<std::string> violations() const;
  // Every log record of every request, in arrival order (rejected requests included).
  std::vector<OtlpReceivedRecord> records() const;

 private:
  CannedResponse handle(const CapturedRequest& request);

  std::string base_path_;
  mutable std::mutex mutex_;
  std::vector<OtlpAnswer> script_;
  size_t next_answer_ = 0;
  std::vector<std::chrono::steady_clock::time_point> arrivals_;
  std::vector<int> statuses_;
  std::vector<std::string> violations_;
  std::vector<OtlpReceivedRecord> records_;
  LocalHttpServer server_;  // last: its threads call handle() until it is destroyed
};

// The checks, usable on their own (for golden payloads and for testing the checks).
// Converts a binary ExportLogsServiceRequest into the OTLP/JSON form; appends schema
// deviations to `violations`.
nlohmann::json otlp_protobuf_to_json(std::string_view body, std::vector<std::string>& violations);
// Checks an ExportLogsServiceRequest in the OTLP/JSON form; appends deviations.
void check_otlp_logs_request(const nlohmann::json& request, std::vector<std::string>& violations);

}  // namespace kjt
