#include "exporters/otlp/otlp_json_encoder.h"

#include <chrono>

#include "core/json_writer.h"
#include "core/severity.h"

namespace kj::exporters::otlp {
namespace {

void append_int_string(std::string& out, int64_t v) {
  out.push_back('"');
  json::append_int(out, v);
  out.push_back('"');
}

void append_string_attribute(std::string& out, std::string_view key, std::string_view value) {
  out.append("{\"key\":");
  json::append_string(out, key);
  out.append(",\"value\":{\"stringValue\":");
  json::append_string(out, value);
  out.append("}}");
}

void append_attribute(std::string& out, const Attribute& a) {
  if (!a.is_int) return append_string_attribute(out, a.key, a.text);
  out.append("{\"key\":");
  json::append_string(out, a.key);
  out.append(",\"value\":{\"intValue\":");
  append_int_string(out, a.number);
  out.append("}}");
}

void append_resource(std::string& out, const ResourceGroup& g) {
  out.append("\"resource\":{\"attributes\":[");
  bool first = true;
  auto add = [&](std::string_view key, std::string_view value) {
    if (value.empty()) return;
    if (!first) out.push_back(',');
    first = false;
    append_string_attribute(out, key, value);
  };
  add("service.name", g.service);
  add("host.name", g.node);
  add("k8s.node.name", g.node);
  out.append("]},");
}

void append_log_record(std::string& out, const Record& r, int64_t now_ns,
                       RecordAttributes& attributes) {
  out.push_back('{');
  // Every member after the first starts with a comma; observedTimeUnixNano is always there.
  if (r.time_ns > 0) {
    out.append("\"timeUnixNano\":");
    append_int_string(out, r.time_ns);
    out.push_back(',');
  }
  out.append("\"observedTimeUnixNano\":");
  append_int_string(out, observed_time_ns(r, now_ns));
  if (const int number = severity_otel_number(r.severity); number != 0) {
    out.append(",\"severityNumber\":");
    json::append_int(out, number);
    out.append(",\"severityText\":");
    json::append_string(out, severity_otel_text(r.severity));
  }
  if (!r.message.empty()) {
    out.append(",\"body\":{\"stringValue\":");
    json::append_string(out, r.message);
    out.push_back('}');
  }
  attributes.build(r);
  if (!attributes.items().empty()) {
    out.append(",\"attributes\":[");
    bool first = true;
    for (const auto& a : attributes.items()) {
      if (!first) out.push_back(',');
      first = false;
      append_attribute(out, a);
    }
    out.push_back(']');
  }
  out.push_back('}');
}

}  // namespace

void append_logs_json(std::string& out, std::span<const Record> records,
                      std::string_view scope_version, int64_t now_ns) {
  RecordAttributes attributes;
  out.append("{\"resourceLogs\":[");
  bool first_group = true;
  for (const auto& group : group_by_resource(records)) {
    if (!first_group) out.push_back(',');
    first_group = false;
    out.push_back('{');
    if (!group.node.empty() || !group.service.empty()) append_resource(out, group);
    out.append("\"scopeLogs\":[{\"scope\":{\"name\":");
    json::append_string(out, kScopeName);
    if (!scope_version.empty()) {
      out.append(",\"version\":");
      json::append_string(out, scope_version);
    }
    out.append("},\"logRecords\":[");
    bool first = true;
    for (size_t i : group.records) {
      if (!first) out.push_back(',');
      first = false;
      append_log_record(out, records[i], now_ns, attributes);
    }
    out.append("]}]}");
  }
  out.append("]}");
}

}  // namespace kj::exporters::otlp
