#include "exporters/clickhouse/clickhouse_encoder.h"

#include <Poco/URI.h>

#include "core/json_writer.h"
#include "core/record_id.h"
#include "core/severity.h"

namespace kj::exporters {
namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;

// DateTime is unsigned seconds: times before the epoch (a zero time from a source that had
// none) are written as 0.
void append_seconds_and_nanos(std::string& out, int64_t ns, bool with_nanos) {
  if (ns < 0) ns = 0;
  json::append_int(out, ns / kNsPerSecond);
  if (with_nanos) {
    out += ",\"ts_nsec\":";
    json::append_int(out, ns % kNsPerSecond);
  }
}

void append_key(std::string& out, std::string_view key) {
  out += ",\"";
  out += key;
  out += "\":";
}

std::string_view transport_of(const Record& r) {
  for (const auto& [name, value] : r.journal_fields)
    if (name == "_TRANSPORT") return value;
  return {};
}

}  // namespace

std::string_view boot_id_of_cursor(std::string_view cursor) {
  size_t pos = 0;
  while (pos < cursor.size()) {
    size_t end = cursor.find(';', pos);
    if (end == std::string_view::npos) end = cursor.size();
    const auto item = cursor.substr(pos, end - pos);
    if (item.starts_with("b=")) return item.substr(2);
    pos = end + 1;
  }
  return {};
}

void append_clickhouse_row(std::string& out, const Record& r, std::string_view cluster) {
  out += "{\"ts\":";
  append_seconds_and_nanos(out, r.time_ns, true);
  append_key(out, "observed_ts");
  append_seconds_and_nanos(out, r.observed_time_ns != 0 ? r.observed_time_ns : r.time_ns, false);
  append_key(out, "cluster");
  json::append_string(out, cluster);
  append_key(out, "host");
  json::append_string(out, r.node);
  append_key(out, "unit");
  json::append_string(out, r.unit);
  append_key(out, "ident");
  json::append_string(out, r.identifier);
  append_key(out, "component");
  json::append_string(out, r.component);
  append_key(out, "transport");
  json::append_string(out, transport_of(r));
  append_key(out, "pid");
  json::append_int(out, r.pid >= 0 && r.pid <= 0xFFFFFFFF ? r.pid : 0);
  append_key(out, "priority");
  json::append_int(out, severity_syslog(r.severity).value_or(255));
  append_key(out, "severity");
  json::append_string(out, severity_name(r.severity));
  append_key(out, "level");
  json::append_string(out, r.level_raw);
  append_key(out, "message");
  json::append_string(out, r.message);
  append_key(out, "caller");
  json::append_string(out, r.caller);
  append_key(out, "boot_id");
  json::append_string(out, r.source == "journal" ? boot_id_of_cursor(r.position.cursor) : "");
  append_key(out, "cursor");
  json::append_string(out, r.position.cursor);
  append_key(out, "record_uid");
  out += '"';
  if (!r.position.cursor.empty()) append_record_id(out, r.position.cursor);
  out += '"';
  append_key(out, "source");
  json::append_string(out, r.source);
  append_key(out, "attr_keys");
  out += '[';
  for (size_t i = 0; i < r.attributes.size(); ++i) {
    if (i) out += ',';
    json::append_string(out, r.attributes[i].first);
  }
  out += ']';
  append_key(out, "attr_values");
  out += '[';
  for (size_t i = 0; i < r.attributes.size(); ++i) {
    if (i) out += ',';
    json::append_string(out, r.attributes[i].second);
  }
  out += "]}";
}

ClickHouseEncoder::ClickHouseEncoder(ClickHouseTable table, std::string cluster)
    : path_(insert_path(table)), cluster_(std::move(cluster)) {}

std::string ClickHouseEncoder::insert_path(const ClickHouseTable& table) {
  std::string query = "INSERT INTO " + table.qualified() + " FORMAT JSONEachRow";
  std::string encoded;
  Poco::URI::encode(query, "!#$&'()*+,/:;=?@[]", encoded);
  return "/?query=" + encoded;
}

EncodedRequest ClickHouseEncoder::encode(std::span<const Record> records) {
  EncodedRequest request;
  request.path_and_query = path_;
  request.content_type = "application/x-ndjson";
  request.body.reserve(records.size() * row_bytes_hint_);
  for (const auto& r : records) {
    append_clickhouse_row(request.body, r, cluster_);
    request.body += '\n';
  }
  if (!records.empty()) row_bytes_hint_ = request.body.size() / records.size() + 64;
  return request;
}

}  // namespace kj::exporters
