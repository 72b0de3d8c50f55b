#include "core/logrus_parser.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/json_scanner.h"
#include "core/logrus_level.h"
#include "core/rfc3339.h"
#include "core/utf8.h"

namespace kj {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// Once a quote followed by ` key=` is known, how many more quotes the tolerant parser looks at
// for a better one (followed by well-formed pairs to the end). Without a bound every value of a
// line that ends in junk would rescan the rest of the line: quadratic.
constexpr int kMaxQuotesPastKeyCandidate = 32;

// Deeper JSON is rejected rather than parsed: the scanner recurses, and no logrus field is
// nested anywhere near this.
constexpr int kMaxJsonDepth = 64;

constexpr Rfc3339Options kLogrusTime{.allow_blank_separator = true};

// --- Go string literals ---------------------------------------------------------------------

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes the escape that starts at s[i] (a backslash), appending its bytes to `out` (when
// non-null). Returns the escape's length, 0 if it is not a valid strconv escape.
size_t decode_escape(std::string_view s, size_t i, std::string* out) {
  if (i + 1 >= s.size()) return 0;
  const char c = s[i + 1];
  char simple = 0;
  switch (c) {
    case 'a':
      simple = '\a';
      break;
    case 'b':
      simple = '\b';
      break;
    case 'f':
      simple = '\f';
      break;
    case 'n':
      simple = '\n';
      break;
    case 'r':
      simple = '\r';
      break;
    case 't':
      simple = '\t';
      break;
    case 'v':
      simple = '\v';
      break;
    case '\\':
      simple = '\\';
      break;
    case '"':
      simple = '"';
      break;
    // Not valid in a Go string literal, only in a rune literal; strconv.Quote never writes
    // it, but hand-written lines do and the meaning is unambiguous.
    case '\'':
      simple = '\'';
      break;
    default:
      break;
  }
  if (simple != 0) {
    if (out) out->push_back(simple);
    return 2;
  }
  if (c >= '0' && c <= '7') {
    // Exactly three octal digits, at most \377.
    if (i + 3 >= s.size()) return 0;
    int v = 0;
    for (size_t k = 1; k <= 3; ++k) {
      const char d = s[i + k];
      if (d < '0' || d > '7') return 0;
      v = v * 8 + (d - '0');
    }
    if (v > 255) return 0;
    if (out) out->push_back(static_cast<char>(v));
    return 4;
  }
  const size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
  if (digits == 0 || s.size() - (i + 2) < digits) return 0;
  uint32_t v = 0;
  for (size_t k = 0; k < digits; ++k) {
    const int d = hex_digit(s[i + 2 + k]);
    if (d < 0) return 0;
    v = (v << 4) | static_cast<uint32_t>(d);
  }
  if (c == 'x') {
    // A raw byte: strconv.Quote writes \xNN for invalid UTF-8, so the result may not be UTF-8.
    if (out) out->push_back(static_cast<char>(v));
  } else {
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    if (out) append_utf8(*out, v);
  }
  return 2 + digits;
}

// Appends the decoded inside of a Go double-quoted literal (quotes already removed).
// Strict: false on the first invalid escape. Lenient (the degraded path): an invalid escape
// is kept as written, so nothing is lost.
bool append_go_unquoted(std::string_view s, std::string& out, bool lenient) {
  size_t i = 0;
  while (i < s.size()) {
    size_t at = s.find('\\', i);
    if (at == std::string_view::npos) at = s.size();
    out.append(s.data() + i, at - i);
    if (at == s.size()) break;
    const size_t n = decode_escape(s, at, &out);
    if (n == 0) {
      if (!lenient) return false;
      out.push_back('\\');
      i = at + 1;
    } else {
      i = at + n;
    }
  }
  return true;
}

bool valid_go_quoted(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t at = s.find('\\', i);
    if (at == std::string_view::npos) return true;
    const size_t n = decode_escape(s, at, nullptr);
    if (n == 0) return false;
    i = at + n;
  }
  return true;
}

// Writes a strict-tokenized value into `dst`, unquoting a quoted one.
bool assign_value(const LogfmtPair& p, std::string& dst) {
  dst.clear();
  if (!p.quoted) {
    dst.assign(p.value);
    return true;
  }
  return append_go_unquoted(p.value, dst, false);
}

// --- Output helpers -------------------------------------------------------------------------

// Resets `out` but keeps the field pairs themselves, so their strings keep their capacity.
void reset_keep_fields(ParsedLine& out) {
  Fields keep;
  keep.swap(out.fields);
  out.clear();
  keep.swap(out.fields);
}

// Overwrites out.fields in place; finish() drops what the previous line left beyond.
class FieldWriter {
 public:
  explicit FieldWriter(Fields& fields) : fields_(fields) {}
  std::pair<std::string, std::string>& next() {
    if (n_ < fields_.size()) {
      auto& f = fields_[n_++];
      f.first.clear();
      f.second.clear();
      return f;
    }
    ++n_;
    return fields_.emplace_back();
  }
  void add(std::string_view key, std::string_view value) {
    auto& f = next();
    f.first.assign(key);
    f.second.assign(value);
  }
  size_t size() const { return n_; }
  // Takes out the field at `at`, keeping the order of the others; the removed pair's strings
  // move behind the written ones, so their capacity is still reused.
  void remove(size_t at) {
    std::rotate(fields_.begin() + static_cast<std::ptrdiff_t>(at),
                fields_.begin() + static_cast<std::ptrdiff_t>(at) + 1,
                fields_.begin() + static_cast<std::ptrdiff_t>(n_));
    --n_;
  }
  void finish() { fields_.resize(n_); }

