#include "exporters/otlp/otlp_protobuf_encoder.h"

#include "core/json_writer.h"
#include "core/severity.h"
#include "exporters/otlp/otlp_log_model.h"
#include "exporters/protobuf/protobuf_writer.h"

namespace kj::exporters::otlp {
namespace {

// Field numbers (see the header for their source).
namespace request {
constexpr uint32_t kResourceLogs = 1;
}
namespace resource_logs {
constexpr uint32_t kResource = 1;
constexpr uint32_t kScopeLogs = 2;
}  // namespace resource_logs
namespace resource {
constexpr uint32_t kAttributes = 1;
}
namespace scope_logs {
constexpr uint32_t kScope = 1;
constexpr uint32_t kLogRecords = 2;
}  // namespace scope_logs
namespace scope {
constexpr uint32_t kName = 1;
constexpr uint32_t kVersion = 2;
}  // namespace scope
namespace log_record {
constexpr uint32_t kTimeUnixNano = 1;
constexpr uint32_t kSeverityNumber = 2;
constexpr uint32_t kSeverityText = 3;
constexpr uint32_t kBody = 5;
constexpr uint32_t kAttributes = 6;
constexpr uint32_t kObservedTimeUnixNano = 11;
}  // namespace log_record
namespace key_value {
constexpr uint32_t kKey = 1;
constexpr uint32_t kValue = 2;
}  // namespace key_value
namespace any_value {
constexpr uint32_t kStringValue = 1;
constexpr uint32_t kIntValue = 3;
}  // namespace any_value

class Encoder {
 public:
  explicit Encoder(std::string& out) : w_(out) {}

  void string_field(uint32_t field, std::string_view s) {
    if (json::is_valid_utf8(s)) return w_.bytes_field(field, s);
    scratch_.clear();
    json::append_valid_utf8(scratch_, s);
    w_.bytes_field(field, scratch_);
  }

  void string_attribute(uint32_t field, std::string_view key, std::string_view value) {
    w_.begin_message(field);
    string_field(key_value::kKey, key);
    w_.begin_message(key_value::kValue);
    string_field(any_value::kStringValue, value);
    w_.end_message();
    w_.end_message();
  }

  void attribute(uint32_t field, const Attribute& a) {
    if (!a.is_int) return string_attribute(field, a.key, a.text);
    w_.begin_message(field);
    string_field(key_value::kKey, a.key);
    w_.begin_message(key_value::kValue);
    // int64 is a varint of the two's-complement value (negative numbers take 10 bytes).
    w_.varint_field(any_value::kIntValue, static_cast<uint64_t>(a.number));
    w_.end_message();
    w_.end_message();
  }

  void log_record(const Record& r, int64_t now_ns) {
    w_.begin_message(scope_logs::kLogRecords);
    if (r.time_ns > 0)
      w_.fixed64_field(log_record::kTimeUnixNano, static_cast<uint64_t>(r.time_ns));
    if (const int number = severity_otel_number(r.severity); number != 0) {
      w_.varint_field(log_record::kSeverityNumber, static_cast<uint64_t>(number));
      string_field(log_record::kSeverityText, severity_otel_text(r.severity));
    }
    if (!r.message.empty()) {
      w_.begin_message(log_record::kBody);
      string_field(any_value::kStringValue, r.message);
      w_.end_message();
    }
    attributes_.build(r);
    for (const auto& a : attributes_.items()) attribute(log_record::kAttributes, a);
    w_.fixed64_field(log_record::kObservedTimeUnixNano,
                     static_cast<uint64_t>(observed_time_ns(r, now_ns)));
    w_.end_message();
  }

  void request(std::span<const Record> records, std::string_view scope_version, int64_t now_ns) {
    for (const auto& group : group_by_resource(records)) {
      w_.begin_message(request::kResourceLogs);
      if (!group.node.empty() || !group.service.empty()) {
        w_.begin_message(resource_logs::kResource);
        if (!group.service.empty())
          string_attribute(resource::kAttributes, "service.name", group.service);
        if (!group.node.empty()) {
          string_attribute(resource::kAttributes, "host.name", group.node);
          string_attribute(resource::kAttributes, "k8s.node.name", group.node);
        }
        w_.end_message();
      }
      w_.begin_message(resource_logs::kScopeLogs);
      w_.begin_message(scope_logs::kScope);
      string_field(scope::kName, kScopeName);
      if (!scope_version.empty()) string_field(scope::kVersion, scope_version);
      w_.end_message();
      for (size_t i : group.records) log_record(records[i], now_ns);
      w_.end_message();
      w_.end_message();
    }
  }

 private:
  protobuf::Writer w_;
  std::string scratch_;
  RecordAttributes attributes_;
};

}  // namespace

void append_logs_protobuf(std::string& out, std::span<const Record> records,
                          std::string_view scope_version, int64_t now_ns) {
  Encoder(out).request(records, scope_version, now_ns);
}

}  // namespace kj::exporters::otlp
