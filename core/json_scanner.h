// A validating single-pass cursor over one JSON text (RFC 8259) for the JSON line parsers
// (klog JSON, logrus JSON): members are read in place, string values decoded straight into
// the caller's strings and other values kept as their text, so a record costs no document
// and, with reused output strings, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kj {

namespace json_scanner_detail {

// Index of the first byte at or after s[i] that may not be copied as it is inside a JSON
// string (`"`, `\`, a control character or a non-ASCII byte), or s.size(). Strings are nearly
// all of a record's bytes, so they are scanned 16 bytes at a time where SSE2 is available; in
// the header so that the parsers' per-member calls inline.
inline size_t find_string_stop(std::string_view s, size_t i) {
  const size_t n = s.size();
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  for (; i + 16 <= n; i += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // Signed compare: bytes >= 0x80 are negative, so one test catches controls and non-ASCII.
    const __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)),
                     _mm_cmplt_epi8(block, space));
    const int mask = _mm_movemask_epi8(hits);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
  }
  return i;
}

}  // namespace json_scanner_detail

// A span of validated JSON value text.
struct JsonValueSpan {
  size_t begin = 0, end = 0;
  bool has_ws = false;      // whitespace between tokens, which the compact form drops
  bool has_escape = false;  // a backslash escape in a string inside the value
  char kind = 0;            // first byte: '"', '{', '[', 't', 'f', 'n', or '-'/digit for numbers
};

// How deep a skipped value may nest. Depth counts from the value skip_value() starts on (0);
// the elements and member values of a container at depth d are at depth d + 1.
struct JsonNestingLimit {
  int depth = 512;
  // true: only objects and arrays at `depth` or deeper are rejected (scalars may sit at
  // `depth`); false: any value at `depth` or deeper is.
  bool containers_only = true;
};

// How strings inside a non-string value appear in its compact text.
enum class JsonStringText : uint8_t {
  as_written,       // the input's escapes, unchanged
  minimal_escapes,  // decoded, then only `"`, `\` and control characters escaped
};

// Cursor over one JSON text; every method validates as it goes and returns false on the first
// byte that is not JSON. Strings must be valid UTF-8 (RFC 3629); a `\u` escape of a lone
// surrogate decodes to U+FFFD, as Go's encoding/json does.
class JsonScanner {
 public:
  explicit JsonScanner(std::string_view s, JsonNestingLimit limit = {}) : s_(s), limit_(limit) {}

  size_t pos() const { return i_; }
  bool at_end() const { return i_ >= s_.size(); }
  bool skip_ws() {
    const size_t start = i_;
    while (i_ < s_.size() && is_ws(s_[i_])) ++i_;
    return i_ != start;
  }
  bool take(char c) {
    if (i_ >= s_.size() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool peek_is(char c) const { return i_ < s_.size() && s_[i_] == c; }

  // String at the cursor (which is on '"'): decoded bytes appended to `out`.
  bool read_string(std::string& out) {
    const size_t begin = i_ + 1;
    const size_t k = json_scanner_detail::find_string_stop(s_, begin);
    out.append(s_.data() + begin, k - begin);
    i_ = k;
    if (k < s_.size() && s_[k] == '"') {
      ++i_;
      return true;
    }
    return read_string_rest(out);
  }

  // String at the cursor as a view: into the input when it has no escapes (the usual case
  // for keys, so no copy), else decoded into `scratch`.
  bool read_string_view(std::string_view& view, std::string& scratch) {
    const size_t begin = i_ + 1;
    const size_t k = json_scanner_detail::find_string_stop(s_, begin);
    if (k < s_.size() && s_[k] == '"') {
      view = s_.substr(begin, k - begin);
      i_ = k + 1;
      return true;
    }
    scratch.clear();
    if (!read_string(scratch)) return false;
    view = scratch;
    return true;
  }

  // An object member's name (the cursor is where a member should start) as read_string_view
  // gives it, and the cursor moved past the `:` to the first byte of the value. False when
  // the text there is not `"name" :` followed by something.
  bool read_member_name(std::string_view& name, std::string& scratch) {
    if (!peek_is('"') || !read_string_view(name, scratch)) return false;
    skip_ws();
    if (!take(':')) return false;
    skip_ws();
    return !at_end();
  }

  // Any value at the cursor, validated, without decoding.
  bool skip_value(JsonValueSpan& v);

  std::string_view text(const JsonValueSpan& v) const {
    return s_.substr(v.begin, v.end - v.begin);
  }

  // Appends the value's JSON text without whitespace between tokens; numbers, literals and
  // key order as written.
  void append_compact(const JsonValueSpan& v, JsonStringText strings, std::string& out) const;

  static constexpr bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

 private:
  // read_string from i_, inside the string, on.
  bool read_string_rest(std::string& out);
  bool read_escape(std::string& out);
  int32_t read_hex4();
  bool skip_string(JsonValueSpan& v);
  bool skip_number();
  bool skip_literal(std::string_view word);
  bool ws(JsonValueSpan& v);
  bool skip_value_at(JsonValueSpan& v, int depth);

  std::string_view s_;
  JsonNestingLimit limit_;
  size_t i_ = 0;
};

}  // namespace kj
