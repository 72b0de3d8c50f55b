#include "exporters/elasticsearch/elasticsearch_encoder.h"

#include <Poco/URI.h>

#include <algorithm>
#include <charconv>

#include "core/json_writer.h"
#include "core/record_id.h"
#include "core/severity.h"
#include "exporters/http/http_transport.h"

namespace kj::exporters {
namespace {

// errors: the fast path's verdict; per item only the status and why it failed.
constexpr std::string_view kBulkQuery =
    "/_bulk?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason";

// Bytes per item of a filtered answer: {"create":{"status":400,"error":{"type":"…",
// "reason":"…"}}}. Reasons quote a field name and a value preview, rarely past 300 bytes.
constexpr size_t kResponseBytesPerItem = 2048;
constexpr size_t kMaxResponseBudget = size_t{64} << 20;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// "pod_workers.go:1298" -> name and line; a caller without a numeric ":line" is all name.
struct Caller {
  std::string_view file;
  int64_t line = -1;
};

Caller split_caller(std::string_view caller) {
  const auto colon = caller.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == caller.size()) return {caller};
  int64_t line = 0;
  const char* begin = caller.data() + colon + 1;
  const char* end = caller.data() + caller.size();
  auto [p, ec] = std::from_chars(begin, end, line);
  if (ec != std::errc() || p != end || line < 0) return {caller};
  return {caller.substr(0, colon), line};
}

void sanitize_key(std::string& out, std::string_view key) {
  out.assign(key);
  std::replace(out.begin(), out.end(), '.', '_');
  if (std::all_of(out.begin(), out.end(), [](char c) { return c == ' ' || c == '\t'; }))
    out = "_";  // empty or blank: Elasticsearch refuses such field names
}

}  // namespace

std::string bulk_path(std::string_view pipeline) {
  std::string path(kBulkQuery);
  if (!pipeline.empty()) {
    std::string encoded;
    Poco::URI::encode(std::string(pipeline), "!#$&'()*+,/:;=?@[]", encoded);
    path += "&pipeline=" + encoded;
  }
  return path;
}

void EcsDocumentWriter::append_time(std::string& out, int64_t ns) {
  // Microseconds through the shared formatter, then the three nanosecond digits.
  const int64_t us = floor_div(ns, 1000);
  const auto sub = static_cast<int>(ns - us * 1000);
  char buf[kMaxRfc3339Bytes + 4];
  size_t n = time_format_.format(buf, us);
  --n;  // before the 'Z'
  buf[n++] = static_cast<char>('0' + sub / 100);
  buf[n++] = static_cast<char>('0' + sub / 10 % 10);
  buf[n++] = static_cast<char>('0' + sub % 10);
  buf[n++] = 'Z';
  out += '"';
  out.append(buf, n);
  out += '"';
}

void EcsDocumentWriter::append_attributes(std::string& out, const Record& r) {
  keys_.resize(r.attributes.size());
  bool first = true;
  for (size_t i = 0; i < r.attributes.size(); ++i) {
    sanitize_key(keys_[i], r.attributes[i].first);
    // Duplicate keys make Elasticsearch refuse the document: the first value wins.
    if (std::find(keys_.begin(), keys_.begin() + static_cast<std::ptrdiff_t>(i), keys_[i]) !=
        keys_.begin() + static_cast<std::ptrdiff_t>(i))
      continue;
    if (!first) out += ',';
    first = false;
    json::append_string(out, keys_[i]);
    out += ':';
    json::append_string(out, r.attributes[i].second);
  }
}

