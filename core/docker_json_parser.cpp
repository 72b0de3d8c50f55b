#include "core/docker_json_parser.h"

#include <cstring>
#include <nlohmann/json.hpp>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/rfc3339.h"
#include "core/utf8.h"

namespace kj {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_json_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Bytes a JSON string scan must look at: quote, backslash, control characters, non-ASCII.
struct SpecialTable {
  bool special[256] = {};
  constexpr SpecialTable() {
    for (int c = 0; c < 0x20; ++c) special[c] = true;
    for (int c = 0x80; c < 0x100; ++c) special[c] = true;
    special[static_cast<unsigned char>('"')] = true;
    special[static_cast<unsigned char>('\\')] = true;
  }
};
constexpr SpecialTable kSpecial;

#if defined(__SSE2__)
// Bit k set iff p[k] is `"`, `\\`, below 0x20 or above 0x7F: a signed compare with 0x20 catches
// the control bytes and, as negative numbers, the non-ASCII ones.
unsigned special_mask16(__m128i v) {
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  const __m128i low_or_high = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), low_or_high)));
}
#endif

uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Whether any of the eight bytes is `"`, `\`, below 0x20 or above 0x7F (the SWAR zero-byte
// test: (x - 0x01..) & ~x & 0x80.. is non-zero iff some byte of x is zero).
bool has_special_byte(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  const auto zero_byte = [](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const uint64_t control_or_high = ((w - kOnes * 0x20) | w) & kHighs;
  return (control_or_high | zero_byte(w ^ (kOnes * '"')) | zero_byte(w ^ (kOnes * '\\'))) != 0;
}

unsigned read_hex4(std::string_view s, size_t i) {
  unsigned v = 0;
  for (size_t k = 0; k < 4; ++k) v = (v << 4) | static_cast<unsigned>(hex_digit(s[i + k]));
  return v;
}

bool hex4_at(std::string_view s, size_t i) {
  if (s.size() - i < 4) return false;
  for (size_t k = 0; k < 4; ++k) {
    if (hex_digit(s[i + k]) < 0) return false;
  }
  return true;
}

// The byte a one-letter JSON escape stands for; 0 for `u` and invalid letters.
char simple_escape(char e) {
  switch (e) {
    case '"':
    case '\\':
    case '/':
      return e;
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return 0;
  }
}

char* put_utf8(char* d, unsigned cp) {
  if (cp < 0x80) {
    *d++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *d++ = static_cast<char>(0xC0 | (cp >> 6));
    *d++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *d++ = static_cast<char>(0xE0 | (cp >> 12));
    *d++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *d++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *d++ = static_cast<char>(0xF0 | (cp >> 18));
    *d++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *d++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *d++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return d;
}

struct JsonString {
  std::string_view inner;  // between the quotes, escapes not decoded
  bool escaped = false;
};

// Decodes a string that scan_string() validated.
void decode_string(const JsonString& str, std::string& out) {
  out.clear();
  const std::string_view s = str.inner;
  if (!str.escaped) {
    out.assign(s);
    return;
  }
  size_t i = 0;
  while (i < s.size()) {
    size_t at = s.find('\\', i);
    if (at == std::string_view::npos) at = s.size();
    out.append(s.data() + i, at - i);
    if (at == s.size()) break;
    const char c = s[at + 1];
    i = at + 2;
    if (c != 'u') {
      out.push_back(simple_escape(c));
      continue;
    }
    unsigned cp = read_hex4(s, i);
    i += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      const unsigned low = read_hex4(s, i + 2);  // validated: `\uDC00`-`\uDFFF` follows
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      i += 6;
    }
    char utf8[4];
    out.append(utf8, static_cast<size_t>(put_utf8(utf8, cp) - utf8));
  }
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return s_[i_]; }
  void skip_blanks() {
    while (i_ < s_.size() && is_json_blank(s_[i_])) ++i_;
  }
  bool consume(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  // nlohmann skips a UTF-8 byte order mark at the start of its input; so does this.
  void skip_bom() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;
  }

  // A string at the cursor (a `"`), validated as nlohmann's lexer does.
  bool scan_string(JsonString& out) {
    char* unused = nullptr;
    return scan<false>(out, unused);
  }

  // The same, also decoding the value into `decoded` in that one pass (for the big `log`
  // member). `decoded` keeps its capacity; its contents are unspecified on failure.
  bool scan_string(JsonString& out, std::string& decoded) {
    // Decoding never lengthens text, so the rest of the line bounds the result; 16 more bytes
    // let the bulk loop store whole blocks and advance over only their plain bytes. Growing
    // only when needed avoids re-zeroing the buffer for every line.
    const size_t need = s_.size() - i_ + 16;
    if (decoded.size() < need) decoded.resize(need);
    char* d = decoded.data();
    if (!scan<true>(out, d)) return false;
    decoded.resize(static_cast<size_t>(d - decoded.data()));
    return true;
  }

 private:
  template <bool kDecode>
  bool scan(JsonString& out, char*& d) {
    if (!consume('"')) return false;
    const size_t begin = i_;
    bool escaped = false;
    while (i_ < s_.size()) {
      // Plain bytes in bulk: log content is mostly printable ASCII.
#if defined(__SSE2__)
      while (s_.size() - i_ >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_.data() + i_));
        if constexpr (kDecode) _mm_storeu_si128(reinterpret_cast<__m128i*>(d), v);
        const unsigned mask = special_mask16(v);
        if (mask != 0) {
          const auto n = static_cast<size_t>(__builtin_ctz(mask));
          i_ += n;
          if constexpr (kDecode) d += n;
          break;
        }
        i_ += 16;
        if constexpr (kDecode) d += 16;
      }
