#include "tests/support/loki_receiver.h"

#include <snappy.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "exporters/protobuf/protobuf_reader.h"

namespace kjt {
namespace {

// Loki's per-tenant defaults (docs/sources/operations/request-validation-rate-limits.md,
// docs/sources/get-started/labels/structured-metadata.md).
constexpr size_t kMaxLabelsPerStream = 15;
constexpr size_t kMaxLabelNameBytes = 1024;
constexpr size_t kMaxLabelValueBytes = 2048;
constexpr size_t kMaxLineBytes = 256 * 1024;
constexpr size_t kMaxMetadataEntries = 128;
constexpr size_t kMaxMetadataBytes = 64 * 1024;

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct PushedStream {
  Pairs labels;  // as sent
  std::vector<LokiPushedEntry> entries;
};

class Violations {
 public:
  void add(std::string what) {
    if (list_.size() < 20) list_.push_back(std::move(what));
  }
  bool empty() const { return list_.empty(); }
  std::vector<std::string> take() { return std::move(list_); }

 private:
  std::vector<std::string> list_;
};

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), written here
// rather than taken from the code under test.
bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

bool valid_label_name(std::string_view n) {
  if (n.empty()) return false;
  auto start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!start(n[0])) return false;
  return std::all_of(n.begin(), n.end(),
                     [&](char c) { return start(c) || (c >= '0' && c <= '9'); });
}

// The checks both encodings share, on the decoded streams.
void check_streams(const std::vector<PushedStream>& streams, Violations& v) {
  if (streams.empty()) v.add("no streams");
  std::set<std::map<std::string, std::string>> seen;
  for (size_t i = 0; i < streams.size(); ++i) {
    const auto& s = streams[i];
    const std::string where = "stream " + std::to_string(i);
    std::map<std::string, std::string> set;
    if (s.labels.empty()) v.add(where + ": no labels (Loki: missing labels)");
    if (s.labels.size() > kMaxLabelsPerStream)
      v.add(where + ": " + std::to_string(s.labels.size()) + " labels, more than 15");
    for (const auto& [name, value] : s.labels) {
      if (!valid_label_name(name)) v.add(where + ": invalid label name \"" + name + "\"");
      if (name.starts_with("__")) v.add(where + ": reserved label name \"" + name + "\"");
      if (name.size() > kMaxLabelNameBytes) v.add(where + ": label name too long");
      if (value.empty()) v.add(where + ": label \"" + name + "\" has an empty value");
      if (value.size() > kMaxLabelValueBytes) v.add(where + ": label \"" + name + "\" too long");
      if (!valid_utf8(value)) v.add(where + ": label \"" + name + "\" is not UTF-8");
      if (!set.emplace(name, value).second) v.add(where + ": label \"" + name + "\" given twice");
    }
    if (!seen.insert(set).second) v.add(where + ": label set already used by another stream");
    if (s.entries.empty()) v.add(where + ": no entries");
    uint64_t previous = 0;
    for (size_t k = 0; k < s.entries.size(); ++k) {
      const auto& e = s.entries[k];
      const std::string at = where + " entry " + std::to_string(k);
      if (e.time_ns < previous) v.add(at + ": older than the entry before it (not sorted)");
      previous = e.time_ns;
      if (e.line.size() > kMaxLineBytes) v.add(at + ": line longer than 256KB");
      if (!valid_utf8(e.line)) v.add(at + ": line is not UTF-8");
      if (e.metadata.size() > kMaxMetadataEntries) v.add(at + ": more than 128 metadata pairs");
      size_t bytes = 0;
      std::set<std::string> names;
      for (const auto& [name, value] : e.metadata) {
        bytes += name.size() + value.size();
        if (!valid_label_name(name)) v.add(at + ": invalid metadata name \"" + name + "\"");
        if (!names.insert(name).second) v.add(at + ": metadata \"" + name + "\" given twice");
        if (!valid_utf8(value)) v.add(at + ": metadata \"" + name + "\" is not UTF-8");
      }
      if (bytes > kMaxMetadataBytes) v.add(at + ": metadata larger than 64KB");
    }
  }
}

// ---- JSON ------------------------------------------------------------------------------

