#include "exporters/loki/loki_json_encoder.h"

#include <algorithm>

#include "core/json_writer.h"

namespace kj::exporters {

EncodedRequest loki_push_request(const std::string& tenant) {
  EncodedRequest request;
  request.path_and_query = kLokiPushPath;
  if (!tenant.empty()) request.headers.emplace_back(kLokiTenantHeader, tenant);
  return request;
}

LokiJsonEncoder::LokiJsonEncoder(const std::vector<std::string>& labels, bool level_label,
                                 std::string tenant, bool structured_metadata)
    : grouper_(labels, level_label),
      formatter_(grouper_, structured_metadata),
      tenant_(std::move(tenant)) {}

EncodedRequest LokiJsonEncoder::encode(std::span<const Record> records) {
  EncodedRequest request = loki_push_request(tenant_);
  request.content_type = "application/json";
  std::string& out = request.body;
  out.reserve(records.size() * entry_bytes_hint_ + 64);
  out += "{\"streams\":[";
  bool first_stream = true;
  for (const LokiStream& stream : grouper_.group(records)) {
    out += first_stream ? "{\"stream\":{" : ",{\"stream\":{";
    first_stream = false;
    bool first = true;
    for (const auto& [name, value] : stream.labels) {
      if (!first) out += ',';
      first = false;
      json::append_string(out, name);
      out += ':';
      json::append_string(out, value);
    }
    out += "},\"values\":[";
    first = true;
    for (const Record* r : stream.entries) {
      formatter_.format(*r);
      out += first ? "[\"" : ",[\"";
      first = false;
      // Timestamps are strings: a JSON number is refused (400), and an int64 of ns does not
      // survive a float64 parser anyway.
      json::append_int(out, std::max<int64_t>(r->time_ns, 0));
      out += "\",";
      json::append_string(out, formatter_.line());
      if (!formatter_.metadata().empty()) {
        out += ",{";
        bool first_pair = true;
        for (const auto& [name, value] : formatter_.metadata()) {
          if (!first_pair) out += ',';
          first_pair = false;
          json::append_string(out, name);
          out += ':';
          json::append_string(out, value);
        }
        out += '}';
      }
      out += ']';
    }
    out += "]}";
  }
  out += "]}";
  if (!records.empty()) entry_bytes_hint_ = out.size() / records.size() + 64;
  return request;
}

}  // namespace kj::exporters
