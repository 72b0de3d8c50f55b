#include "core/record_json.h"

#include <charconv>
#include <cstring>
#include <initializer_list>

#include "core/json_writer.h"
#include "core/record_id.h"
#include "core/time_format.h"

namespace kj {
namespace {

enum Key {
  kTime,
  kObserved,
  kSeverity,
  kLevel,
  kComponent,
  kUnit,
  kNode,
  kIdentifier,
  kPid,
  kMessage,
  kCaller,
  kAttributes,
  kSource,
  kCursor,
  kId
};

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// The record is written through a pointer into room reserved once per record: appending each
// of its ~30 pieces to the string separately (a capacity check and a copy call each) cost
// more than escaping the text.
//
// `k` is the key as written after a previous member, `,"name":`; the first one drops the
// comma. Each branch copies a length known at compile time, which compiles to a few moves
// instead of a memcpy call of a variable length.
template <size_t N>
inline char* key(char* p, bool& first, const char (&k)[N]) {
  constexpr size_t len = N - 1;  // without the terminating NUL
  if (first) [[unlikely]] {
    first = false;
    memcpy(p, k + 1, len - 1);
    return p + len - 1;
  }
  memcpy(p, k, len);
  return p + len;
}

inline char* quoted(char* p, std::string_view s) {
  *p++ = '"';
  p = json::write_escaped(p, s);
  *p++ = '"';
  return p;
}

inline char* time_value(char* p, int64_t ns, Rfc3339UtcFormatter& tf) {
  *p++ = '"';
  p += tf.format(p, floor_div(ns, 1000));
  *p++ = '"';
  return p;
}

// Room for everything but the escaped strings: keys and punctuation (~150 bytes), two times,
// the severity name, a pid and an id.
constexpr size_t kFixedBytes = 256 + 2 * kMaxRfc3339Bytes + kRecordIdBytes;

size_t room_for(std::string_view s) {
  return json::max_escaped_size(s.size()) + 2;
}

// Writes the object at p, which has room_for_record(r) bytes; returns its end.
char* write_record(char* p, const Record& r, const RecordJsonKeys& keys, Rfc3339UtcFormatter& tf) {
  auto want = [&](Key k) { return keys.test(k); };
  bool first = true;
  *p++ = '{';
  if (want(kTime)) {
    p = key(p, first, ",\"time\":");
    p = time_value(p, r.time_ns, tf);
  }
  if (want(kObserved) && r.observed_time_ns && r.observed_time_ns != r.time_ns) {
    p = key(p, first, ",\"observed_time\":");
    p = time_value(p, r.observed_time_ns, tf);
  }
  if (want(kSeverity) && r.severity != Severity::unknown) {
    p = key(p, first, ",\"severity\":");
    p = quoted(p, severity_name(r.severity));
  }
  auto text = [&](Key k, const auto& name, const std::string& v) {
    if (want(k) && !v.empty()) {
      p = key(p, first, name);
      p = quoted(p, v);
    }
  };
  text(kLevel, ",\"level\":", r.level_raw);
  text(kComponent, ",\"component\":", r.component);
  text(kUnit, ",\"unit\":", r.unit);
  text(kNode, ",\"node\":", r.node);
  text(kIdentifier, ",\"identifier\":", r.identifier);
  if (want(kPid) && r.pid >= 0) {
    p = key(p, first, ",\"pid\":");
    p = std::to_chars(p, p + 24, r.pid).ptr;
  }
  if (want(kMessage)) {
    p = key(p, first, ",\"message\":");
    p = quoted(p, r.message);
  }
  text(kCaller, ",\"caller\":", r.caller);
  if (want(kAttributes) && !r.attributes.empty()) {
    p = key(p, first, ",\"attributes\":");
    *p++ = '{';
    bool first_attr = true;
    for (const auto& [k, v] : r.attributes) {
      if (!first_attr) *p++ = ',';
      first_attr = false;
      p = quoted(p, k);
      *p++ = ':';
      p = quoted(p, v);
    }
    *p++ = '}';
  }
  text(kSource, ",\"source\":", r.source);
  // File records carry their id key in the position's cursor slot; only journal cursors are
  // cursors a user can pass to --after-cursor.
  if (r.source == "journal") text(kCursor, ",\"cursor\":", r.position.cursor);
  if (want(kId) && !r.position.cursor.empty()) {
    p = key(p, first, ",\"id\":");
    *p++ = '"';
    write_record_id(p, r.position.cursor);
    p += kRecordIdBytes;
    *p++ = '"';
  }
  *p++ = '}';
  return p;
}

size_t room_for_record(const Record& r) {
  size_t room = kFixedBytes;
  for (const std::string* s : {&r.level_raw, &r.component, &r.unit, &r.node, &r.identifier,
                               &r.message, &r.caller, &r.source, &r.position.cursor}) {
    room += room_for(*s);
  }
  for (const auto& [k, v] : r.attributes) room += room_for(k) + room_for(v) + 2;
  return room;
}

}  // namespace

void append_record_json(std::string& out, const Record& r, const RecordJsonKeys& keys) {
  RecordJsonWriter().append(out, r, keys);
}

void RecordJsonWriter::append(std::string& out, const Record& r, const RecordJsonKeys& keys) {
  const size_t room = room_for_record(r);
  // Typical records fit a stack buffer, which costs nothing to reserve; growing the string
  // by the worst case instead would zero-fill six times the record's text every time.
  char local[4096];
  char* buf = local;
  if (room > sizeof local) {
    if (room > large_size_) {
      large_.reset(new char[room]);  // not value-initialized: nothing is zero-filled
      large_size_ = room;
    }
    buf = large_.get();
  }
  out.append(buf, static_cast<size_t>(write_record(buf, r, keys, time_) - buf));
}

}  // namespace kj
