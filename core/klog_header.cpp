#include "core/klog_header.h"

#include <limits>

namespace kj {
namespace {

constexpr std::string_view kPreFlagParsePrefix = "ERROR: logging before flag.Parse: ";

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly `n` digits at `p`; -1 if any is missing or not a digit. Callers have
// checked that p + n is inside the input.
constexpr int fixed_digits(const char* p, int n) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    if (!is_digit(p[i])) return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

// Cursor over the input that refuses to step past its end; every read goes through it.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  size_t pos() const { return pos_; }
  size_t left() const { return s_.size() - pos_; }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }  // only when !at_end()

  bool take(char c) {
    if (at_end() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // `n` digits forming a value in [lo, hi]; -1 otherwise (the position is then unspecified,
  // which is fine: every caller gives up on failure).
  int take_fixed(int n, int lo, int hi) {
    if (left() < static_cast<size_t>(n)) return -1;
    const int v = fixed_digits(s_.data() + pos_, n);
    pos_ += static_cast<size_t>(n);
    return (v >= lo && v <= hi) ? v : -1;
  }

  std::string_view text() const { return s_; }
  void seek(size_t p) { pos_ = p; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// `file:line] ` per FORMATS.md §1.6: the file is matched up to the *first* `:<digits>] `, so a
// message that itself contains `other.go:12] ` cannot move the boundary. The file's first
// byte must not be ':' and no byte of it may be ' ' or ']'; a newline also ends the search
// because the header belongs to the first physical line only.
bool parse_caller(Scanner& sc, KlogHeader& h) {
  const std::string_view s = sc.text();
  const size_t file_begin = sc.pos();
  if (sc.at_end()) return false;
  const char first = sc.peek();
  if (first == ':' || first == ' ' || first == ']' || first == '\n') return false;

  for (size_t i = file_begin + 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ' || c == ']' || c == '\n') return false;
    if (c != ':') continue;
    // Candidate `:<digits>]`.
    size_t j = i + 1;
    uint64_t line = 0;
    while (j < s.size() && is_digit(s[j]) && line <= std::numeric_limits<uint32_t>::max()) {
      line = line * 10 + static_cast<uint64_t>(s[j] - '0');
      ++j;
    }
    if (j == i + 1 || j >= s.size() || s[j] != ']') continue;
    if (line > std::numeric_limits<uint32_t>::max()) return false;
    // `] ` normally; a bare `]` at the very end is an empty message whose trailing blank was
    // trimmed by whatever carried the line.
    size_t msg = j + 1;
    if (msg < s.size()) {
      if (s[msg] != ' ') continue;
      ++msg;
    }
    h.caller = s.substr(file_begin, j - file_begin);
    h.line = static_cast<uint32_t>(line);
    h.message_offset = msg;
    return true;
  }
  return false;
}

}  // namespace

std::optional<KlogHeader> parse_klog_header(std::string_view line) {
  Scanner sc(line);
  if (line.substr(0, kPreFlagParsePrefix.size()) == kPreFlagParsePrefix) {
    sc.seek(kPreFlagParsePrefix.size());
  }
  if (sc.at_end()) return std::nullopt;

  KlogHeader h;
  const char letter = sc.peek();
  const auto sev = severity_from_klog_letter(letter);
  if (!sev) return std::nullopt;
  h.letter = letter;
  h.letter_offset = sc.pos();
  h.severity = *sev;
  sc.seek(sc.pos() + 1);

  // Date: `mmdd`, or C++ glog's `yyyymmdd`. Which one is decided by where the blank falls,
  // so `I2024...` is never mistaken for month 20.
  const size_t date_begin = sc.pos();
  size_t date_len = 0;
  while (date_begin + date_len < line.size() && date_len <= 8 &&
         is_digit(line[date_begin + date_len])) {
    ++date_len;
  }
  if (date_len == 8) {
    h.year = sc.take_fixed(4, 1, 9999);
    if (h.year < 0) return std::nullopt;
  } else if (date_len != 4) {
    return std::nullopt;
  }
  h.month = sc.take_fixed(2, 1, 12);
  h.day = sc.take_fixed(2, 1, 31);
  if (h.month < 0 || h.day < 0) return std::nullopt;

  if (!sc.take(' ')) return std::nullopt;
  h.hour = sc.take_fixed(2, 0, 23);
  if (h.hour < 0 || !sc.take(':')) return std::nullopt;
  h.minute = sc.take_fixed(2, 0, 59);
  if (h.minute < 0 || !sc.take(':')) return std::nullopt;
  h.second = sc.take_fixed(2, 0, 59);
  if (h.second < 0 || !sc.take('.')) return std::nullopt;
  h.microsecond = sc.take_fixed(6, 0, 999999);
  if (h.microsecond < 0) return std::nullopt;

  // Thread id: right-aligned in a blank-padded field whose width changed over time (5 in old
  // glog, 7 now), so accept any padding of at least one blank and any number of digits.
  if (!sc.take(' ')) return std::nullopt;
  while (sc.take(' ')) {
  }
  const size_t tid_begin = sc.pos();
  int64_t tid = 0;
  while (!sc.at_end() && is_digit(sc.peek())) {
    if (tid > (std::numeric_limits<int64_t>::max() - 9) / 10) return std::nullopt;
    tid = tid * 10 + (sc.peek() - '0');
    sc.seek(sc.pos() + 1);
  }
  if (sc.pos() == tid_begin || !sc.take(' ')) return std::nullopt;
  h.thread_id = tid;

  if (!parse_caller(sc, h)) return std::nullopt;
  return h;
}

}  // namespace kj
