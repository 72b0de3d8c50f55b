#include "core/klog_json_parser.h"
#include "core/field_sink.h"
#include "core/utf8.h"

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kj {
namespace {

// Nesting allowed inside one member value; zap output nests a few levels, and a bound keeps
// the recursive validator's stack use small on hostile input.
constexpr int kMaxDepth = 512;

constexpr bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Bytes that can be copied as they are inside a JSON string: printable ASCII except `"`, `\`.
constexpr std::array<bool, 256> kPlainStringByte = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<size_t>(c)] = true;
  t[static_cast<unsigned char>('"')] = false;
  t[static_cast<unsigned char>('\\')] = false;
  return t;
}();

// Index of the first byte at or after s[i] that kPlainStringByte does not cover, or s.size().
// Strings are nearly all of a record's bytes, so they are scanned 16 bytes at a time where
// SSE2 is available.
size_t find_string_stop(std::string_view s, size_t i) {
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
  while (i < n && kPlainStringByte[static_cast<unsigned char>(s[i])]) ++i;
  return i;
}

// A span of validated JSON value text.
struct ValueSpan {
  size_t begin = 0, end = 0;
  bool has_ws = false;  // whitespace between tokens, which the compact form drops
  char kind = 0;        // first byte: '"', '{', '[', 't', 'f', 'n', or '-'/digit for numbers
};

// Cursor over one line; every method validates as it goes and returns false on the first
// byte that is not JSON.
class JsonScanner {
 public:
  explicit JsonScanner(std::string_view s) : s_(s) {}

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
    ++i_;
    const size_t n = s_.size();
    while (true) {
      const size_t run = i_;
      i_ = find_string_stop(s_, i_);
      out.append(s_.data() + run, i_ - run);
      if (i_ >= n) return false;
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c == '\\') {
        if (!read_escape(out)) return false;
        continue;
      }
      if (c < 0x20) return false;  // raw control characters must be escaped
      const size_t len = utf8_sequence_length(std::string_view(s_.data(), n), i_);
      if (len == 0) return false;
      out.append(s_.data() + i_, len);
      i_ += len;
    }
  }

  // String at the cursor as a view: into the input when it has no escapes (the usual case
  // for keys, so no copy), else decoded into `scratch`.
  bool read_string_view(std::string_view& view, std::string& scratch) {
    const size_t begin = i_ + 1;
    const size_t k = find_string_stop(s_, begin);
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

  // Any value at the cursor, validated, without decoding.
  bool skip_value(ValueSpan& v) {
    v.begin = i_;
    v.has_ws = false;
    if (at_end()) return false;
    v.kind = s_[i_];
    if (!skip_value_at(v, 0)) return false;
    v.end = i_;
    return true;
  }

  std::string_view text(const ValueSpan& v) const { return s_.substr(v.begin, v.end - v.begin); }

 private:
  bool read_escape(std::string& out) {
    ++i_;  // the backslash
    if (i_ >= s_.size()) return false;
    const char e = s_[i_++];
    switch (e) {
      case '"':
        out.push_back('"');
        return true;
      case '\\':
        out.push_back('\\');
        return true;
      case '/':
        out.push_back('/');
        return true;
      case 'b':
        out.push_back('\b');
        return true;
      case 'f':
        out.push_back('\f');
        return true;
      case 'n':
        out.push_back('\n');
        return true;
      case 'r':
        out.push_back('\r');
        return true;
      case 't':
        out.push_back('\t');
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    int32_t unit = read_hex4();
    if (unit < 0) return false;
    uint32_t rune = static_cast<uint32_t>(unit);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      // A high surrogate pairs only with an immediately following `\u` low surrogate;
      // otherwise it stands alone and the next escape is decoded on its own.
      if (s_.size() - i_ >= 6 && s_[i_] == '\\' && s_[i_ + 1] == 'u') {
        const size_t save = i_;
        i_ += 2;
        const int32_t low = read_hex4();
        if (low < 0) return false;
        if (low >= 0xDC00 && low <= 0xDFFF) {
          rune = 0x10000 + ((static_cast<uint32_t>(unit) - 0xD800) << 10) +
                 (static_cast<uint32_t>(low) - 0xDC00);
        } else {
          i_ = save;
          rune = 0xFFFD;
        }
      } else {
        rune = 0xFFFD;
      }
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      rune = 0xFFFD;
    }
    append_utf8(out, rune);
    return true;
  }

  int32_t read_hex4() {
    if (s_.size() - i_ < 4) return -1;
    int32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const int d = hex_value(s_[i_ + static_cast<size_t>(k)]);
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    i_ += 4;
    return v;
  }

  // Validates a string without keeping its bytes.
  bool skip_string() {
    ++i_;
    const size_t n = s_.size();
    while (true) {
      i_ = find_string_stop(s_, i_);
      if (i_ >= n) return false;
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c == '\\') {
        ++i_;
        if (i_ >= n) return false;
        const char e = s_[i_++];
        if (e == 'u') {
          if (read_hex4() < 0) return false;
        } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                   e != 'r' && e != 't') {
          return false;
        }
        continue;
      }
      if (c < 0x20) return false;
      const size_t len = utf8_sequence_length(std::string_view(s_.data(), n), i_);
      if (len == 0) return false;
      i_ += len;
    }
  }

  bool skip_number() {
    const size_t n = s_.size();
    take('-');
    if (i_ >= n || !is_digit(s_[i_])) return false;
    if (s_[i_] == '0') {
      ++i_;
    } else {
      while (i_ < n && is_digit(s_[i_])) ++i_;
    }
    if (take('.')) {
      if (i_ >= n || !is_digit(s_[i_])) return false;
      while (i_ < n && is_digit(s_[i_])) ++i_;
    }
    if (i_ < n && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (!take('+')) take('-');
      if (i_ >= n || !is_digit(s_[i_])) return false;
      while (i_ < n && is_digit(s_[i_])) ++i_;
    }
    return true;
  }

  bool skip_literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  bool ws(ValueSpan& v) {
    if (skip_ws()) v.has_ws = true;
    return !at_end();
  }

  bool skip_value_at(ValueSpan& v, int depth) {
    switch (s_[i_]) {
      case '"':
        return skip_string();
      case 't':
        return skip_literal("true");
      case 'f':
        return skip_literal("false");
      case 'n':
        return skip_literal("null");
      case '{':
      case '[':
        break;
      default:
        return skip_number();
    }
    if (depth >= kMaxDepth) return false;
    const bool object = s_[i_] == '{';
    const char close = object ? '}' : ']';
    ++i_;
    if (!ws(v)) return false;
    if (take(close)) return true;
    while (true) {
      if (object) {
        if (!peek_is('"') || !skip_string() || !ws(v) || !take(':') || !ws(v)) return false;
      }
      if (!skip_value_at(v, depth + 1) || !ws(v)) return false;
      if (take(close)) return true;
      if (!take(',') || !ws(v)) return false;
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

// The value's JSON text without whitespace between tokens.
void append_compact(std::string_view text, bool has_ws, std::string& out) {
  if (!has_ws) {
    out.append(text);
    return;
  }
  bool in_string = false;
  for (size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    if (in_string) {
      out.push_back(c);
      if (c == '\\') {
        out.push_back(text[++k]);  // validated: an escape always has a next byte
      } else if (c == '"') {
        in_string = false;
      }
    } else if (!is_ws(c)) {
      out.push_back(c);
      in_string = c == '"';
    }
  }
}

// Exact `ts` decoding (FORMATS.md §3.1, §10): the JSON number text, already validated, is
// D * 10^E with D its significant digits; nanoseconds are the leading digits of D shifted by
// E + 6 (milliseconds) or E + 9 (seconds), floored. nullopt when that does not fit in int64.
std::optional<int64_t> ts_text_to_ns(std::string_view t) {
  size_t k = 0;
  const bool negative = t[0] == '-';
  if (negative) ++k;
  const size_t int_begin = k;
  while (k < t.size() && is_digit(t[k])) ++k;
  const std::string_view int_digits = t.substr(int_begin, k - int_begin);
  std::string_view frac_digits;
  if (k < t.size() && t[k] == '.') {
    const size_t frac_begin = ++k;
    while (k < t.size() && is_digit(t[k])) ++k;
    frac_digits = t.substr(frac_begin, k - frac_begin);
  }
  int64_t exponent = 0;
  if (k < t.size() && (t[k] == 'e' || t[k] == 'E')) {
    ++k;
    bool exp_negative = false;
    if (t[k] == '+' || t[k] == '-') exp_negative = t[k++] == '-';
    // Saturate: anything beyond a few hundred digits either way is zero or overflow anyway,
    // and the bound keeps the arithmetic below far from int64 limits.
    for (; k < t.size(); ++k) {
      if (exponent < 100'000'000) exponent = exponent * 10 + (t[k] - '0');
    }
    if (exp_negative) exponent = -exponent;
  }

  const size_t total = int_digits.size() + frac_digits.size();
  auto digit = [&](size_t idx) {
    return idx < int_digits.size() ? int_digits[idx] : frac_digits[idx - int_digits.size()];
  };
  size_t lead = 0;
  while (lead < total && digit(lead) == '0') ++lead;
  if (lead == total) return 0;
  const auto sig = static_cast<int64_t>(total - lead);
  // value = 0.d1d2... * 10^magnitude, so value >= 1e11 exactly when magnitude >= 12.
  const int64_t magnitude = sig + exponent - static_cast<int64_t>(frac_digits.size());
  const int scale = (!negative && magnitude >= 12) ? 6 : 9;
  // Integer digits of the result: the first `keep` significant digits, zero padded.
  const int64_t keep = magnitude + scale;
  if (keep > 19) return std::nullopt;
  uint64_t ns = 0;  // at most 19 digits: below 10^19 < 2^64
  for (int64_t d = 0; d < keep; ++d) {
    ns =
        ns * 10 + (d < sig ? static_cast<uint64_t>(digit(lead + static_cast<size_t>(d)) - '0') : 0);
  }
  bool dropped_nonzero = false;
  for (int64_t d = keep < 0 ? 0 : keep; d < sig && !dropped_nonzero; ++d) {
    dropped_nonzero = digit(lead + static_cast<size_t>(d)) != '0';
  }
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!negative) {
    if (ns > kMax) return std::nullopt;
    return static_cast<int64_t>(ns);
  }
  // Floor: -1.5 ns is -2 ns. The most negative result is -(kMax + 1).
  const uint64_t magnitude_ns = ns + (dropped_nonzero ? 1 : 0);
  if (magnitude_ns > kMax + 1) return std::nullopt;
  if (magnitude_ns == kMax + 1) return std::numeric_limits<int64_t>::min();
  return -static_cast<int64_t>(magnitude_ns);
}

// `v` as zapr writes it: a JSON integer. nullopt for anything else (fractions, exponents,
// values outside int).
std::optional<int> verbosity_from_text(std::string_view t) {
  size_t k = 0;
  const bool negative = !t.empty() && t[0] == '-';
  if (negative) ++k;
  if (k >= t.size()) return std::nullopt;
  int64_t v = 0;
  for (; k < t.size(); ++k) {
    if (!is_digit(t[k])) return std::nullopt;
    v = v * 10 + (t[k] - '0');
    if (v > std::numeric_limits<int>::max()) return std::nullopt;
  }
  return static_cast<int>(negative ? -v : v);
}

bool parse_object(std::string_view line, ParsedLine& out) {
  JsonScanner sc(line);
  sc.skip_ws();
  if (!sc.take('{')) return false;
  sc.skip_ws();

  FieldSink sink(out.fields);
  bool has_msg = false, has_ts = false, has_v = false;
  std::string key_scratch;
  ValueSpan span;

  if (!sc.take('}')) {
    while (true) {
      if (!sc.peek_is('"')) return false;
      std::string_view key;
      if (!sc.read_string_view(key, key_scratch)) return false;
      sc.skip_ws();
      if (!sc.take(':')) return false;
      sc.skip_ws();
      if (sc.at_end()) return false;

      const bool is_string = sc.peek_is('"');
      // The record's own members; the last occurrence wins, as in a JSON object.
      std::string* target = nullptr;
      if (key == "msg") {
        has_msg = true;
        target = &out.message;
      } else if (key == "caller") {
        target = &out.caller;
      }
      if (target != nullptr) {
        target->clear();
        if (is_string) {
          if (!sc.read_string(*target)) return false;
        } else {
          if (!sc.skip_value(span)) return false;
          append_compact(sc.text(span), span.has_ws, *target);
        }
      } else if (key == "ts" && !is_string && !sc.peek_is('{') && !sc.peek_is('[')) {
        if (!sc.skip_value(span)) return false;
        if (span.kind == '-' || is_digit(span.kind)) {
          has_ts = true;
          out.time_ns = ts_text_to_ns(sc.text(span));
        } else {
          sink.add(key).assign(sc.text(span));  // true / false / null: not a time
        }
      } else if (key == "v") {
        if (!sc.skip_value(span)) return false;
        has_v = true;
        out.level_raw.assign("v=");
        append_compact(sc.text(span), span.has_ws, out.level_raw);
        out.verbosity.reset();
        if (span.kind == '-' || is_digit(span.kind))
          out.verbosity = verbosity_from_text(sc.text(span));
      } else {
        std::string& value = sink.add(key);
        if (is_string) {
          if (!sc.read_string(value)) return false;
        } else {
          if (!sc.skip_value(span)) return false;
          append_compact(sc.text(span), span.has_ws, value);
        }
      }

      sc.skip_ws();
      if (sc.take('}')) break;
      if (!sc.take(',')) return false;
      sc.skip_ws();
    }
  }
  sc.skip_ws();
  if (!sc.at_end() || (!has_msg && !has_ts)) return false;

  sink.commit();
  out.format = LineFormat::klog_json;
  if (has_v) {
    // Any `v` marks an Info call (FORMATS.md §3.2); only an integer is a verbosity.
    out.severity = out.verbosity ? severity_from_klog_verbosity(*out.verbosity) : Severity::info;
  } else {
    out.severity = Severity::error;
    out.level_raw.assign("(no v key)");
  }
  return true;
}

}  // namespace

bool parse_klog_json(std::string_view line, ParsedLine& out) {
  auto fields = std::move(out.fields);
  out.clear();
  out.fields = std::move(fields);
  if (parse_object(line, out)) return true;
  out.clear();
  return false;
}

}  // namespace kj