bool digits_only(const std::string& s) {
  return !s.empty() && s.size() <= 19 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<PushedStream> decode_json(const std::string& body, Violations& v) {
  std::vector<PushedStream> out;
  // ordered_json: names in the order sent, so both encodings can be compared pair by pair.
  nlohmann::ordered_json doc;
  try {
    doc = nlohmann::ordered_json::parse(body);  // also refuses invalid UTF-8
  } catch (const std::exception& e) {
    v.add(std::string("body is not JSON: ") + e.what());
    return out;
  }
  if (!doc.is_object() || doc.size() != 1 || !doc.contains("streams") ||
      !doc["streams"].is_array()) {
    v.add("body is not {\"streams\":[...]}");
    return out;
  }
  for (const auto& js : doc["streams"]) {
    const std::string where = "stream " + std::to_string(out.size());
    PushedStream& s = out.emplace_back();
    if (!js.is_object() || js.size() != 2 || !js.contains("stream") || !js.contains("values") ||
        !js["stream"].is_object() || !js["values"].is_array()) {
      v.add(where + ": not {\"stream\":{...},\"values\":[...]}");
      continue;
    }
    for (const auto& [name, value] : js["stream"].items()) {
      if (!value.is_string())
        v.add(where + ": label \"" + name + "\" is not a string");
      else
        s.labels.emplace_back(name, value.get<std::string>());
    }
    std::map<std::string, std::string> labels(s.labels.begin(), s.labels.end());
    for (const auto& jv : js["values"]) {
      const std::string at = where + " entry " + std::to_string(s.entries.size());
      if (!jv.is_array() || jv.size() < 2 || jv.size() > 3) {
        v.add(at + ": not [ts, line] or [ts, line, {metadata}]");
        continue;
      }
      if (!jv[0].is_string() || !digits_only(jv[0].get<std::string>())) {
        v.add(at + ": timestamp is not a string of digits: " + jv[0].dump());
        continue;
      }
      if (!jv[1].is_string()) {
        v.add(at + ": line is not a string");
        continue;
      }
      LokiPushedEntry& e = s.entries.emplace_back();
      e.stream = labels;
      e.time_ns = std::stoull(jv[0].get<std::string>());
      e.line = jv[1].get<std::string>();
      if (jv.size() == 3) {
        if (!jv[2].is_object()) {
          v.add(at + ": third element is not an object");
          continue;
        }
        for (const auto& [name, value] : jv[2].items()) {
          if (!value.is_string())
            v.add(at + ": metadata \"" + name + "\" is not a string");
          else
            e.metadata.emplace_back(name, value.get<std::string>());
        }
      }
    }
  }
  return out;
}

// ---- protobuf --------------------------------------------------------------------------

// A message's fields as (number, wire type, varint value, bytes), or a violation. The wire
// format (https://protobuf.dev/programming-guides/encoding/) is read with protobuf::Reader;
// logproto.PushRequest uses only varints and length-delimited fields, so any other wire type
// is a violation.
struct WireField {
  uint32_t number = 0;
  uint32_t wire_type = 0;
  uint64_t value = 0;
  std::string_view bytes;
};

bool read_fields(std::string_view data, const std::string& what, std::vector<WireField>& out,
                 Violations& v) {
  kj::exporters::protobuf::Reader r(data);
  while (!r.done()) {
    WireField f;
    if (!r.tag(f.number, f.wire_type)) {
      v.add(what + ": malformed tag");
      return false;
    }
    bool ok = false;
    if (f.wire_type == 0) ok = r.varint(f.value);
    if (f.wire_type == 2) ok = r.bytes(f.bytes);
    if (!ok) {
      v.add(what + ": field " + std::to_string(f.number) + " has wire type " +
            std::to_string(f.wire_type) + " or is cut short");
      return false;
    }
    out.push_back(f);
  }
  return true;
}

// StreamAdapter.labels: Prometheus text form {name="value", ...} with Go string escapes.
bool parse_selector(std::string_view s, Pairs& out) {
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < s.size() && s[i] == ' ') ++i;
  };
  if (s.empty() || s[i++] != '{') return false;
  skip_spaces();
  if (i < s.size() && s[i] == '}') return i + 1 == s.size();
  for (;;) {
    const size_t start = i;
    while (i < s.size() && s[i] != '=' && s[i] != ' ') ++i;
    std::string name(s.substr(start, i - start));
    skip_spaces();
    if (i + 1 >= s.size() || s[i] != '=' || s[i + 1] != '"') return false;
    i += 2;
    std::string value;
    for (;;) {
      if (i >= s.size()) return false;
      const char c = s[i++];
      if (c == '"') break;
      if (c == '\n') return false;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (i >= s.size()) return false;
      const char e = s[i++];
      if (e == 'n')
        value += '\n';
      else if (e == 't')
        value += '\t';
      else if (e == 'r')
        value += '\r';
      else if (e == '"' || e == '\\')
        value += e;
      else if (e == 'x' && i + 2 <= s.size()) {
        value += static_cast<char>(std::stoi(std::string(s.substr(i, 2)), nullptr, 16));
        i += 2;
      } else {
        return false;
      }
    }
    out.emplace_back(std::move(name), std::move(value));
    skip_spaces();
    if (i < s.size() && s[i] == ',') {
      ++i;
      skip_spaces();
      continue;
    }
    return i + 1 == s.size() && s[i] == '}';
  }
}

