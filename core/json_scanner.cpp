#include "core/json_scanner.h"

#include "core/utf8.h"

namespace kj {
namespace {

using json_scanner_detail::find_string_stop;

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Writes decoded string bytes back as a JSON string body with the fewest escapes: `"`, `\`
// and control characters only (\b \f \n \r \t, else \u00xx); everything else, DEL and
// non-ASCII included, as is.
void append_minimal_escapes(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (u < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
}

}  // namespace

bool JsonScanner::read_string_rest(std::string& out) {
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

bool JsonScanner::skip_value(JsonValueSpan& v) {
  v.begin = i_;
  v.has_ws = false;
  v.has_escape = false;
  if (at_end()) return false;
  v.kind = s_[i_];
  if (!skip_value_at(v, 0)) return false;
  v.end = i_;
  return true;
}

bool JsonScanner::read_escape(std::string& out) {
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

int32_t JsonScanner::read_hex4() {
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
bool JsonScanner::skip_string(JsonValueSpan& v) {
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
      v.has_escape = true;
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

bool JsonScanner::skip_number() {
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

bool JsonScanner::skip_literal(std::string_view word) {
  if (s_.substr(i_, word.size()) != word) return false;
  i_ += word.size();
  return true;
}

bool JsonScanner::ws(JsonValueSpan& v) {
  if (skip_ws()) v.has_ws = true;
  return !at_end();
}

bool JsonScanner::skip_value_at(JsonValueSpan& v, int depth) {
  if (!limit_.containers_only && depth >= limit_.depth) return false;
  switch (s_[i_]) {
    case '"':
      return skip_string(v);
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
  // The bound also keeps the recursion's stack use small on hostile input.
  if (depth >= limit_.depth) return false;
  const bool object = s_[i_] == '{';
  const char close = object ? '}' : ']';
  ++i_;
  if (!ws(v)) return false;
  if (take(close)) return true;
  while (true) {
    if (object) {
      if (!peek_is('"') || !skip_string(v) || !ws(v) || !take(':') || !ws(v)) return false;
    }
    if (!skip_value_at(v, depth + 1) || !ws(v)) return false;
    if (take(close)) return true;
    if (!take(',') || !ws(v)) return false;
  }
}

void JsonScanner::append_compact(const JsonValueSpan& v, JsonStringText strings,
                                 std::string& out) const {
  const std::string_view text = this->text(v);
  const bool rewrite_strings = strings == JsonStringText::minimal_escapes && v.has_escape;
  if (!v.has_ws && !rewrite_strings) {
    out.append(text);
    return;
  }
  std::string decoded;
  for (size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    if (is_ws(c)) continue;
    if (c != '"') {
      out.push_back(c);
      continue;
    }
    if (rewrite_strings) {
      // Validated already: decoding cannot fail.
      JsonScanner string_at(text);
      string_at.i_ = k;
      decoded.clear();
      string_at.read_string(decoded);
      out.push_back('"');
      append_minimal_escapes(decoded, out);
      out.push_back('"');
      k = string_at.i_ - 1;
      continue;
    }
    // As written: copy up to the closing quote, stepping over escapes.
    out.push_back(c);
    for (++k; k < text.size(); ++k) {
      out.push_back(text[k]);
      if (text[k] == '\\') {
        out.push_back(text[++k]);
      } else if (text[k] == '"') {
        break;
      }
    }
  }
}

}  // namespace kj
