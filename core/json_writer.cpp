#include "core/json_writer.h"
#include "core/utf8.h"

#include <charconv>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kj::json {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

// Word-at-a-time test for a zero byte (the classic "haszero" bit trick).
constexpr uint64_t has_zero_byte(uint64_t v) {
  return (v - kOnes) & ~v & kHighs;
}

// True if any of the eight bytes is non-ASCII or, when escaping, a control byte, '"' or '\\'.
template <bool kEscape>
bool needs_attention(uint64_t w) {
  if constexpr (!kEscape) return (w & kHighs) != 0;
  const uint64_t bad = ((w | (w - kOnes * 0x20)) & kHighs) |  // >= 0x80, or < 0x20
                       has_zero_byte(w ^ (kOnes * '"')) | has_zero_byte(w ^ (kOnes * '\\'));
  return bad != 0;
}

#if defined(__SSE2__)
// Bit k set when byte k of the 16 at p needs attention (same rule as needs_attention).
template <bool kEscape>
unsigned attention_mask(const char* p) {
  const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  if constexpr (!kEscape) return static_cast<unsigned>(_mm_movemask_epi8(b));
  // Signed compare: bytes >= 0x80 are negative, so one test catches them and controls.
  const __m128i bad = _mm_or_si128(
      _mm_cmplt_epi8(b, _mm_set1_epi8(0x20)),
      _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('"')), _mm_cmpeq_epi8(b, _mm_set1_epi8('\\'))));
  return static_cast<unsigned>(_mm_movemask_epi8(bad));
}
#endif

// Index of the first byte at or after s[i] that needs attention, or n. Log text is mostly
// plain ASCII, and testing it byte by byte was the single largest cost of -o json.
template <bool kEscape>
size_t skip_plain(const char* s, size_t i, size_t n) {
#if defined(__SSE2__)
  if (n >= 16) {
    for (; i + 16 <= n; i += 16) {
      const unsigned m = attention_mask<kEscape>(s + i);
      if (m != 0) return i + static_cast<size_t>(__builtin_ctz(m));
    }
    if (i >= n) return n;
    // The tail: the last 16 bytes again, ignoring those already known to be plain.
    const size_t base = n - 16;
    const unsigned m = attention_mask<kEscape>(s + base) & (0xFFFFu << (i - base));
    return m != 0 ? base + static_cast<size_t>(__builtin_ctz(m)) : n;
  }
#endif
  // Short strings (most keys and values): whole words, the last one overlapping the one
  // before, so no byte loop runs unless a byte needs attention.
  if (n - i >= 8) {
    uint64_t w;
    while (i + 8 <= n) {
      memcpy(&w, s + i, 8);
      if (needs_attention<kEscape>(w)) break;
      i += 8;
    }
    if (i == n) return n;
    if (i + 8 > n) {
      memcpy(&w, s + n - 8, 8);
      if (!needs_attention<kEscape>(w)) return n;
    }
  } else if (n - i >= 4) {
    uint32_t a, b;
    memcpy(&a, s + i, 4);
    memcpy(&b, s + n - 4, 4);
    if (!needs_attention<kEscape>(uint64_t{a} | uint64_t{b} << 32)) return n;
  }
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) return i;
    if (kEscape && (c < 0x20 || c == '"' || c == '\\')) return i;
  }
  return n;
}

// The JSON escape of an ASCII byte that needs one ('"', '\\' or a control byte) into esc;
// returns its length.
size_t escape_ascii(unsigned char c, char* esc) {
  esc[0] = '\\';
  switch (c) {
    case '"':
    case '\\':
      esc[1] = static_cast<char>(c);
      return 2;
    case '\n':
      esc[1] = 'n';
      return 2;
    case '\t':
      esc[1] = 't';
      return 2;
    case '\r':
      esc[1] = 'r';
      return 2;
    case '\b':
      esc[1] = 'b';
      return 2;
    case '\f':
      esc[1] = 'f';
      return 2;
    default:
      esc[1] = 'u';
      esc[2] = '0';
      esc[3] = '0';
      esc[4] = kHex[c >> 4];
      esc[5] = kHex[c & 0xF];
      return 6;
  }
}