#endif
      while (s_.size() - i_ >= 8) {
        const uint64_t w = load8(s_.data() + i_);
        if (has_special_byte(w)) break;
        if constexpr (kDecode) {
          std::memcpy(d, &w, 8);
          d += 8;
        }
        i_ += 8;
      }
      if (i_ >= s_.size()) break;
      const unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (!kSpecial.special[c]) {
        if constexpr (kDecode) *d++ = static_cast<char>(c);
        ++i_;
        continue;
      }
      if (c == '"') {
        out.inner = s_.substr(begin, i_ - begin);
        out.escaped = escaped;
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        const size_t n = utf8_sequence_length(s_, i_);
        if (n == 0) return false;
        if constexpr (kDecode) {
          std::memcpy(d, s_.data() + i_, n);
          d += n;
        }
        i_ += n;
        continue;
      }
      // Backslash.
      escaped = true;
      if (i_ + 1 >= s_.size()) return false;
      const char e = s_[i_ + 1];
      const char simple = simple_escape(e);
      if (simple != 0) {
        if constexpr (kDecode) *d++ = simple;
        i_ += 2;
        continue;
      }
      if (e != 'u' || !hex4_at(s_, i_ + 2)) return false;
      unsigned cp = read_hex4(s_, i_ + 2);
      i_ += 6;
      if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // low surrogate first
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (s_.size() - i_ < 6 || s_[i_] != '\\' || s_[i_ + 1] != 'u' || !hex4_at(s_, i_ + 2)) {
          return false;
        }
        const unsigned low = read_hex4(s_, i_ + 2);
        if (low < 0xDC00 || low > 0xDFFF) return false;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        i_ += 6;
      }
      if constexpr (kDecode) d = put_utf8(d, cp);
    }
    return false;
  }

 public:
  // Any value at the cursor; `text` is its JSON text. Strings are scanned here, everything else
  // is delimited here and validated by nlohmann (rare: attrs and unknown members).
  bool skip_value(std::string_view& text, JsonString* str) {
    const size_t begin = i_;
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '"') {
      JsonString tmp;
      if (!scan_string(str ? *str : tmp)) return false;
      text = s_.substr(begin, i_ - begin);
      return true;
    }
    if (c == '{' || c == '[') {
      size_t depth = 0;
      while (i_ < s_.size()) {
        const char d = s_[i_];
        if (d == '"') {
          JsonString tmp;
          if (!scan_string(tmp)) return false;
          continue;
        }
        ++i_;
        if (d == '{' || d == '[') {
          ++depth;
        } else if ((d == '}' || d == ']') && --depth == 0) {
          break;
        }
      }
      if (depth != 0) return false;
    } else {
      // Only a number or a literal is left. nlohmann would also skip a byte order mark at the
      // start of `text`, which is not JSON in the middle of a line.
      if (c != '-' && (c < '0' || c > '9') && c != 't' && c != 'f' && c != 'n') return false;
      while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' &&
             !is_json_blank(s_[i_])) {
        ++i_;
      }
    }
    text = s_.substr(begin, i_ - begin);
    // nlohmann takes a NUL byte for the end of its input, so `1\0junk` would pass as `1`.
    if (text.find('\0') != std::string_view::npos) return false;
    try {
      return nlohmann::json::accept(text.begin(), text.end());
    } catch (...) {
      return false;
    }
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

