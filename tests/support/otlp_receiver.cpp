#include "tests/support/otlp_receiver.h"

#include <Poco/Base64Encoder.h>
#include <Poco/String.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <set>
#include <sstream>

#include "exporters/protobuf/protobuf_reader.h"
#include "exporters/protobuf/protobuf_writer.h"

namespace kjt {
namespace {

using nlohmann::json;
using Violations = std::vector<std::string>;

// ---------------------------------------------------------------------------------------
// Binary protobuf -> OTLP/JSON, driven by the message definitions of the .proto files.

enum class Kind {
  message,
  string,     // wire type 2, valid UTF-8
  bytes_b64,  // wire type 2, JSON: standard base64
  trace_id,   // wire type 2, 16 bytes, JSON: lowercase hex
  span_id,    // wire type 2, 8 bytes, JSON: lowercase hex
  fixed64,    // wire type 1, JSON: decimal string
  fixed32,    // wire type 5, JSON: number
  int64,      // wire type 0, JSON: decimal string
  uint32,     // wire type 0, JSON: number
  enum_,      // wire type 0, JSON: number
  bool_,      // wire type 0, JSON: true/false
  double_,    // wire type 1, JSON: number
};

uint32_t wire_type_of(Kind k) {
  switch (k) {
    case Kind::fixed64:
    case Kind::double_:
      return 1;
    case Kind::fixed32:
      return 5;
    case Kind::int64:
    case Kind::uint32:
    case Kind::enum_:
    case Kind::bool_:
      return 0;
    default:
      return 2;
  }
}

struct MessageSpec;
using SpecRef = const MessageSpec& (*)();

struct FieldSpec {
  uint32_t number;
  const char* json_name;
  Kind kind;
  bool repeated = false;
  SpecRef message = nullptr;
  bool oneof = false;  // member of the message's only oneof
};

struct MessageSpec {
  const char* name;
  std::vector<FieldSpec> fields;
};

// From opentelemetry-proto: collector/logs/v1/logs_service.proto, logs/v1/logs.proto,
// resource/v1/resource.proto, common/v1/common.proto.
const MessageSpec& any_value_spec();
const MessageSpec& key_value_spec() {
  static const MessageSpec s{
      "KeyValue", {{1, "key", Kind::string}, {2, "value", Kind::message, false, any_value_spec}}};
  return s;
}
const MessageSpec& array_value_spec() {
  static const MessageSpec s{"ArrayValue", {{1, "values", Kind::message, true, any_value_spec}}};
  return s;
}
const MessageSpec& kvlist_spec() {
  static const MessageSpec s{"KeyValueList", {{1, "values", Kind::message, true, key_value_spec}}};
  return s;
}
const MessageSpec& any_value_spec() {
  static const MessageSpec s{"AnyValue",
                             {{1, "stringValue", Kind::string, false, nullptr, true},
                              {2, "boolValue", Kind::bool_, false, nullptr, true},
                              {3, "intValue", Kind::int64, false, nullptr, true},
                              {4, "doubleValue", Kind::double_, false, nullptr, true},
                              {5, "arrayValue", Kind::message, false, array_value_spec, true},
                              {6, "kvlistValue", Kind::message, false, kvlist_spec, true},
                              {7, "bytesValue", Kind::bytes_b64, false, nullptr, true}}};
  return s;
}
const MessageSpec& scope_spec() {
  static const MessageSpec s{"InstrumentationScope",
                             {{1, "name", Kind::string},
                              {2, "version", Kind::string},
                              {3, "attributes", Kind::message, true, key_value_spec},
                              {4, "droppedAttributesCount", Kind::uint32}}};
  return s;
}
const MessageSpec& resource_spec() {
  static const MessageSpec s{"Resource",
                             {{1, "attributes", Kind::message, true, key_value_spec},
                              {2, "droppedAttributesCount", Kind::uint32}}};
  return s;
}
const MessageSpec& log_record_spec() {
  static const MessageSpec s{"LogRecord",
                             {{1, "timeUnixNano", Kind::fixed64},
                              {2, "severityNumber", Kind::enum_},
                              {3, "severityText", Kind::string},
                              {5, "body", Kind::message, false, any_value_spec},
                              {6, "attributes", Kind::message, true, key_value_spec},
                              {7, "droppedAttributesCount", Kind::uint32},
                              {8, "flags", Kind::fixed32},
                              {9, "traceId", Kind::trace_id},
                              {10, "spanId", Kind::span_id},
                              {11, "observedTimeUnixNano", Kind::fixed64},
                              {12, "eventName", Kind::string}}};
  return s;
}
const MessageSpec& scope_logs_spec() {
  static const MessageSpec s{"ScopeLogs",
                             {{1, "scope", Kind::message, false, scope_spec},
                              {2, "logRecords", Kind::message, true, log_record_spec},
                              {3, "schemaUrl", Kind::string}}};
  return s;
}
const MessageSpec& resource_logs_spec() {
  static const MessageSpec s{"ResourceLogs",
                             {{1, "resource", Kind::message, false, resource_spec},
                              {2, "scopeLogs", Kind::message, true, scope_logs_spec},
                              {3, "schemaUrl", Kind::string}}};
  return s;
}
const MessageSpec& request_spec() {
  static const MessageSpec s{"ExportLogsServiceRequest",
                             {{1, "resourceLogs", Kind::message, true, resource_logs_spec}}};
  return s;
}

bool valid_utf8(const std::string& s) {
  try {
    (void)json(s).dump();  // nlohmann's serializer throws on ill-formed UTF-8 (RFC 3629)
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string base64(std::string_view bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  encoder.close();
  return out.str();
}

class ProtobufToJson {
 public:
  explicit ProtobufToJson(Violations& v) : violations_(v) {}

  json message(std::string_view data, const MessageSpec& spec, const std::string& path) {
    json out = json::object();
    kj::exporters::protobuf::Reader in(data);
    const char* oneof_seen = nullptr;
    while (!in.done()) {
      // The key is read as a plain varint rather than with Reader::tag so that field number 0
      // is reported below as an unknown field, with its number, not as a broken tag.
      uint64_t tag = 0;
      if (!in.varint(tag)) return fail(path, "truncated tag"), out;
      const auto number = static_cast<uint32_t>(tag >> 3);
      const auto wire = static_cast<uint32_t>(tag & 7);
      const FieldSpec* field = nullptr;
      for (const auto& f : spec.fields)
        if (f.number == number) field = &f;
      const std::string where = path + "." + (field ? field->json_name : std::to_string(number));
      if (!field) {
        fail(where, std::string("unknown field ") + std::to_string(number) + " in " + spec.name +
                        " (wire type " + std::to_string(wire) + ")");
        if (!in.skip(wire)) return fail(path, "cannot skip unknown field"), out;
        continue;
      }
      if (wire != wire_type_of(field->kind)) {
        fail(where, "wire type " + std::to_string(wire) + ", the schema says " +
                        std::to_string(wire_type_of(field->kind)));
        if (!in.skip(wire)) return fail(path, "cannot skip field"), out;
        continue;
      }
      json value;
      if (!read_value(in, *field, where, value)) return fail(where, "truncated value"), out;
      if (field->oneof) {
        if (oneof_seen) fail(where, std::string("second oneof member after ") + oneof_seen);
        oneof_seen = field->json_name;
      }
      if (field->repeated) {
        out[field->json_name].push_back(std::move(value));
      } else {
        if (out.contains(field->json_name)) fail(where, "singular field sent more than once");
        out[field->json_name] = std::move(value);
      }
    }
    return out;
  }

 private:
  void fail(const std::string& path, const std::string& what) {
    violations_.push_back(path + ": " + what);
  }

  bool read_value(kj::exporters::protobuf::Reader& in, const FieldSpec& f, const std::string& where,
                  json& out) {
    uint64_t v = 0;
    uint32_t v32 = 0;
    std::string_view s;
    switch (f.kind) {
      case Kind::message:
        if (!in.bytes(s)) return false;
        out = message(s, f.message(), where);
        return true;
      case Kind::string: {
        if (!in.bytes(s)) return false;
        std::string text(s);
        if (!valid_utf8(text)) {
          fail(where, "string is not valid UTF-8 (proto3 requires it)");
          out = "<invalid UTF-8>";
        } else {
          out = text;
        }
        return true;
      }
      case Kind::bytes_b64:
        if (!in.bytes(s)) return false;
        out = base64(s);
        return true;
      case Kind::trace_id:
      case Kind::span_id:
        if (!in.bytes(s)) return false;
        if (s.size() != (f.kind == Kind::trace_id ? 16u : 8u))
          fail(where, "id of " + std::to_string(s.size()) + " bytes");
        out = hex(s);
        return true;
      case Kind::fixed64:
        if (!in.fixed64(v)) return false;
        out = std::to_string(v);
        return true;
      case Kind::double_: {
        if (!in.fixed64(v)) return false;
        double x = 0;
        std::memcpy(&x, &v, sizeof x);
        out = x;
        return true;
      }
      case Kind::fixed32:
        if (!in.fixed32(v32)) return false;
        out = v32;
        return true;
      case Kind::int64:
        if (!in.varint(v)) return false;
        out = std::to_string(static_cast<int64_t>(v));
        return true;
      case Kind::uint32:
      case Kind::enum_:
        if (!in.varint(v)) return false;
        if (v > 0xffffffffu) fail(where, "32-bit field holds " + std::to_string(v));
        out = static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(v)));
        return true;
      case Kind::bool_:
        if (!in.varint(v)) return false;
        if (v > 1) fail(where, "bool encoded as " + std::to_string(v));
        out = v != 0;
        return true;
    }
    return false;
  }

  Violations& violations_;
};

// ---------------------------------------------------------------------------------------
// OTLP/JSON checks.

class JsonChecker {
 public:
  explicit JsonChecker(Violations& v) : violations_(v) {}