std::vector<PushedStream> decode_protobuf(std::string_view message, Violations& v) {
  std::vector<PushedStream> out;
  std::vector<WireField> request;
  if (!read_fields(message, "PushRequest", request, v)) return out;
  for (const auto& sf : request) {
    if (sf.number != 1 || sf.wire_type != 2) {
      v.add("PushRequest: unexpected field " + std::to_string(sf.number));
      continue;
    }
    const std::string where = "stream " + std::to_string(out.size());
    PushedStream& s = out.emplace_back();
    std::vector<WireField> stream;
    if (!read_fields(sf.bytes, where, stream, v)) continue;
    bool have_labels = false;
    std::map<std::string, std::string> labels;
    for (const auto& f : stream) {
      if (f.number == 1 && f.wire_type == 2) {
        have_labels = true;
        if (!parse_selector(f.bytes, s.labels))
          v.add(where + ": labels are not a label selector: " + std::string(f.bytes));
        labels = std::map<std::string, std::string>(s.labels.begin(), s.labels.end());
      } else if (f.number == 2 && f.wire_type == 2) {
        const std::string at = where + " entry " + std::to_string(s.entries.size());
        LokiPushedEntry& e = s.entries.emplace_back();
        e.stream = labels;
        std::vector<WireField> entry;
        if (!read_fields(f.bytes, at, entry, v)) continue;
        bool have_time = false;
        for (const auto& ef : entry) {
          if (ef.number == 1 && ef.wire_type == 2) {
            have_time = true;
            std::vector<WireField> ts;
            if (!read_fields(ef.bytes, at + " timestamp", ts, v)) continue;
            uint64_t seconds = 0, nanos = 0;
            for (const auto& tf : ts) {
              if (tf.number == 1 && tf.wire_type == 0)
                seconds = tf.value;
              else if (tf.number == 2 && tf.wire_type == 0)
                nanos = tf.value;
              else
                v.add(at + " timestamp: unexpected field " + std::to_string(tf.number));
            }
            if (nanos >= 1'000'000'000) v.add(at + ": timestamp nanos out of range");
            e.time_ns = seconds * 1'000'000'000 + nanos;
          } else if (ef.number == 2 && ef.wire_type == 2) {
            e.line = std::string(ef.bytes);
          } else if (ef.number == 3 && ef.wire_type == 2) {
            std::vector<WireField> pair;
            if (!read_fields(ef.bytes, at + " structuredMetadata", pair, v)) continue;
            std::string name, value;
            for (const auto& pf : pair) {
              if (pf.number == 1 && pf.wire_type == 2)
                name = std::string(pf.bytes);
              else if (pf.number == 2 && pf.wire_type == 2)
                value = std::string(pf.bytes);
              else
                v.add(at + " structuredMetadata: unexpected field " + std::to_string(pf.number));
            }
            e.metadata.emplace_back(std::move(name), std::move(value));
          } else if (ef.number == 4) {
            v.add(at + ": `parsed` (field 4) is for query responses, not pushes");
          } else {
            v.add(at + ": unexpected field " + std::to_string(ef.number));
          }
        }
        if (!have_time) v.add(at + ": no timestamp");
      } else if (f.number == 3) {
        v.add(where + ": `hash` (field 3) is Loki's own, clients do not send it");
      } else {
        v.add(where + ": unexpected field " + std::to_string(f.number));
      }
    }
    if (!have_labels) v.add(where + ": no labels field");
  }
  return out;
}

}  // namespace

