#include "exporters/otlp/otlp_response.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "exporters/protobuf/protobuf_reader.h"

namespace kj::exporters::otlp {
namespace {

enum class Format { json, protobuf };

Format format_of(std::string_view content_type, std::string_view body) {
  std::string type(content_type.substr(0, content_type.find(';')));
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (type.find("protobuf") != std::string::npos) return Format::protobuf;
  if (type.find("json") != std::string::npos) return Format::json;
  const size_t first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && body[first] == '{' ? Format::json : Format::protobuf;
}

// Reads `message`, calling on_varint / on_bytes for the wanted fields; false if malformed.
template <class OnVarint, class OnBytes>
bool read_message(std::string_view message, OnVarint on_varint, OnBytes on_bytes) {
  protobuf::Reader in(message);
  while (!in.done()) {
    uint32_t field = 0;
    uint32_t wire_type = 0;
    if (!in.tag(field, wire_type)) return false;
    if (wire_type == 0) {
      uint64_t v = 0;
      if (!in.varint(v)) return false;
      on_varint(field, v);
    } else if (wire_type == 2) {
      std::string_view b;
      if (!in.bytes(b)) return false;
      if (!on_bytes(field, b)) return false;
    } else if (!in.skip(wire_type)) {
      return false;
    }
  }
  return true;
}

std::optional<PartialSuccess> parse_protobuf_response(std::string_view body) {
  PartialSuccess result;
  const bool ok = read_message(
      body, [](uint32_t, uint64_t) {},
      [&](uint32_t field, std::string_view partial) {
        if (field != 1) return true;
        return read_message(
            partial,
            [&](uint32_t f, uint64_t v) {
              if (f == 1) result.rejected_log_records = static_cast<int64_t>(v);
            },
            [&](uint32_t f, std::string_view s) {
              if (f == 2) result.error_message.assign(s);
              return true;
            });
      });
  if (!ok) return std::nullopt;
  return result;
}

// A proto3 JSON int64: a decimal string (the mapping's form) or a number (also accepted).
int64_t json_int64(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number()) return static_cast<int64_t>(v.get<double>());
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

// A member by its lowerCamelCase name or its original proto name (receivers must accept
// both, so a server may send either).
const nlohmann::json* member(const nlohmann::json& object, const char* camel, const char* snake) {
  if (!object.is_object()) return nullptr;
  if (auto it = object.find(camel); it != object.end()) return &*it;
  if (auto it = object.find(snake); it != object.end()) return &*it;
  return nullptr;
}

std::optional<PartialSuccess> parse_json_response(std::string_view body) {
  PartialSuccess result;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return result;
  const auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  const auto* partial = member(doc, "partialSuccess", "partial_success");
  if (!partial || !partial->is_object()) return result;
  if (const auto* n = member(*partial, "rejectedLogRecords", "rejected_log_records"))
    result.rejected_log_records = json_int64(*n);
  if (const auto* m = member(*partial, "errorMessage", "error_message"); m && m->is_string())
    result.error_message = m->get<std::string>();
  return result;
}

}  // namespace

std::optional<PartialSuccess> parse_export_logs_response(std::string_view content_type,
                                                         std::string_view body) {
  auto result = format_of(content_type, body) == Format::json ? parse_json_response(body)
                                                              : parse_protobuf_response(body);
  if (result && result->rejected_log_records < 0) result->rejected_log_records = 0;
  return result;
}

std::optional<std::string> parse_status_message(std::string_view content_type,
                                                std::string_view body) {
  if (body.empty()) return std::nullopt;
  std::string message;
  if (format_of(content_type, body) == Format::json) {
    const auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
    const auto it = doc.find("message");
    if (it == doc.end() || !it->is_string()) return std::nullopt;
    message = it->get<std::string>();
  } else {
    const bool ok = read_message(
        body, [](uint32_t, uint64_t) {},
        [&](uint32_t field, std::string_view s) {
          if (field == 2) message.assign(s);
          return true;
        });
    if (!ok) return std::nullopt;
  }
  if (message.empty()) return std::nullopt;
  return message;
}

}  // namespace kj::exporters::otlp