// The last occurrence of a member we use.
struct Member {
  bool present = false;
  bool is_string = false;
  JsonString str;
  std::string_view text;
};

}  // namespace

bool parse_docker_json(std::string_view line, DockerLine& out) {
  Scanner sc(line);
  sc.skip_bom();
  sc.skip_blanks();
  if (!sc.consume('{')) return false;
  Member log, stream, time, attrs;
  std::string key_buf;
  sc.skip_blanks();
  if (!sc.consume('}')) {
    for (;;) {
      sc.skip_blanks();
      JsonString key;
      if (sc.at_end() || sc.peek() != '"' || !sc.scan_string(key)) return false;
      std::string_view name = key.inner;
      if (key.escaped) {
        decode_string(key, key_buf);
        name = key_buf;
      }
      sc.skip_blanks();
      if (!sc.consume(':')) return false;
      sc.skip_blanks();
      Member* m = name == "log"      ? &log
                  : name == "stream" ? &stream
                  : name == "time"   ? &time
                  : name == "attrs"  ? &attrs
                                     : nullptr;
      Member scratch;
      Member& target = m ? *m : scratch;
      target = Member{};
      target.present = true;
      target.is_string = !sc.at_end() && sc.peek() == '"';
      if (m == &log && target.is_string) {
        if (!sc.scan_string(target.str, out.log)) return false;
      } else if (!sc.skip_value(target.text, &target.str)) {
        return false;
      }
      sc.skip_blanks();
      if (sc.consume(',')) continue;
      if (sc.consume('}')) break;
      return false;
    }
  }
  sc.skip_blanks();
  if (!sc.at_end()) return false;

  if (!time.present || !time.is_string) return false;
  if (!log.present && !stream.present) return false;
  if ((log.present && !log.is_string) || (stream.present && !stream.is_string)) return false;
  std::optional<int64_t> ns;
  if (time.str.escaped) {
    decode_string(time.str, key_buf);
    ns = parse_rfc3339_ns(key_buf);
  } else {
    ns = parse_rfc3339_ns(time.str.inner);
  }
  if (!ns) return false;

  out.time_ns = *ns;
  if (!log.present) out.log.clear();  // else scan_string decoded it
  if (stream.present) {
    decode_string(stream.str, out.stream);
  } else {
    out.stream.clear();
  }
  out.attrs = attrs.present ? attrs.text : std::string_view();
  out.partial = out.log.empty() || out.log.back() != '\n';
  if (!out.partial) out.log.pop_back();
  return true;
}

LogChunk to_chunk(const DockerLine& line, uint64_t origin) {
  return LogChunk{line.time_ns, log_stream_from_name(line.stream), line.log, line.partial, origin};
}

}  // namespace kj