CannedResponse loki_answer(int status, std::string body,
                           std::vector<std::pair<std::string, std::string>> headers) {
  CannedResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

std::string LokiPushedEntry::meta(const std::string& name) const {
  for (const auto& [n, value] : metadata)
    if (n == name) return value;
  return {};
}

std::vector<std::string> check_loki_push(const CapturedRequest& request, const std::string& tenant,
                                         std::vector<LokiPushedEntry>* entries) {
  Violations v;
  if (request.method != "POST") v.add("method " + request.method + ", not POST");
  if (request.uri != "/loki/api/v1/push") v.add("path " + request.uri + ", not /loki/api/v1/push");
  const std::string org = request.header("X-Scope-OrgID");
  if (org != tenant) v.add("X-Scope-OrgID is \"" + org + "\", expected \"" + tenant + "\"");
  const std::string type = request.header("Content-Type");
  const std::string encoding = request.header("Content-Encoding");
  std::vector<PushedStream> streams;
  if (type == "application/json" || type.starts_with("application/json;")) {
    if (!encoding.empty() && encoding != "gzip")
      v.add("Content-Encoding " + encoding + " on JSON (the receiver decodes gzip only)");
    streams = decode_json(request.body, v);
  } else if (type == "application/x-protobuf") {
    // Loki decodes protobuf as raw snappy whatever Content-Encoding says ("snappy" is a
    // no-op marker); a gzip layer on top is what the exporter must not add.
    if (!encoding.empty() && encoding != "snappy")
      v.add("Content-Encoding " + encoding + " on a snappy protobuf body");
    std::string message;
    if (!snappy::IsValidCompressedBuffer(request.raw_body.data(), request.raw_body.size()) ||
        !snappy::Uncompress(request.raw_body.data(), request.raw_body.size(), &message))
      v.add("protobuf body is not snappy block-compressed");
    else
      streams = decode_protobuf(message, v);
  } else {
    v.add("Content-Type \"" + type + "\", not application/json or application/x-protobuf");
  }
  if (v.empty()) check_streams(streams, v);
  auto list = v.take();
  if (list.empty() && entries)
    for (auto& s : streams)
      for (auto& e : s.entries) entries->push_back(std::move(e));
  return list;
}

LokiReceiver::LokiReceiver(LokiReceiverOptions options) : tenant_(std::move(options.tenant)) {
  server_ = std::make_unique<LocalHttpServer>(
      [this](const CapturedRequest& r) { return handle(r); }, std::move(options.tls));
}

LokiReceiver::~LokiReceiver() {
  server_.reset();
}

CannedResponse LokiReceiver::handle(const CapturedRequest& request) {
  std::vector<LokiPushedEntry> pushed;
  const auto problems = check_loki_push(request, tenant_, &pushed);
  std::lock_guard lock(mutex_);
  const size_t n = pushes_++;
  CannedResponse answer;
  answer.status = 204;
  if (!problems.empty()) {
    answer.status = 400;
    for (const auto& p : problems) {
      violations_.push_back("push " + std::to_string(n) + ": " + p);
      answer.body += p + "\n";
    }
  } else if (!script_.empty()) {
    answer = std::move(script_.front());
    script_.pop_front();
  }
  if (answer.status == 200 || answer.status == 204)
    for (auto& e : pushed) entries_.push_back(std::move(e));
  statuses_.push_back(answer.status);
  return answer;
}

void LokiReceiver::script(std::vector<CannedResponse> answers) {
  std::lock_guard lock(mutex_);
  for (auto& a : answers) script_.push_back(std::move(a));
}

std::vector<LokiPushedEntry> LokiReceiver::entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

std::vector<std::string> LokiReceiver::violations() const {
  std::lock_guard lock(mutex_);
  return violations_;
}

std::vector<int> LokiReceiver::statuses() const {
  std::lock_guard lock(mutex_);
  return statuses_;
}

}  // namespace kjt