 private:
  Fields& fields_;
  size_t n_ = 0;
};

std::string_view strip_line_end(std::string_view line) {
  if (!line.empty() && line.back() == '\n') {
    line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  }
  return line;
}

// The fixed keys of logrus: the first `time`, `level` (only among the leading keys, as the
// detector requires) and `msg`. Anything else, repeats included, is a field.
enum class Role : uint8_t { time, level, msg, field };

struct KeyRoles {
  bool time_seen = false, level_seen = false, msg_seen = false;
  int count = 0;

  Role classify(std::string_view key) {
    const int index = count++;
    if (!time_seen && key == "time") {
      time_seen = true;
      return Role::time;
    }
    if (!level_seen && index < kLogrusMaxLeadingKeys && key == "level") {
      level_seen = true;
      return Role::level;
    }
    if (!msg_seen && key == "msg") {
      msg_seen = true;
      return Role::msg;
    }
    return Role::field;
  }
  // Rule 1 of §4.6 plus the detector's level rule: decided once the leading keys are known.
  bool rejects_after(std::string_view key) const {
    if (count == 1 && key != "time" && key != "level") return true;
    return count >= kLogrusMaxLeadingKeys && !level_seen;
  }
};

void set_time(std::string_view text, ParsedLine& out, FieldWriter& fields) {
  if (auto ns = parse_rfc3339_ns(text, kLogrusTime)) {
    out.time_ns = *ns;
  } else {
    fields.add("time", text);
  }
}

// --- key=value layout -----------------------------------------------------------------------

enum class Outcome : uint8_t { ok, not_logrus, malformed };

Outcome parse_key_value_strict(std::string_view line, ParsedLine& out) {
  FieldWriter fields(out.fields);
  KeyRoles roles;
  Outcome result = Outcome::ok;
  size_t i = 0;
  while (i < line.size()) {
    const auto p = next_logfmt_pair(line, i);
    if (!p) {
      result = Outcome::malformed;
      break;
    }
    const Role role = roles.classify(p->key);
    if (roles.rejects_after(p->key)) {
      result = Outcome::not_logrus;
      break;
    }
    bool ok = true;
    switch (role) {
      case Role::time:
        if (p->quoted && p->value.find('\\') != std::string_view::npos) {
          std::string decoded;
          ok = append_go_unquoted(p->value, decoded, false);
          if (ok) set_time(decoded, out, fields);
        } else {
          set_time(p->value, out, fields);
        }
        break;
      case Role::level:
        ok = assign_value(*p, out.level_raw);
        out.severity = logrus_level_severity(out.level_raw);
        break;
      case Role::msg:
        ok = assign_value(*p, out.message);
        break;
      case Role::field: {
        auto& f = fields.next();
        f.first.assign(p->key);
        ok = assign_value(*p, f.second);
        break;
      }
    }
    if (!ok) {
      result = Outcome::malformed;
      break;
    }
  }
  if (result == Outcome::ok && !roles.level_seen) result = Outcome::not_logrus;
  fields.finish();
  return result;
}

// Whether `s` from `at` (a non-blank byte) on is a sequence of well-formed pairs up to the
// end: strict tokenization, valid escapes, and bare values without `"` (logrus quotes any
// value holding one, so a bare `x"` means the tokenizer is out of step). Every pair start
// visited is remembered with the answer, so asking for many candidate positions stays linear
// in the line length: parses from different starts that meet share their outcome.
class TailChecker {
 public:
  explicit TailChecker(std::string_view s) : s_(s) {}

