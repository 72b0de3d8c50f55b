// How a kjournal Record becomes an OTLP LogRecord: which records share a Resource, and which
// attributes a record carries. Both encoders (JSON and protobuf) read this one mapping, so
// the two encodings always say the same thing.
//
// Choices (BACKENDS.md §3.5, following Fluent Bit's journald_otel mapping but keeping process
// details on the record, where Loki turns them into structured metadata rather than labels):
//   Resource   service.name (the component; else the syslog identifier), host.name and
//              k8s.node.name (both the node). One ResourceLogs per (node, service) pair, so
//              service.name is right for every record and the resource stays low-cardinality.
//   Scope      name "kjournal", version: the agent's version.
//   LogRecord  time_unix_nano (event time), observed_time_unix_nano (when the source got it,
//              else when the batch was encoded: the field "SHOULD be set" by collectors),
//              severity_number/severity_text from core/severity.h, body = the message as a
//              string AnyValue, and the attributes below. Empty and unknown values are left out.
//   Attributes log.record.uid (core/record_id.h: the same id on every retry or replay, so a
//              backend can deduplicate), syslog.identifier, systemd.unit, process.pid (int),
//              code.file.path + code.line.number (int) from the klog caller (the current
//              semantic-convention names; code.filepath/code.lineno are their deprecated
//              predecessors), log.file.path for file records, then the klog/logrus key/values
//              as string attributes. Keys are unique (the spec requires it): a klog key equal
//              to an earlier key is left out.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/record_id.h"

namespace kj::exporters::otlp {

// OTLP/HTTP
// (https://github.com/open-telemetry/opentelemetry-proto/blob/main/docs/specification.md).
inline constexpr std::string_view kLogsPath = "/v1/logs";
inline constexpr std::string_view kJsonContentType = "application/json";
inline constexpr std::string_view kProtobufContentType = "application/x-protobuf";
inline constexpr std::string_view kScopeName = "kjournal";

// The records of one ResourceLogs, as indexes into the batch in batch order.
struct ResourceGroup {
  std::string_view node;
  std::string_view service;
  std::vector<size_t> records;
};

// service.name of a record: its component, else its identifier; empty when neither is known.
std::string_view service_name(const Record& r);

// Groups in order of first appearance; records keep their order within a group.
std::vector<ResourceGroup> group_by_resource(std::span<const Record> records);

struct Attribute {
  std::string_view key;
  std::string_view text;  // the value when !is_int
  int64_t number = 0;     // the value when is_int
  bool is_int = false;
};

// A record's attributes, rebuilt per record into reused storage (no allocation once warm).
// The views point into the record and into this object: valid until the next build().
class RecordAttributes {
 public:
  void build(const Record& r);
  std::span<const Attribute> items() const { return items_; }

 private:
  void add_text(std::string_view key, std::string_view value);
  void add_int(std::string_view key, int64_t value);
  bool has(std::string_view key) const;

  std::vector<Attribute> items_;
  char record_id_[kRecordIdBytes] = {};
};

// observed_time_unix_nano of a record, given the batch's encoding time.
inline int64_t observed_time_ns(const Record& r, int64_t encode_time_ns) {
  return r.observed_time_ns > 0 ? r.observed_time_ns : encode_time_ns;
}

}  // namespace kj::exporters::otlp