  void request(const json& r) {
    if (!r.is_object()) return fail("$", "the request is not a JSON object");
    allowed(r, "$", {"resourceLogs"});
    const auto rl = r.find("resourceLogs");
    if (rl == r.end() || !rl->is_array() || rl->empty())
      return fail("$.resourceLogs", "missing or empty: an export must carry log records");
    for (size_t i = 0; i < rl->size(); ++i)
      resource_logs((*rl)[i], "$.resourceLogs[" + idx(i) + "]");
  }

 private:
  static std::string idx(size_t i) { return std::to_string(i); }

  void fail(const std::string& path, const std::string& what) {
    violations_.push_back(path + ": " + what);
  }

  void allowed(const json& o, const std::string& path, std::initializer_list<const char*> names) {
    for (const auto& [key, value] : o.items()) {
      bool known = false;
      for (const char* n : names) known = known || key == n;
      if (!known)
        fail(path + "." + key,
             key.find('_') != std::string::npos
                 ? "snake_case member: OTLP/JSON uses the lowerCamelCase field names"
                 : "unknown member");
    }
  }

  static bool decimal(const std::string& s, bool allow_sign) {
    size_t i = allow_sign && !s.empty() && s[0] == '-' ? 1 : 0;
    if (i >= s.size()) return false;
    for (; i < s.size(); ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  }

  // A 64-bit integer: a decimal string (see the header for why numbers are refused).
  bool int64_string(const json& v, const std::string& path, bool allow_sign) {
    if (v.is_number()) {
      fail(path,
           "64-bit integer sent as a JSON number; the proto3 mapping writes a decimal string");
      return false;
    }
    if (!v.is_string() || !decimal(v.get<std::string>(), allow_sign)) {
      fail(path, "not a decimal string: " + v.dump());
      return false;
    }
    return true;
  }

  static bool hex_of_length(const json& v, size_t n) {
    if (!v.is_string() || v.get<std::string>().size() != n) return false;
    for (char c : v.get<std::string>())
      if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
  }

  static bool base64_text(const std::string& s) {
    if (s.size() % 4 != 0) return false;
    for (char c : s)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=')
        return false;
    return true;
  }

  void key_values(const json& a, const std::string& path) {
    if (!a.is_array()) return fail(path, "not an array of KeyValue");
    std::set<std::string> keys;
    for (size_t i = 0; i < a.size(); ++i) {
      const std::string p = path + "[" + idx(i) + "]";
      const json& kv = a[i];
      if (!kv.is_object()) {
        fail(p, "KeyValue is not an object");
        continue;
      }
      allowed(kv, p, {"key", "value"});
      const auto k = kv.find("key");
      if (k == kv.end() || !k->is_string() || k->get<std::string>().empty()) {
        fail(p + ".key", "missing or empty key");
      } else if (!keys.insert(k->get<std::string>()).second) {
        fail(p + ".key", "duplicate key \"" + k->get<std::string>() + "\" (keys MUST be unique)");
      }
      const auto v = kv.find("value");
      if (v == kv.end()) {
        fail(p + ".value", "missing value");
      } else {
        any_value(*v, p + ".value");
      }
    }
  }

  void any_value(const json& v, const std::string& path) {
    if (!v.is_object()) return fail(path, "AnyValue is not an object");
    allowed(v, path,
            {"stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue",
             "bytesValue"});
    if (v.size() > 1) fail(path, "more than one member of the AnyValue oneof");
    for (const auto& [kind, x] : v.items()) {
      const std::string p = path + "." + kind;
      if (kind == "stringValue" && !x.is_string()) fail(p, "not a string");
      if (kind == "boolValue" && !x.is_boolean()) fail(p, "not a boolean");
      if (kind == "intValue") int64_string(x, p, /*allow_sign=*/true);
      if (kind == "doubleValue" && !x.is_number()) fail(p, "not a number");
      if (kind == "bytesValue" && (!x.is_string() || !base64_text(x.get<std::string>())))
        fail(p, "not standard base64");
      if (kind == "arrayValue") {
        if (!x.is_object()) {
          fail(p, "not an object");
          continue;
        }
        allowed(x, p, {"values"});
        if (x.contains("values")) {
          if (!x["values"].is_array()) {
            fail(p + ".values", "not an array");
            continue;
          }
          for (size_t i = 0; i < x["values"].size(); ++i)
            any_value(x["values"][i], p + ".values[" + idx(i) + "]");
        }
      }
      if (kind == "kvlistValue") {
        if (!x.is_object()) {
          fail(p, "not an object");
          continue;
        }
        allowed(x, p, {"values"});
        if (x.contains("values")) key_values(x["values"], p + ".values");
      }
    }
  }

  void resource_logs(const json& rl, const std::string& path) {
    if (!rl.is_object()) return fail(path, "not an object");
    allowed(rl, path, {"resource", "scopeLogs", "schemaUrl"});
    if (const auto r = rl.find("resource"); r != rl.end()) {
      if (!r->is_object()) {
        fail(path + ".resource", "not an object");
      } else {
        allowed(*r, path + ".resource", {"attributes", "droppedAttributesCount", "entityRefs"});
        if (r->contains("attributes"))
          key_values((*r)["attributes"], path + ".resource.attributes");
      }
    }
    const auto sl = rl.find("scopeLogs");
    if (sl == rl.end() || !sl->is_array() || sl->empty())
      return fail(path + ".scopeLogs", "missing or empty");
    for (size_t i = 0; i < sl->size(); ++i)
      scope_logs((*sl)[i], path + ".scopeLogs[" + idx(i) + "]");
  }

  void scope_logs(const json& sl, const std::string& path) {
    if (!sl.is_object()) return fail(path, "not an object");
    allowed(sl, path, {"scope", "logRecords", "schemaUrl"});
    if (const auto s = sl.find("scope"); s != sl.end()) {
      const std::string p = path + ".scope";
      if (!s->is_object()) {
        fail(p, "not an object");
      } else {
        allowed(*s, p, {"name", "version", "attributes", "droppedAttributesCount"});
        if (s->contains("name") && !(*s)["name"].is_string()) fail(p + ".name", "not a string");
        if (s->contains("version") && !(*s)["version"].is_string())
          fail(p + ".version", "not a string");
        if (s->contains("attributes")) key_values((*s)["attributes"], p + ".attributes");
      }
    }
    const auto lr = sl.find("logRecords");
    if (lr == sl.end() || !lr->is_array() || lr->empty())
      return fail(path + ".logRecords", "missing or empty");
    for (size_t i = 0; i < lr->size(); ++i)
      log_record((*lr)[i], path + ".logRecords[" + idx(i) + "]");
  }

  void log_record(const json& r, const std::string& path) {
    if (!r.is_object()) return fail(path, "not an object");
    allowed(r, path,
            {"timeUnixNano", "observedTimeUnixNano", "severityNumber", "severityText", "body",
             "attributes", "droppedAttributesCount", "flags", "traceId", "spanId", "eventName"});
    bool has_time = false;
    for (const char* t : {"timeUnixNano", "observedTimeUnixNano"}) {
      if (!r.contains(t)) continue;
      if (int64_string(r[t], path + "." + t, /*allow_sign=*/false))
        has_time = has_time || r[t].get<std::string>() != "0";
    }
    // The specification: observed_time_unix_nano "MUST be set once the event is observed by
    // OpenTelemetry"; a collector forwarding logs is that observer.
    if (!r.contains("observedTimeUnixNano")) fail(path, "no observedTimeUnixNano");
    if (!has_time) fail(path, "neither timeUnixNano nor observedTimeUnixNano is set");
    if (const auto s = r.find("severityNumber"); s != r.end()) {
      if (!s->is_number_integer())
        fail(path + ".severityNumber",
             "enum sent as " + s->dump() + "; OTLP/JSON enums are integers");
      else if (s->get<int64_t>() < 0 || s->get<int64_t>() > 24)
        fail(path + ".severityNumber", "outside 0..24: " + s->dump());
      else if (s->get<int64_t>() == 0)
        fail(path + ".severityNumber", "0 (UNSPECIFIED) sent: leave the field out instead");
    }
    if (r.contains("severityText") && !r["severityText"].is_string())
      fail(path + ".severityText", "not a string");
    if (r.contains("body")) any_value(r["body"], path + ".body");
    if (r.contains("attributes")) key_values(r["attributes"], path + ".attributes");
    if (r.contains("traceId") && !hex_of_length(r["traceId"], 32))
      fail(path + ".traceId", "not 32 hex digits (OTLP/JSON ids are hex, not base64)");
    if (r.contains("spanId") && !hex_of_length(r["spanId"], 16))
      fail(path + ".spanId", "not 16 hex digits (OTLP/JSON ids are hex, not base64)");
    if (r.contains("eventName") && !r["eventName"].is_string())
      fail(path + ".eventName", "not a string");
  }

  Violations& violations_;
};

// ---------------------------------------------------------------------------------------
// Answers, in the request's encoding.

// google.rpc.Code for an HTTP status, as gRPC-gateway maps them.
int grpc_code(int status) {
  switch (status) {
    case 400:
      return 3;  // INVALID_ARGUMENT
    case 401:
      return 16;  // UNAUTHENTICATED
    case 403:
      return 7;  // PERMISSION_DENIED
    case 404:
      return 5;  // NOT_FOUND
    case 429:
      return 8;  // RESOURCE_EXHAUSTED
    case 502:
    case 503:
    case 504:
      return 14;  // UNAVAILABLE
    default:
      return 2;  // UNKNOWN
  }
}

std::string answer_body(const OtlpAnswer& a, bool json_encoding) {
  if (a.status == 200) {
    if (a.rejected == 0 && a.message.empty()) return json_encoding ? "{}" : "";
    if (json_encoding) {
      json partial = json::object();
      if (a.rejected != 0) partial["rejectedLogRecords"] = std::to_string(a.rejected);
      if (!a.message.empty()) partial["errorMessage"] = a.message;
      return json{{"partialSuccess", partial}}.dump();
    }
    // ExportLogsServiceResponse { partial_success = 1 { rejected_log_records = 1;
    // error_message = 2 } }
    std::string out;
    kj::exporters::protobuf::Writer w(out);
    w.begin_message(1);
    if (a.rejected != 0) w.varint_field(1, static_cast<uint64_t>(a.rejected));
    if (!a.message.empty()) w.bytes_field(2, a.message);
    w.end_message();
    return out;
  }
  const std::string message =
      a.message.empty() ? "scripted " + std::to_string(a.status) : a.message;
  if (json_encoding) return json{{"code", grpc_code(a.status)}, {"message", message}}.dump();
  // google.rpc.Status { code = 1; message = 2 }
  std::string out;
  kj::exporters::protobuf::Writer w(out);
  w.varint_field(1, static_cast<uint64_t>(grpc_code(a.status)));
  w.bytes_field(2, message);
  return out;
}

std::vector<OtlpReceivedRecord> flatten(const json& request, const std::string& encoding,
                                        size_t index, int answered) {
  std::vector<OtlpReceivedRecord> out;
  if (!request.is_object() || !request.contains("resourceLogs") ||
      !request["resourceLogs"].is_array())
    return out;
  for (const auto& rl : request["resourceLogs"]) {
    if (!rl.is_object()) continue;
    json resource = json::object();
    if (rl.contains("resource") && rl["resource"].is_object() &&
        rl["resource"].contains("attributes") && rl["resource"]["attributes"].is_array()) {
      for (const auto& kv : rl["resource"]["attributes"])
        if (kv.is_object() && kv.contains("key") && kv["key"].is_string() && kv.contains("value"))
          resource[kv["key"].get<std::string>()] = kv["value"];
    }
    if (!rl.contains("scopeLogs") || !rl["scopeLogs"].is_array()) continue;
    for (const auto& sl : rl["scopeLogs"]) {
      if (!sl.is_object() || !sl.contains("logRecords") || !sl["logRecords"].is_array()) continue;
      const json scope = sl.value("scope", json::object());
      for (const auto& r : sl["logRecords"]) {
        OtlpReceivedRecord rec;
        rec.encoding = encoding;
        rec.request = index;
        rec.answered = answered;
        rec.resource_attributes = resource;
        if (scope.is_object()) {
          if (scope.contains("name") && scope["name"].is_string()) rec.scope_name = scope["name"];
          if (scope.contains("version") && scope["version"].is_string())
            rec.scope_version = scope["version"];
        }
        rec.record = r;
        out.push_back(std::move(rec));
      }
    }
  }
  return out;
}

std::string string_value(const json& any) {
  if (any.is_object() && any.contains("stringValue") && any["stringValue"].is_string())
    return any["stringValue"].get<std::string>();
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------

std::string OtlpReceivedRecord::body() const {
  return record.contains("body") ? string_value(record["body"]) : std::string();
}

json OtlpReceivedRecord::attribute(const std::string& key) const {
  if (!record.contains("attributes") || !record["attributes"].is_array()) return nullptr;
  for (const auto& kv : record["attributes"])
    if (kv.is_object() && kv.value("key", "") == key && kv.contains("value")) return kv["value"];
  return nullptr;
}

std::string OtlpReceivedRecord::string_attribute(const std::string& key) const {
  return string_value(attribute(key));
}

std::string OtlpReceivedRecord::resource(const std::string& key) const {
  return resource_attributes.contains(key) ? string_value(resource_attributes[key]) : std::string();
}

json otlp_protobuf_to_json(std::string_view body, std::vector<std::string>& violations) {
  return ProtobufToJson(violations).message(body, request_spec(), "$");
}

void check_otlp_logs_request(const json& request, std::vector<std::string>& violations) {
  JsonChecker(violations).request(request);
}

OtlpReceiver::OtlpReceiver(std::optional<LocalTls> tls, std::string base_path)
    : base_path_(std::move(base_path)),
      server_([this](const CapturedRequest& r) { return handle(r); }, std::move(tls)) {}

void OtlpReceiver::script(std::vector<OtlpAnswer> answers) {
  std::lock_guard lock(mutex_);
  script_ = std::move(answers);
  next_answer_ = 0;
}

std::string OtlpReceiver::url() const {
  return server_.url() + base_path_;
}

size_t OtlpReceiver::request_count() const {
  std::lock_guard lock(mutex_);
  return statuses_.size();
}

std::vector<CapturedRequest> OtlpReceiver::requests() const {
  return server_.requests();
}

std::vector<std::chrono::steady_clock::time_point> OtlpReceiver::arrival_times() const {
  std::lock_guard lock(mutex_);
  return arrivals_;
}

std::vector<int> OtlpReceiver::statuses() const {
  std::lock_guard lock(mutex_);
  return statuses_;
}

std::vector<std::string> OtlpReceiver::violations() const {
  std::lock_guard lock(mutex_);
  return violations_;
}

std::vector<OtlpReceivedRecord> OtlpReceiver::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

CannedResponse OtlpReceiver::handle(const CapturedRequest& request) {
  const auto arrived = std::chrono::steady_clock::now();
  Violations found;
  if (request.method != "POST") found.push_back("method " + request.method + ", expected POST");
  if (request.uri != base_path_ + "/v1/logs")
    found.push_back("path " + request.uri + ", expected " + base_path_ + "/v1/logs");
  const std::string encoding_header = request.header("Content-Encoding");
  if (!encoding_header.empty()) {
    if (Poco::icompare(encoding_header, "gzip") != 0)
      found.push_back("Content-Encoding " + encoding_header + " (only gzip is portable)");
    else if (request.raw_body.size() < 2 || request.raw_body[0] != '\x1f' ||
             request.raw_body[1] != '\x8b')
      found.push_back("Content-Encoding gzip but the body is not gzip");
  }
  std::string content_type = request.header("Content-Type");
  content_type = Poco::trim(content_type.substr(0, content_type.find(';')));
  const bool is_json = content_type == "application/json";
  const bool is_protobuf = content_type == "application/x-protobuf";

  json decoded;
  bool readable = false;
  if (is_json) {
    try {
      decoded = json::parse(request.body);  // refuses ill-formed UTF-8 in strings too
      readable = true;
    } catch (const json::exception& e) {
      found.push_back(std::string("body is not valid JSON: ") + e.what());
    }
  } else if (is_protobuf) {
    decoded = otlp_protobuf_to_json(request.body, found);
    readable = true;
  } else {
    found.push_back("Content-Type \"" + request.header("Content-Type") +
                    "\", expected application/json or application/x-protobuf");
  }
  if (readable) check_otlp_logs_request(decoded, found);

  std::lock_guard lock(mutex_);
  const size_t index = statuses_.size();
  OtlpAnswer answer;
  if (!readable) {
    answer = OtlpAnswer::error(is_json || is_protobuf ? 400 : 415, "unreadable request");
  } else if (next_answer_ < script_.size()) {
    answer = script_[next_answer_++];
  }
  for (auto& v : found) violations_.push_back("request " + std::to_string(index) + ": " + v);
  arrivals_.push_back(arrived);
  statuses_.push_back(answer.status);
  for (auto& r : flatten(decoded, is_json ? "json" : "protobuf", index, answer.status))
    records_.push_back(std::move(r));

  CannedResponse response;
  response.status = answer.status;
  response.body = answer_body(answer, !is_protobuf);
  response.headers.emplace_back("Content-Type",
                                is_protobuf ? "application/x-protobuf" : "application/json");
  if (!answer.retry_after.empty()) response.headers.emplace_back("Retry-After", answer.retry_after);
  return response;
}

}  // namespace kjt
