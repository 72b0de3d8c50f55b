// libFuzzer target for parse_klog_json: no crash or sanitizer report, and differential checks
// against nlohmann's SAX parser (validity, member order, decoded strings).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/klog_json_parser.h"

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

// Records the top-level members as nlohmann sees them: key, and the value when it is a string.
struct Oracle : nlohmann::json_sax<nlohmann::json> {
  struct Member {
    std::string key;
    bool is_string = false, is_number = false, is_integer = false;
    std::string text;
  };
  std::vector<Member> members;
  int depth = 0, max_depth = 0;
  bool top_is_object = false;
  bool number_overflow = false;

  void value(bool string, bool number, bool integer, std::string text = {}) {
    if (depth == 1 && !members.empty()) {
      auto& m = members.back();
      m.is_string = string;
      m.is_number = number;
      m.is_integer = integer;
      m.text = std::move(text);
    }
  }
  bool open() {
    if (depth == 1) value(false, false, false);
    max_depth = std::max(max_depth, ++depth);
    return true;
  }

  bool null() override { return value(false, false, false), true; }
  bool boolean(bool) override { return value(false, false, false), true; }
  bool number_integer(number_integer_t) override { return value(false, true, true), true; }
  bool number_unsigned(number_unsigned_t) override { return value(false, true, true), true; }
  bool number_float(number_float_t, const string_t&) override {
    return value(false, true, false), true;
  }
  bool string(string_t& s) override { return value(true, false, false, s), true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    if (depth == 0) top_is_object = true;
    return open();
  }
  bool key(string_t& k) override {
    if (depth == 1) {
      members.emplace_back();
      members.back().key = k;
    }
    return true;
  }
  bool end_object() override { return --depth, true; }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return --depth, true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    // 406: a number beyond double's range, which JSON's grammar allows and the parser accepts.
    number_overflow = e.id == 406;
    return false;
  }
};

// nlohmann rejects `\u` escapes of lone surrogates, which the parser maps to U+FFFD like Go;
// nlohmann also skips a UTF-8 BOM, takes a NUL byte for the end of the input and rejects
// numbers beyond double's range. Inputs with any of these are only checked for internal
// consistency.
bool nlohmann_differs(std::string_view in) {
  if (in.substr(0, 3) == "\xef\xbb\xbf") return true;
  if (in.find('\0') != std::string_view::npos) return true;
  for (size_t i = in.find("\\u"); i != std::string_view::npos; i = in.find("\\u", i + 1)) {
    if (i + 3 < in.size() && (in[i + 2] == 'd' || in[i + 2] == 'D')) {
      const char c = in[i + 3];
      if ((c >= '8' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) return true;
    }
  }
  return false;
}

bool has_ws_outside_strings(std::string_view t) {
  bool in_string = false;
  for (size_t k = 0; k < t.size(); ++k) {
    const char c = t[k];
    if (in_string) {
      if (c == '\\')
        ++k;
      else if (c == '"')
        in_string = false;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      return true;
    } else if (c == '"') {
      in_string = true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  kj::ParsedLine out;
  const bool ok = kj::parse_klog_json(in, out);

  kj::ParsedLine reused;
  kj::parse_klog_json(R"({"ts":1e12,"msg":"warm","v":3,"a":"a long value that needs the heap",)"
                      R"("b":{"c":[1,2]},"err":"e"})",
                      reused);
  require(reused.fields.size() == 3, "warm-up record parsed");
  require(kj::parse_klog_json(in, reused) == ok, "reuse: same verdict");
  require(reused.message == out.message && reused.fields == out.fields &&
              reused.level_raw == out.level_raw && reused.time_ns == out.time_ns &&
              reused.verbosity == out.verbosity && reused.caller == out.caller &&
              reused.severity == out.severity && reused.format == out.format,
          "reuse: same result");

  if (!ok) {
    require(out.format == kj::LineFormat::unknown && out.fields.empty() && out.message.empty() &&
                out.level_raw.empty() && !out.time_ns,
            "rejected: nothing left behind");
  } else {
    require(out.format == kj::LineFormat::klog_json, "format");
    require(out.severity != kj::Severity::unknown, "severity known");
    require(!out.level_raw.empty(), "level_raw set");
    require(!out.local_time && out.thread_id == -1 && !out.structured, "no klog text members");
    if (out.verbosity) {
      require(out.level_raw.rfind("v=", 0) == 0, "verbosity: level_raw v=N");
      require(out.severity == kj::severity_from_klog_verbosity(*out.verbosity), "v severity");
    }
    for (const auto& [key, value] : out.fields) {
      require(key != "msg" && key != "caller" && key != "v", "own members are not fields");
      (void)value;
    }
  }

  Oracle oracle;
  const bool valid = nlohmann::json::sax_parse(in.begin(), in.end(), &oracle);
  if (nlohmann_differs(in) || oracle.number_overflow) return 0;
  bool has_msg = false, has_ts = false;
  for (const auto& m : oracle.members) {
    has_msg |= m.key == "msg";
    has_ts |= m.key == "ts" && m.is_number;
  }
  const bool expected =
      valid && oracle.top_is_object && (has_msg || has_ts) && oracle.max_depth <= 500;
  if (oracle.max_depth <= 500) require(ok == expected, "accepts exactly valid objects with msg/ts");
  if (!ok) return 0;
  require(valid, "accepted input is valid JSON");

  // Members in order: the record's own ones consumed, every other one a field.
  size_t f = 0;
  for (const auto& m : oracle.members) {
    if (m.key == "msg") {
      continue;
    }
    if (m.key == "caller" || m.key == "v" || (m.key == "ts" && m.is_number)) continue;
    require(f < out.fields.size(), "field count");
    const auto& [key, value] = out.fields[f++];
    require(key == m.key, "field key decoded as nlohmann does");
    if (m.is_string) {
      require(value == m.text, "string field decoded as nlohmann does");
    } else {
      require(nlohmann::json::accept(value), "non-string field is JSON text");
      require(!has_ws_outside_strings(value), "non-string field is compact");
    }
  }
  require(f == out.fields.size(), "no extra fields");
  if (!oracle.members.empty()) {
    for (auto it = oracle.members.rbegin(); it != oracle.members.rend(); ++it) {
      if (it->key != "msg") continue;
      if (it->is_string) require(out.message == it->text, "msg is the last msg member");
      break;
    }
  }
  return 0;
}
