#include "core/klog_parser.h"
#include "core/field_sink.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "core/klog_header.h"
#include "core/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kj {
namespace {

constexpr size_t npos = std::string_view::npos;

// A key is `[^\s="]+` (FORMATS.md §2.4): klog writes keys verbatim, so this is the only way to
// tell where one ends.
constexpr std::array<bool, 256> kKeyByte = [] {
  std::array<bool, 256> t{};
  t.fill(true);
  for (char c : {' ', '\t', '\n', '\r', '\f', '\v', '=', '"'})
    t[static_cast<unsigned char>(c)] = false;
  return t;
}();

constexpr bool is_key_byte(char c) {
  return kKeyByte[static_cast<unsigned char>(c)];
}

// Index of the first `"`, `\` or newline at or after s[i], or s.size(): the end of a run of
// literal bytes inside a Go-quoted string. Quoted messages and values are most of a structured
// record, so this is scanned 16 bytes at a time where SSE2 is available.
size_t find_quote_stop(std::string_view s, size_t i) {
  const size_t n = s.size();
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i newline = _mm_set1_epi8('\n');
  for (; i + 16 <= n; i += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)),
                     _mm_cmpeq_epi8(block, newline));
    const int mask = _mm_movemask_epi8(hits);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i) {
    const char c = s[i];
    if (c == '"' || c == '\\' || c == '\n') return i;
  }
  return n;
}

// Index of the first byte at or after s[i] that cannot be part of a key, or s.size(). Keys
// are short but there is one per pair; 16 bytes per step where SSE2 is available.
size_t find_key_end(std::string_view s, size_t i) {
  const size_t n = s.size();
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // \t \n \v \f \r are 9..13: after subtracting 9 (wrapping), the bytes at most 4.
    const __m128i from_tab = _mm_sub_epi8(b, _mm_set1_epi8(9));
    const __m128i control_blank =
        _mm_cmpeq_epi8(_mm_min_epu8(from_tab, _mm_set1_epi8(4)), from_tab);
    const __m128i hits = _mm_or_si128(
        _mm_or_si128(control_blank, _mm_cmpeq_epi8(b, _mm_set1_epi8(' '))),
        _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('=')), _mm_cmpeq_epi8(b, _mm_set1_epi8('"'))));
    const int mask = _mm_movemask_epi8(hits);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  while (i < n && is_key_byte(s[i])) ++i;
  return i;
}

