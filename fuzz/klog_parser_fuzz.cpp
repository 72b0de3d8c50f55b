// libFuzzer target for parse_klog: no crash or sanitizer report on any input, plus invariants
// that tie the result to the header parser and to the input bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/klog_header.h"
#include "core/klog_parser.h"

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

bool same(const kj::ParsedLine& a, const kj::ParsedLine& b) {
  const bool same_time =
      a.local_time.has_value() == b.local_time.has_value() &&
      (!a.local_time ||
       (a.local_time->year == b.local_time->year && a.local_time->month == b.local_time->month &&
        a.local_time->day == b.local_time->day && a.local_time->hour == b.local_time->hour &&
        a.local_time->minute == b.local_time->minute &&
        a.local_time->second == b.local_time->second &&
        a.local_time->nanos == b.local_time->nanos));
  return a.format == b.format && a.severity == b.severity && a.level_raw == b.level_raw &&
         a.time_ns == b.time_ns && same_time && a.message == b.message && a.caller == b.caller &&
         a.thread_id == b.thread_id && a.verbosity == b.verbosity && a.structured == b.structured &&
         a.fields == b.fields;
}

bool is_key_byte(char c) {
  return c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != '=' &&
         c != '"';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view record = in;  // without the one trailing newline parse_klog ignores
  if (!record.empty() && record.back() == '\n') record.remove_suffix(1);
  kj::ParsedLine out;
  const bool ok = kj::parse_klog(in, out);
  const auto h = kj::parse_klog_header(record);
  require(ok == h.has_value(), "parse_klog accepts exactly what parse_klog_header accepts");

  // A ParsedLine left over from another (structured, multi-field) record gives the same result.
  kj::ParsedLine reused;
  kj::parse_klog(
      "E0101 00:00:00.000000 1 a.go:1] \"m\" a=\"a long value that needs the heap\" b=<\n\tx\n > "
      "c={\"k\":1} d=raw e=1",
      reused);
  require(reused.fields.size() == 5, "warm-up record parsed");
  require(kj::parse_klog(in, reused) == ok, "reuse: same verdict");
  require(same(out, reused), "reuse: same result");

  if (!ok) {
    require(out.format == kj::LineFormat::unknown, "rejected: format unknown");
    require(out.fields.empty() && out.message.empty() && out.caller.empty(), "rejected: empty");
    return 0;
  }

  require(out.format == kj::LineFormat::klog, "format klog");
  require(out.severity != kj::Severity::unknown, "severity known");
  require(out.level_raw.size() == 1 &&
              std::string_view("IWEF").find(out.level_raw[0]) != std::string_view::npos,
          "level_raw is one of IWEF");
  require(!out.caller.empty() && out.caller == h->caller, "caller is the header's file:line");
  require(out.caller.find(':') != std::string::npos, "caller has a colon");
  require(out.thread_id >= 0, "thread id");
  require(out.local_time.has_value(), "local time");
  const auto& t = *out.local_time;
  require(t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= 31 && t.hour <= 23 &&
              t.minute <= 59 && t.second <= 59 && t.nanos >= 0 && t.nanos < 1000000000 &&
              t.nanos % 1000 == 0,
          "local time in range");
  require(!out.time_ns && !out.verbosity, "no absolute time or verbosity in klog text");

  const std::string_view msg = record.substr(h->message_offset);
  if (!out.structured) {
    require(out.fields.empty(), "unstructured: no fields");
    require(out.message == msg, "unstructured: message verbatim");
  } else {
    require(!msg.empty() && msg.front() == '"', "structured: message part starts with a quote");
    // Decoding never grows text: every escape and block prefix is longer than its result.
    size_t total = out.message.size();
    for (const auto& [key, value] : out.fields) {
      require(!key.empty(), "field key non-empty");
      for (char c : key) require(is_key_byte(c), "field key has only key bytes");
      require(msg.find(" " + key + "=") != std::string_view::npos, "field key is in the input");
      total += key.size() + value.size();
    }
    require(total <= msg.size(), "decoded text no longer than the input");
  }

  // The record's own trailing newline does not change anything.
  if (in.empty() || in.back() != '\n') {
    kj::ParsedLine with_newline;
    require(kj::parse_klog(std::string(in) + "\n", with_newline), "newline: still parses");
    require(same(out, with_newline), "newline: same result");
  }
  return 0;
}
