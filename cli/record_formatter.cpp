#include "cli/record_formatter.h"

#include <unistd.h>

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <nlohmann/json.hpp>

#include "core/json_writer.h"

namespace kj::cli {
namespace {

const char* color_of(Severity s) {
  switch (s) {
    case Severity::error:
    case Severity::critical:
    case Severity::alert:
    case Severity::emergency:
    case Severity::fatal:
    case Severity::panic:
      return "\x1b[0;1;31m";
    case Severity::warning:
      return "\x1b[0;1;33m";
    case Severity::notice:
      return "\x1b[0;1;39m";
    case Severity::debug:
    case Severity::trace:
      return "\x1b[0;38;5;245m";
    default:
      return nullptr;
  }
}

// Index of the first byte of s[0, n) that is not printable ASCII (0x20..0x7e), or n. Nearly
// every message and attribute is plain ASCII, so this runs 16 bytes at a time where SSE2 is
// available; testing byte by byte was one of the largest costs of short output.
size_t printable_ascii_prefix(const char* s, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  if (n >= 16) {
    auto bad_mask = [s](size_t at) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + at));
      // Signed compare: bytes >= 0x80 are negative, so one test catches them and controls.
      const __m128i bad = _mm_or_si128(_mm_cmplt_epi8(b, _mm_set1_epi8(0x20)),
                                       _mm_cmpeq_epi8(b, _mm_set1_epi8(0x7f)));
      return static_cast<unsigned>(_mm_movemask_epi8(bad));
    };
    for (; i + 16 <= n; i += 16) {
      const unsigned m = bad_mask(i);
      if (m != 0) return i + static_cast<size_t>(__builtin_ctz(m));
    }
    if (i == n) return n;
    // The tail: the last 16 bytes again, ignoring those already known to be printable.
    const size_t base = n - 16;
    const unsigned m = bad_mask(base) & (0xFFFFu << (i - base));
    return m != 0 ? base + static_cast<size_t>(__builtin_ctz(m)) : n;
  }
#endif
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f) return i;
  }
  return n;
}

bool is_printable_ascii(std::string_view s) {
  return printable_ascii_prefix(s.data(), s.size()) == s.size();
}

// Terminal text: valid UTF-8, control bytes other than tab shown as \xNN so a binary field
// cannot move the cursor or change colours; continuation lines indented under the message.
void append_terminal_text(std::string& out, std::string_view s, size_t indent) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Printable ASCII (nearly every message) passes through unchanged.
  if (is_printable_ascii(s)) {
    out.append(s);
    return;
  }
  std::string valid;
  json::append_valid_utf8(valid, s);
  for (unsigned char c : valid) {
    if (c == '\n') {
      out.push_back('\n');
      out.append(indent, ' ');
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      out.append("\\x");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

// Appends the record's attributes text (append_attributes_text) as terminal text. The text is
// written in place and filtered only when it holds a byte that is not printable ASCII (then
// it is moved aside and appended through append_terminal_text): the same bytes as building it
// in a scratch string first, without copying and scanning it twice for nearly every record.
void append_attributes_terminal(std::string& out, const Record& r, size_t indent,
                                std::string& scratch) {
  const size_t mark = out.size();
  append_attributes_text(out, r);
  const std::string_view added(out.data() + mark, out.size() - mark);
  if (is_printable_ascii(added)) return;
  scratch.assign(added);
  out.resize(mark);
  append_terminal_text(out, scratch, indent);
}

// A value that short output shows without quotes: non-empty, and no blank, control byte, '"',
// '=', '\\', DEL or non-ASCII byte.
bool is_bare_value(std::string_view v) {
  if (v.empty()) return false;
  const char* s = v.data();
  const size_t n = v.size();
#if defined(__SSE2__)
  if (n >= 16) {
    auto any_bad = [s](size_t at) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + at));
      // Signed compare: bytes >= 0x80 are negative and caught with the blanks and controls.
      const __m128i bad =
          _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(b, _mm_set1_epi8(0x21)),
                                    _mm_cmpeq_epi8(b, _mm_set1_epi8(0x7f))),
                       _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('"')),
                                                 _mm_cmpeq_epi8(b, _mm_set1_epi8('='))),
                                    _mm_cmpeq_epi8(b, _mm_set1_epi8('\\'))));
      return _mm_movemask_epi8(bad) != 0;
    };
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
      if (any_bad(i)) return false;
    }
    // The last 16 bytes again: rechecking some costs less than a byte loop.
    return i == n || !any_bad(n - 16);
  }