void EcsDocumentWriter::append(std::string& out, const Record& r) {
  out += "{\"@timestamp\":";
  append_time(out, r.time_ns);
  out += ",\"message\":";
  json::append_string(out, r.message);

  const auto syslog = severity_syslog(r.severity);
  const Caller caller = split_caller(r.caller);
  const bool file_record = !r.source.empty() && r.source != "journal";
  if (syslog || !r.caller.empty() || file_record) {
    out += ",\"log\":{";
    bool first = true;
    auto next = [&] {
      if (!first) out += ',';
      first = false;
    };
    if (syslog) {
      next();
      out += "\"level\":";
      json::append_string(out, severity_ecs(r.severity));
    }
    if (!r.caller.empty()) {
      next();
      out += "\"origin\":{\"file\":{\"name\":";
      json::append_string(out, caller.file);
      if (caller.line >= 0) {
        out += ",\"line\":";
        json::append_int(out, caller.line);
      }
      out += "}}";
    }
    if (file_record) {
      next();
      out += "\"file\":{\"path\":";
      json::append_string(out, r.source);
      out += '}';
    }
    if (syslog) {
      next();
      out += "\"syslog\":{\"severity\":{\"code\":";
      json::append_int(out, *syslog);
      out += "}}";
    }
    out += '}';
  }
  if (!r.node.empty()) {
    out += ",\"host\":{\"name\":";
    json::append_string(out, r.node);
    out += '}';
  }
  if (!r.component.empty()) {
    out += ",\"service\":{\"name\":";
    json::append_string(out, r.component);
    out += '}';
  }
  if (r.pid >= 0 || !r.identifier.empty()) {
    out += ",\"process\":{";
    if (r.pid >= 0) {
      out += "\"pid\":";
      json::append_int(out, r.pid);
    }
    if (!r.identifier.empty()) {
      if (r.pid >= 0) out += ',';
      out += "\"name\":";
      json::append_string(out, r.identifier);
    }
    out += '}';
  }
  if (!r.unit.empty()) {
    out += ",\"systemd\":{\"unit\":";
    json::append_string(out, r.unit);
    out += '}';
  }
  if (!r.position.cursor.empty() || r.observed_time_ns != 0) {
    out += ",\"event\":{";
    if (!r.position.cursor.empty()) {
      out += "\"id\":\"";
      append_record_id(out, r.position.cursor);
      out += '"';
    }
    if (r.observed_time_ns != 0) {
      if (!r.position.cursor.empty()) out += ',';
      out += "\"created\":";
      append_time(out, r.observed_time_ns);
    }
    out += '}';
  }
  if (!r.level_raw.empty() || !r.attributes.empty()) {
    out += ",\"kjournal\":{";
    if (!r.level_raw.empty()) {
      out += "\"level\":";
      json::append_string(out, r.level_raw);
    }
    if (!r.attributes.empty()) {
      if (!r.level_raw.empty()) out += ',';
      out += "\"attributes\":{";
      append_attributes(out, r);
      out += '}';
    }
    out += '}';
  }
  out += '}';
}

ElasticsearchEncoder::ElasticsearchEncoder(IndexPattern index, std::string pipeline,
                                           std::shared_ptr<BulkRequestShape> shape)
    : index_(std::move(index)), path_(bulk_path(pipeline)), shape_(std::move(shape)) {}

size_t ElasticsearchEncoder::response_budget(size_t actions) {
  return std::min(kMaxResponseBudget,
                  HttpTransport::kMaxResponseBody + actions * kResponseBytesPerItem);
}

EncodedRequest ElasticsearchEncoder::encode(std::span<const Record> records) {
  EncodedRequest request;
  request.path_and_query = path_;
  request.content_type = "application/x-ndjson";
  request.max_response_body = response_budget(records.size());
  request.body.reserve(records.size() * record_bytes_hint_);
  std::string& out = request.body;
  for (const auto& r : records) {
    out += "{\"create\":{\"_index\":";
    json::append_string(out, index_.name_for(r.time_ns));
    if (!r.position.cursor.empty()) {
      out += ",\"_id\":\"";
      append_record_id(out, r.position.cursor);
      out += '"';
    }
    out += "}}\n";
    writer_.append(out, r);
    out += '\n';
  }
  if (!records.empty()) record_bytes_hint_ = out.size() / records.size() + 64;
  if (shape_) shape_->actions = records.size();
  return request;
}

}  // namespace kj::exporters
