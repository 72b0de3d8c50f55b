#include "core/json_writer.h"
#include "core/utf8.h"

#include <charconv>
#include <cstring>

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

// True if any of the eight bytes is a control byte, non-ASCII, or (when escaping) '"' or '\\'.
template <bool kEscape>
bool needs_attention(uint64_t w) {
  uint64_t bad = (w | (w - kOnes * 0x20)) & kHighs;  // >= 0x80, or < 0x20
  if constexpr (kEscape)
    bad |= has_zero_byte(w ^ (kOnes * '"')) | has_zero_byte(w ^ (kOnes * '\\'));
  return bad != 0;
}

template <bool kEscape>
void append_impl(std::string& out, std::string_view s) {
  size_t i = 0, run = 0;  // [run, i) is a pending stretch of bytes to copy verbatim
  const size_t n = s.size();
  while (i < n) {
    // Skip eight plain ASCII bytes at a time: log text is mostly such bytes, and testing them
    // one by one was the single largest cost of -o json.
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, s.data() + i, 8);
      if (needs_attention<kEscape>(w)) break;
      i += 8;
    }
    if (i >= n) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && (!kEscape || (c != '"' && c != '\\'))) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t subpart = 0;
      const size_t len = utf8_sequence_length(s, i, &subpart);
      if (len) {
        i += len;
        continue;
      }
      out.append(s.data() + run, i - run);
      out.append(kReplacement);
      i += subpart;
      run = i;
      continue;
    }
    if constexpr (!kEscape) {
      ++i;  // control bytes pass through to the terminal formatter, which decides
      continue;
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(esc, 6);
      }
    }
    ++i;
    run = i;
  }
  out.append(s.data() + run, n - run);
}

}  // namespace

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