// Bytes the bracket scanner acts on; one table load decides for every other byte.
constexpr std::array<bool, 256> kBracketStop = [] {
  std::array<bool, 256> t{};
  for (char c : {'"', '{', '}', '[', ']'}) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `n` hex digits at s[i]; -1 if short or not hex.
int64_t read_hex(std::string_view s, size_t i, int n) {
  if (s.size() - i < static_cast<size_t>(n)) return -1;
  int64_t v = 0;
  for (int k = 0; k < n; ++k) {
    const int d = hex_value(s[i + static_cast<size_t>(k)]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// strconv.UnquoteChar accepts \u and \U only for what utf8.ValidRune accepts.
constexpr bool valid_rune(int64_t r) {
  return r >= 0 && r <= 0x10FFFF && !(r >= 0xD800 && r <= 0xDFFF);
}

// Index just past the bracket that closes the one at s[pos], or npos. Quoted strings are
// skipped (JSON), and a closer that does not match the innermost opener is plain text: legacy
// `%+v` values are unescaped Go structs whose text may hold stray brackets, e.g.
// `{Data:I0000 … main.go:42] Starting}` (corpus 21).
size_t scan_balanced(std::string_view s, size_t pos) {
  constexpr size_t kMaxDepth = 1024;
  std::array<uint64_t, kMaxDepth / 64> is_brace{};  // one bit per open level: '{' or '['
  size_t depth = 0;
  const size_t n = s.size();
  size_t i = pos;
  while (i < n) {
    const char c = s[i];
    if (!kBracketStop[static_cast<unsigned char>(c)]) {
      ++i;
      continue;
    }
    if (c == '"') {
      for (++i; i < n && s[i] != '"'; ++i) {
        if (s[i] == '\\') ++i;
      }
      if (i >= n) return npos;
      ++i;
      continue;
    }
    if (c == '{' || c == '[') {
      if (depth == kMaxDepth) return npos;
      const uint64_t bit = uint64_t{1} << (depth % 64);
      if (c == '{') {
        is_brace[depth / 64] |= bit;
      } else {
        is_brace[depth / 64] &= ~bit;
      }
      ++depth;
    } else if (depth > 0) {
      const size_t top = depth - 1;
      const bool brace = (is_brace[top / 64] >> (top % 64)) & 1;
      if (brace == (c == '}')) {
        if (--depth == 0) return i + 1;
      }
    }
    ++i;
  }
  return npos;
}

// End of a raw value that starts at s[pos]: the blank before the next ` key=`, or the end of
// the record. Every byte is looked at a bounded number of times: a failed key candidate
// resumes the search after its last key byte, which cannot be a blank.
size_t scan_raw(std::string_view s, size_t pos) {
  const size_t n = s.size();
  size_t i = pos;
  while (i < n) {
    const void* hit = std::memchr(s.data() + i, ' ', n - i);
    if (hit == nullptr) return n;
    const size_t blank = static_cast<size_t>(static_cast<const char*>(hit) - s.data());
    const size_t k = find_key_end(s, blank + 1);
    if (k > blank + 1 && k < n && s[k] == '=') return blank;
    i = k > blank + 1 ? k : blank + 1;
  }
  return n;
}

// `key=<` block (FORMATS.md §2.3): s[pos] is '<' and s[pos + 1] is '\n'. Value lines start
// with one TAB, which is dropped; the block ends at the first line that starts with ` >`
// and pos is left right after that ` >`, where the next pair may follow.
bool decode_block(std::string_view s, size_t& pos, std::string& out) {
  const size_t n = s.size();
  size_t i = pos + 2;
  bool first = true;
  while (i < n) {
    if (s[i] == '\t') {
      const void* nl = std::memchr(s.data() + i, '\n', n - i);
      if (nl == nullptr) return false;  // cut off before the terminator
      const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - s.data());
      if (!first) out.push_back('\n');
      out.append(s.data() + i + 1, end - i - 1);
      first = false;
      i = end + 1;
    } else if (s[i] == ' ' && i + 1 < n && s[i + 1] == '>') {
      pos = i + 2;
      return true;
    } else {
      return false;
    }
  }
  return false;
}

// The message part after `] ` as InfoS/ErrorS write it: `"msg"( key=value)*` (§2.4). False
// as soon as anything does not fit, so the caller can fall back to unstructured text.
bool parse_structured(std::string_view s, ParsedLine& out) {
  size_t pos = 0;
  if (!append_go_quoted(s, pos, out.message)) return false;

  FieldSink sink(out.fields, out.spare_fields);
  const size_t n = s.size();
  // After one bracketed value runs to the end without closing, every later one would too
  // (the scan restarts inside the same unclosed text); raw tokens keep the record linear.
  bool brackets_ok = true;
  while (pos < n) {
    if (s[pos] != ' ') return false;
    const size_t key_begin = ++pos;
    pos = find_key_end(s, pos);
    if (pos == key_begin || pos >= n || s[pos] != '=') return false;
    std::string& value = sink.add(s.substr(key_begin, pos - key_begin));
    ++pos;
    if (pos >= n) break;  // `key=` at the very end: an empty raw value

    const char c = s[pos];
    if (c == '"') {
      if (!append_go_quoted(s, pos, value)) return false;
      continue;
    }
    if (c == '<' && pos + 1 < n && s[pos + 1] == '\n') {
      if (!decode_block(s, pos, value)) return false;
      continue;
    }
    if ((c == '{' || c == '[') && brackets_ok) {
      const size_t end = scan_balanced(s, pos);
      if (end == npos) brackets_ok = false;
      // A bracketed value that closes somewhere other than before a blank is not one value
      // (e.g. legacy `{a} b` text); the raw rule below then decides where it ends.
      if (end != npos && (end == n || s[end] == ' ')) {
        value.assign(s.data() + pos, end - pos);
        pos = end;
        continue;
      }
    }
    const size_t end = scan_raw(s, pos);
    value.assign(s.data() + pos, end - pos);
    pos = end;
  }
  sink.commit();
  return true;
}

// out.clear(), except that the fields' strings survive for FieldSink to reuse. Member by
// member rather than moving the vector out and back: this runs once per klog record.
void reset_keeping_fields(ParsedLine& out) {
  out.format = LineFormat::unknown;
  out.severity = Severity::unknown;
  out.level_raw.clear();
  out.time_ns.reset();
  out.local_time.reset();
  out.message.clear();
  out.caller.clear();
  out.thread_id = -1;
  out.verbosity.reset();
  out.structured = false;
}

}  // namespace

bool append_go_quoted(std::string_view s, size_t& pos, std::string& out) {
  const size_t n = s.size();
  if (pos >= n || s[pos] != '"') return false;
  size_t i = pos + 1;
  while (true) {
    const size_t run = find_quote_stop(s, i);
    out.append(s.data() + i, run - i);
    if (run >= n || s[run] == '\n') return false;
    if (s[run] == '"') {
      pos = run + 1;
      return true;
    }
    // A backslash.
    i = run + 1;
    if (i >= n) return false;
    const char e = s[i++];
    switch (e) {
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '"':
        out.push_back('"');
        break;
      // Go rejects \' inside "…"; FORMATS.md §10 lists it, and accepting it loses nothing.
      case '\'':
        out.push_back('\'');
        break;
      case 'x': {
        const int64_t v = read_hex(s, i, 2);
        if (v < 0) return false;
        out.push_back(static_cast<char>(v));
        i += 2;
        break;
      }
      case 'u':
      case 'U': {
        const int digits = e == 'u' ? 4 : 8;
        const int64_t r = read_hex(s, i, digits);
        if (!valid_rune(r)) return false;
        append_utf8(out, static_cast<uint32_t>(r));
        i += static_cast<size_t>(digits);
        break;
      }
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        // Exactly three octal digits, at most \377 (strconv.UnquoteChar).
        if (n - i < 2) return false;
        const char d1 = s[i], d2 = s[i + 1];
        if (d1 < '0' || d1 > '7' || d2 < '0' || d2 > '7') return false;
        const int v = (e - '0') * 64 + (d1 - '0') * 8 + (d2 - '0');
        if (v > 255) return false;
        out.push_back(static_cast<char>(v));
        i += 2;
        break;
      }
      default:
        return false;
    }
  }
}

namespace {

void fill_from_header(std::string_view record, const KlogHeader& h, ParsedLine& out) {
  out.format = LineFormat::klog;
  out.severity = h.severity;
  out.level_raw.assign(1, h.letter);
  out.local_time =
      LocalStamp{h.year, h.month, h.day, h.hour, h.minute, h.second, int64_t{h.microsecond} * 1000};
  out.thread_id = h.thread_id;
  out.caller.assign(record.substr(h.caller_offset, h.caller.size()));

  const std::string_view msg = record.substr(h.message_offset);
  if (!msg.empty() && msg.front() == '"' && parse_structured(msg, out)) {
    out.structured = true;
    return;
  }
  FieldSink::recycle(out.fields, out.spare_fields, 0);
  out.message.assign(msg);
}

}  // namespace

bool parse_klog(std::string_view record, ParsedLine& out) {
  reset_keeping_fields(out);
  // The record's own line terminator, if the grouper left it on, is not part of it (and a
  // header ending in a bare `]` is only recognised at the very end of the input).
  if (!record.empty() && record.back() == '\n') record.remove_suffix(1);
  const auto h = parse_klog_header(record);
  if (!h) {
    FieldSink::recycle(out.fields, out.spare_fields, 0);
    return false;
  }
  fill_from_header(record, *h, out);
  return true;
}

bool parse_klog(std::string_view record, const KlogHeader& header, ParsedLine& out) {
  std::string_view body = record;
  if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  // A first line that ends in a bare `]` has a header only when nothing follows it: with
  // continuation lines after it the record does not start with one (see parse_klog_header).
  const size_t m = header.message_offset;
  if (m == 0 || m > body.size() || (m < body.size() && body[m - 1] != ' ')) {
    return parse_klog(record, out);
  }
  reset_keeping_fields(out);
  fill_from_header(body, header, out);
  return true;
}

}  // namespace kj