template <bool kEscape>
void append_impl(std::string& out, std::string_view s) {
  const size_t n = s.size();
  size_t i = skip_plain<kEscape>(s.data(), 0, n);
  if (i == n) {
    out.append(s.data(), n);
    return;
  }
  size_t run = 0;  // [run, i) is a pending stretch of bytes to copy verbatim
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t subpart = 0;
      const size_t len = utf8_sequence_length(s, i, &subpart);
      if (len) {
        i = skip_plain<kEscape>(s.data(), i + len, n);
        continue;
      }
      out.append(s.data() + run, i - run);
      out.append(kReplacement);
      i += subpart;
      run = i;
      i = skip_plain<kEscape>(s.data(), i, n);
      continue;
    }
    // Only escaping stops at ASCII bytes: control bytes pass through to the terminal
    // formatter otherwise, which decides.
    out.append(s.data() + run, i - run);
    char esc[6];
    out.append(esc, escape_ascii(c, esc));
    ++i;
    run = i;
    i = skip_plain<kEscape>(s.data(), i, n);
  }
  out.append(s.data() + run, n - run);
}

// Copies leading bytes of d[0, n) that need no escape to p and returns how many (at most up to
// the first byte that needs one): all n for nearly every string. Copying while testing saves a
// second pass (and a memcpy call) over text that is almost always plain. Stores stay inside p[0,
// n); bytes from the returned index on may have been written too, and the caller overwrites them.
size_t copy_plain_prefix(char* p, const char* d, size_t n) {
#if defined(__SSE2__)
  if (n >= 16) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(p + i), b);
      const unsigned m = attention_mask<true>(d + i);
      if (m != 0) return i + static_cast<size_t>(__builtin_ctz(m));
    }
    if (i == n) return n;
    // The tail: the last 16 bytes again (those before i are plain and already copied).
    const size_t base = n - 16;
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + base));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p + base), b);
    const unsigned m = attention_mask<true>(d + base) & (0xFFFFu << (i - base));
    return m != 0 ? base + static_cast<size_t>(__builtin_ctz(m)) : n;
  }
#endif
  if (n >= 8) {
    // Two overlapping words cover 8..15 bytes (and the first 16 without SSE2).
    size_t i = 0;
    uint64_t w;
    for (; i + 8 <= n; i += 8) {
      memcpy(&w, d + i, 8);
      if (needs_attention<true>(w)) return i;
      memcpy(p + i, &w, 8);
    }
    if (i == n) return n;
    memcpy(&w, d + n - 8, 8);
    if (needs_attention<true>(w)) return i;
    memcpy(p + n - 8, &w, 8);
    return n;
  }
  if (n >= 4) {
    uint32_t a, b;
    memcpy(&a, d, 4);
    memcpy(&b, d + n - 4, 4);
    if (needs_attention<true>(uint64_t{a} | uint64_t{b} << 32)) return 0;
    memcpy(p, &a, 4);
    memcpy(p + n - 4, &b, 4);
    return n;
  }
  size_t i = 0;
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(d[i]);
    if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') return i;
    p[i] = d[i];
  }
  return n;
}

// write_escaped from d[i] on, where the plain prefix ends: kept out of line so that the common
// case (nothing to escape) saves and restores no registers for it.
[[gnu::noinline]] char* write_escaped_rest(char* p, std::string_view s, size_t i) {
  const char* d = s.data();
  const size_t n = s.size();
  size_t run = i;  // [run, i) is a pending stretch of bytes to copy verbatim
  // The word-wise prefix copy stops at the word holding the first special byte, not at it.
  i = skip_plain<true>(d, i, n);
  while (i < n) {
    const auto c = static_cast<unsigned char>(d[i]);
    if (c >= 0x80) {
      size_t subpart = 0;
      const size_t len = utf8_sequence_length(s, i, &subpart);
      if (len) {
        i = skip_plain<true>(d, i + len, n);
        continue;
      }
      memcpy(p, d + run, i - run);
      p += i - run;
      memcpy(p, kReplacement.data(), kReplacement.size());
      p += kReplacement.size();
      i += subpart;
      run = i;
    } else {
      memcpy(p, d + run, i - run);
      p += i - run;
      p += escape_ascii(c, p);
      run = ++i;
    }
    i = skip_plain<true>(d, i, n);
  }
  memcpy(p, d + run, n - run);
  return p + (n - run);
}

}  // namespace

char* write_escaped(char* p, std::string_view s) {
  const size_t i = copy_plain_prefix(p, s.data(), s.size());
  if (i == s.size()) [[likely]]
    return p + i;
  return write_escaped_rest(p + i, s, i);
}

void append_escaped(std::string& out, std::string_view s) {
  append_impl<true>(out, s);
}

void append_string(std::string& out, std::string_view s) {
  out.push_back('"');
  append_impl<true>(out, s);
  out.push_back('"');
}

void append_valid_utf8(std::string& out, std::string_view s) {
  append_impl<false>(out, s);
}

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t subpart = 0;
    const size_t len = utf8_sequence_length(s, i, &subpart);
    if (!len) return false;
    i += len;
  }
  return true;
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;  // 24 bytes always hold an int64
  out.append(buf, end);
}

}  // namespace kj::json