  bool pairs_to_end(size_t at) {
    if (known_.empty()) known_.assign(s_.size(), kUnknown);
    visited_.clear();
    size_t i = at;
    uint8_t answer = kFails;
    while (i < s_.size()) {
      if (known_[i] != kUnknown) {
        answer = known_[i];
        break;
      }
      visited_.push_back(i);
      const auto p = next_logfmt_pair(s_, i);
      if (!p ||
          (p->quoted ? !valid_go_quoted(p->value) : p->value.find('"') != std::string_view::npos)) {
        break;
      }
      if (i >= s_.size()) {
        answer = kReachesEnd;
        break;
      }
    }
    for (size_t v : visited_) known_[v] = answer;
    return answer == kReachesEnd;
  }

  // After a closing-quote candidate at `q`: the end, or blanks then well-formed pairs.
  bool closes_value(size_t q) {
    size_t i = q + 1;
    if (i >= s_.size()) return true;
    if (s_[i] != ' ') return false;
    while (i < s_.size() && s_[i] == ' ') ++i;
    return i >= s_.size() || pairs_to_end(i);
  }

 private:
  static constexpr uint8_t kUnknown = 0, kFails = 1, kReachesEnd = 2;
  std::string_view s_;
  std::vector<uint8_t> known_;
  std::vector<size_t> visited_;
};

// The spec's weaker test for a closing quote: followed by the end or by ` key=`.
bool followed_by_key(std::string_view s, size_t q) {
  size_t i = q + 1;
  if (i >= s.size()) return true;
  if (s[i] != ' ') return false;
  while (i < s.size() && s[i] == ' ') ++i;
  const size_t key_begin = i;
  while (i < s.size() && s[i] != '=' && s[i] != ' ' && s[i] != '"') ++i;
  return i >= s.size() ? key_begin == i : (s[i] == '=' && i > key_begin);
}

struct LoosePair {
  std::string_view key;
  std::string value;
  size_t raw_end = 0;  // where the value ends in the line
};

// §4.6 rule 3, generalized from `msg` to any quoted value. The quoted value opened at `open`
// ends at its first unescaped `"` when a blank or the end follows it, as in strict
// tokenization, so the values before a broken one (and everything the level detector reads)
// keep their strict reading. A first quote glued to more text (`"io.containerd...`, corpus
// 139) makes the later quotes candidates: the first followed by pairs that are well-formed up
// to the end of the line, else the first followed by ` key=` (the spec's test; it says the
// last such quote, which would let a broken msg swallow a `file="x.go:1"` after it). npos: no
// candidate, the value runs to the end of the line.
size_t tolerant_close(std::string_view line, size_t open, TailChecker& tail) {
  size_t first_before_key = std::string_view::npos;
  bool first = true;
  int lookahead = kMaxQuotesPastKeyCandidate;
  for (size_t from = open + 1; from < line.size() && lookahead > 0;) {
    const size_t at = line.find('"', from);
    if (at == std::string_view::npos) break;
    from = at + 1;
    size_t backslashes = 0;
    while (at - backslashes > open + 1 && line[at - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 != 0) continue;
    if (first) {
      if (at + 1 == line.size() || line[at + 1] == ' ') return at;
      first = false;
      continue;
    }
    if (tail.closes_value(at)) return at;
    if (first_before_key == std::string_view::npos) {
      if (followed_by_key(line, at)) first_before_key = at;
    } else {
      --lookahead;
    }
  }
  return first_before_key;
}

// The rest of rule 3: escapes are decoded leniently, and a token that is not a pair (no `=`)
// is kept as text: appended, with the blanks before it, to the previous value, or, after
// `time` or `level`, whose values it would corrupt, to the message (after msg's own value).
Outcome parse_key_value_tolerant(std::string_view line, ParsedLine& out) {
  std::vector<LoosePair> pairs;
  std::string free_text;
  TailChecker tail(line);
  size_t i = 0;
  while (i < line.size()) {
    const size_t key_begin = i;
    while (i < line.size() && line[i] != '=' && line[i] != ' ' && line[i] != '"') ++i;
    if (i > key_begin && i < line.size() && line[i] == '=') {
      LoosePair p;
      p.key = line.substr(key_begin, i - key_begin);
      ++i;
      if (i < line.size() && line[i] == '"') {
        const size_t open = i;
        const size_t close = tolerant_close(line, open, tail);
        std::string_view inner;
        if (close != std::string_view::npos) {
          inner = line.substr(open + 1, close - open - 1);
          i = close + 1;
        } else {
          inner = line.substr(open + 1);
          if (inner.size() > 0 && inner.back() == '"') inner.remove_suffix(1);
          i = line.size();
        }
        append_go_unquoted(inner, p.value, true);
      } else {
        const size_t value_begin = i;
        while (i < line.size() && line[i] != ' ') ++i;
        p.value.assign(line.substr(value_begin, i - value_begin));
      }
      p.raw_end = i;
      pairs.push_back(std::move(p));
    } else {
      if (pairs.empty()) return Outcome::not_logrus;
      while (i < line.size() && line[i] != ' ') ++i;
      LoosePair& prev = pairs.back();
      if (prev.key == "time" || prev.key == "level") {
        if (!free_text.empty()) free_text.push_back(' ');
        free_text.append(line.substr(key_begin, i - key_begin));
      } else {
        prev.value.append(line.substr(prev.raw_end, i - prev.raw_end));
        prev.raw_end = i;
      }
    }
    while (i < line.size() && line[i] == ' ') ++i;
  }

  FieldWriter fields(out.fields);
  KeyRoles roles;
  Outcome result = Outcome::ok;
  for (const auto& p : pairs) {
    const Role role = roles.classify(p.key);
    if (roles.rejects_after(p.key)) {
      result = Outcome::not_logrus;
      break;
    }
    switch (role) {
      case Role::time:
        set_time(p.value, out, fields);
        break;
      case Role::level:
        out.level_raw = p.value;
        out.severity = logrus_level_severity(out.level_raw);
        break;
      case Role::msg:
        out.message = p.value;
        break;
      case Role::field:
        fields.add(p.key, p.value);
        break;
    }
  }
  if (result == Outcome::ok && !roles.level_seen) result = Outcome::not_logrus;
  if (!free_text.empty()) {
    if (!out.message.empty()) out.message.push_back(' ');
    out.message += free_text;
  }
  fields.finish();
  return result;
}

// --- TTY layout -----------------------------------------------------------------------------

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

std::string_view rtrim_blanks(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// printColored: `LEVL[stamp]<caller> <message %-44s> ` then ` key=value` per field, with the
// level tag and every key wrapped in colour escapes, which are removed first.
bool parse_tty(std::string_view line, ParsedLine& out) {
  // The header is read as the detector reads it, escapes around the tag skipped in place.
  // Stripping the whole line first could join the bytes around a removed escape into a new
  // one (`ESC[ESC[mm` becomes `ESC[m`) and accept a line the detector does not.
  const auto header = parse_logrus_tty_header(line);
  if (!header) return false;
  std::string stripped;
  std::string_view rest = line.substr(header->end);
  if (rest.find('\x1b') != std::string_view::npos) {
    stripped.reserve(rest.size());
    for (size_t i = 0; i < rest.size();) {
      const size_t next = skip_sgr(rest, i);
      if (next != i) {
        i = next;
      } else {
        stripped.push_back(rest[i++]);
      }
    }
    rest = stripped;
  }

  FieldWriter fields(out.fields);
  out.format = LineFormat::logrus;
  out.severity = header->level.severity;
  out.level_raw.assign(header->level.raw);
  if (!header->stamp.empty() && !all_digits(header->stamp)) set_time(header->stamp, out, fields);

  if (!rest.empty() && rest.front() == ' ') {
    rest.remove_prefix(1);
  } else if (!rest.empty()) {
    // ReportCaller: `file:line`, `func()` or `file:line func()` right after the bracket.
    auto take_token = [&rest]() {
      const size_t blank = rest.find(' ');
      const std::string_view tok = rest.substr(0, blank);
      rest.remove_prefix(blank == std::string_view::npos ? rest.size() : blank + 1);
      return tok;
    };
    const std::string_view first = take_token();
    if (ends_with(first, "()")) {
      fields.add("func", first.substr(0, first.size() - 2));
    } else {
      fields.add("file", first);
      const size_t blank = rest.find(' ');
      if (blank != std::string_view::npos && ends_with(rest.substr(0, blank), "()")) {
        const std::string_view func = take_token();
        fields.add("func", func.substr(0, func.size() - 2));
      }
    }
  }

  // Fields start after the padding blank and logrus' own separator blank: two blanks, then
  // pairs that run well-formed to the end of the line.
  size_t fields_at = std::string_view::npos;
  TailChecker tail(rest);
  for (size_t from = 0;;) {
    const size_t gap = rest.find("  ", from);
    if (gap == std::string_view::npos) break;
    size_t p = gap + 2;
    while (p < rest.size() && rest[p] == ' ') ++p;
    if (p >= rest.size()) break;
    if (tail.pairs_to_end(p)) {
      fields_at = p;
      break;
    }
    from = p;
  }
  out.message.assign(rtrim_blanks(rest.substr(0, fields_at)));
  if (fields_at != std::string_view::npos) {
    size_t i = fields_at;
    while (i < rest.size()) {
      const auto p = next_logfmt_pair(rest, i);
      if (!p) break;  // cannot happen: pairs_to_end checked the whole tail
      auto& f = fields.next();
      f.first.assign(p->key);
      assign_value(*p, f.second);
    }
  }
  fields.finish();
  return true;
}

// --- JSON formatter -------------------------------------------------------------------------

// Top-level keys are unique in the result, as when the object is read into a map: a repeated
// key keeps the position of its first occurrence and takes the value of its last (Go's
// encoding/json keeps the last too, and so did the DOM-based parser this one replaced). Lines
// with many keys are indexed by hash rather than compared with every earlier key.
class FieldIndex {
 public:
  // The index of `key` among the first `n` fields, or npos.
  size_t find(const Fields& fields, size_t n, std::string_view key) {
    if (n <= kLinear) {
      for (size_t k = 0; k < n; ++k) {
        if (fields[k].first == key) return k;
      }
      return std::string_view::npos;
    }
    for (; indexed_ < n; ++indexed_) {
      by_hash_.emplace(std::hash<std::string_view>{}(fields[indexed_].first), indexed_);
    }
    const auto [begin, end] = by_hash_.equal_range(std::hash<std::string_view>{}(key));
    for (auto it = begin; it != end; ++it) {
      if (fields[it->second].first == key) return it->second;
    }
    return std::string_view::npos;
  }

 private:
  static constexpr size_t kLinear = 16;
  std::unordered_multimap<size_t, size_t> by_hash_;
  size_t indexed_ = 0;
};

// One pass over the object with JsonScanner: no document is built. What differs from reading
// it into a DOM and re-serializing (the earlier implementation):
//  * a non-string value keeps its input text, compacted: numbers as written (`1e5`, `1.50`,
//    integers of any length) rather than re-printed through a double (`100000.0`, `1.5`);
//    a repeated key inside it is kept rather than collapsed. Strings inside it are still
//    written with the fewest escapes (Go's HTML-safe `\u003c` reads `<`, as in a top-level
//    string value).
//  * a `\u` escape of a lone surrogate decodes to U+FFFD, as Go's encoding/json (the writer
//    of these lines) and the klog JSON parser do, instead of failing the whole line.
bool parse_json(std::string_view line, ParsedLine& out) {
  // Any value nested in more than kMaxJsonDepth containers (the top-level object counts) is
  // rejected. A raw NUL is invalid anywhere in JSON and the scanner rejects it like any other
  // stray byte.
  JsonScanner sc(line, {.depth = kMaxJsonDepth, .containers_only = false});
  if (!sc.take('{')) return false;
  sc.skip_ws();

  FieldWriter fields(out.fields);
  Fields& written = out.fields;
  FieldIndex index;
  bool level_string = false, msg_seen = false, time_string = false;
  size_t time_at = std::string_view::npos;  // the field `time` holds its value until the end
  std::string key_scratch;
  JsonValueSpan span;

  // The value at the cursor into `dst`: decoded if a string, else its compact JSON text.
  auto read_value = [&sc, &span](std::string& dst, bool* is_string) {
    dst.clear();
    const bool string = sc.peek_is('"');
    if (is_string) *is_string = string;
    if (string) return sc.read_string(dst);
    if (!sc.skip_value(span)) return false;
    sc.append_compact(span, JsonStringText::minimal_escapes, dst);
    return true;
  };

  if (!sc.take('}')) {
    while (true) {
      std::string_view key;
      if (!sc.read_member_name(key, key_scratch)) return false;

      bool ok = false;
      if (key == "level") {
        ok = read_value(out.level_raw, &level_string);
      } else if (key == "msg") {
        msg_seen = true;
        ok = read_value(out.message, nullptr);
      } else {
        size_t at = key == "time" ? time_at : index.find(written, fields.size(), key);
        if (at == std::string_view::npos) {
          at = fields.size();
          fields.next().first.assign(key);
          if (key == "time") time_at = at;
        }
        ok = read_value(written[at].second, key == "time" ? &time_string : nullptr);
      }
      if (!ok) return false;

      sc.skip_ws();
      if (sc.take('}')) break;
      if (!sc.take(',')) return false;
      sc.skip_ws();
    }
  }
  sc.skip_ws();
  if (!sc.at_end() || !level_string || (!msg_seen && time_at == std::string_view::npos)) {
    return false;
  }

  if (time_at != std::string_view::npos && time_string) {
    if (auto ns = parse_rfc3339_ns(written[time_at].second, kLogrusTime)) {
      out.time_ns = *ns;
      fields.remove(time_at);
    }
  }
  fields.finish();
  out.format = LineFormat::logrus_json;
  out.severity = logrus_level_severity(out.level_raw);
  return true;
}

}  // namespace

bool parse_logrus(std::string_view line, ParsedLine& out) {
  return parse_logrus(line, out, nullptr);
}

bool parse_logrus(std::string_view line, ParsedLine& out, LogrusDetails* details) {
  line = strip_line_end(line);
  reset_keep_fields(out);
  LogrusDetails d;
  bool ok = false;

  size_t first = 0;
  while (first < line.size() && (line[first] == ' ' || line[first] == '\t')) ++first;
  if (first < line.size() && line[first] == '{') {
    d.layout = LogrusLayout::json;
    ok = parse_json(line.substr(first), out);
  } else if (!line.empty() && (line[0] == 't' || line[0] == 'l')) {
    d.layout = LogrusLayout::key_value;
    Outcome r = parse_key_value_strict(line, out);
    if (r == Outcome::malformed) {
      reset_keep_fields(out);
      r = parse_key_value_tolerant(line, out);
      d.degraded = r == Outcome::ok;
    }
    ok = r == Outcome::ok;
    if (ok) out.format = LineFormat::logrus;
  } else {
    d.layout = LogrusLayout::tty;
    ok = parse_tty(line, out);
  }

  if (!ok) {
    out.clear();
    return false;
  }
  if (details) *details = d;
  return true;
}

}  // namespace kj