#endif
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) return false;
  }
  return true;
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

void append_attributes_text(std::string& out, const Record& r) {
  for (const auto& [k, v] : r.attributes) {
    if (std::string_view(k) == "klog_time") continue;
    out.push_back(' ');
    out.append(k);
    out.push_back('=');
    // JSON values (klog writes structs and lists as JSON) read best as they are.
    const bool json_value = v.size() >= 2 && ((v.front() == '{' && v.back() == '}') ||
                                              (v.front() == '[' && v.back() == ']'));
    if (json_value || is_bare_value(v)) {
      out.append(v);
    } else {
      json::append_string(out, v);
    }
  }
}

std::optional<OutputMode> parse_output_mode(std::string_view n) {
  if (n == "short") return OutputMode::short_;
  if (n == "short-iso") return OutputMode::short_iso;
  if (n == "short-precise") return OutputMode::short_precise;
  if (n == "json") return OutputMode::json;
  if (n == "json-pretty") return OutputMode::json_pretty;
  if (n == "cat") return OutputMode::cat;
  return std::nullopt;
}

bool is_json(OutputMode m) {
  return m == OutputMode::json || m == OutputMode::json_pretty;
}

RecordFormatter::RecordFormatter(FormatOptions opts)
    : opts_(std::move(opts)),
      time_(opts_.utc, opts_.mode == OutputMode::short_iso ? ShortTimeFormatter::Style::iso
                                                           : ShortTimeFormatter::Style::syslog) {
  char host[256] = {};
  host_ = gethostname(host, sizeof host - 1) == 0 && host[0] ? host : "localhost";
  bool any = false;
  for (size_t i = 0; i < std::size(kJsonKeys); ++i) {
    keep_[i] = opts_.fields.empty();
    for (const auto& f : opts_.fields) {
      if (f == kJsonKeys[i]) keep_[i] = any = true;
    }
  }
  // Only journal field names given: keep the schema and add them as attributes.
  if (!opts_.fields.empty() && !any) keep_.set();
}

void RecordFormatter::append(std::string& out, const Record& r) {
  switch (opts_.mode) {
    case OutputMode::cat:
      append_terminal_text(out, r.message, 0);
      if (!r.attributes.empty()) append_attributes_terminal(out, r, 0, scratch_);
      out.push_back('\n');
      return;
    case OutputMode::json:
      json_.append(out, r, keep_);
      out.push_back('\n');
      return;
    case OutputMode::json_pretty:
      // For people reading one record at a time; not a throughput path.
      scratch_.clear();
      append_record_json(scratch_, r, keep_);
      out.append(nlohmann::json::parse(scratch_).dump(4));
      out.push_back('\n');
      return;
    default:
      append_short(out, r);
  }
}

void RecordFormatter::append_short(std::string& out, const Record& r) {
  const size_t line_start = out.size();
  const int64_t us = floor_div(r.time_ns, 1000);
  const int64_t secs = floor_div(us, 1000000);
  time_.append(out, secs);
  if (opts_.mode == OutputMode::short_precise) append_micros(out, us);
  out.push_back(' ');
  // Log file records carry no host or process name: show this host and the component.
  out.append(r.node.empty() ? std::string_view(host_) : std::string_view(r.node));
  out.push_back(' ');
  const std::string& ident = !r.identifier.empty() ? r.identifier : r.component;
  append_terminal_text(out, ident.empty() ? std::string_view("unknown") : ident, 0);
  if (r.pid >= 0) {
    out.push_back('[');
    json::append_int(out, r.pid);
    out.push_back(']');
  }
  out.append(": ");
  const char* color = opts_.color ? color_of(r.severity) : nullptr;
  if (color) out.append(color);
  out.append(severity_short(r.severity));
  out.push_back(' ');
  if (!r.caller.empty()) {
    out.append(r.caller);
    out.append("] ");
  }
  const size_t indent = out.size() - line_start - (color ? std::string_view(color).size() : 0);
  append_terminal_text(out, r.message, indent);
  if (!r.attributes.empty()) append_attributes_terminal(out, r, indent, scratch_);
  if (color) out.append("\x1b[0m");
  out.push_back('\n');
}

}  // namespace kj::cli
