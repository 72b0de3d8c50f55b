#include "core/klog_header.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kj {
namespace {

// Parses a copy of `text` held in a buffer of exactly its size, so a read past the end is
// a heap overflow that a sanitizer build reports, rather than a read of std::string's NUL.
std::optional<KlogHeader> parse_exact(std::string_view text) {
  std::unique_ptr<char[]> buf(new char[text.size() == 0 ? 1 : text.size()]);
  std::copy(text.begin(), text.end(), buf.get());
  auto h = parse_klog_header(std::string_view(buf.get(), text.size()));
  if (h) h->caller = {};  // points into buf, which dies here
  return h;
}

// klog's own example (FORMATS.md §1.1): PID 1 right-aligned in a 7-wide field.
constexpr std::string_view kCanonical =
    "I1025 00:15:15.525108       1 controller_utils.go:116] \"Pod status updated\"";

TEST(KlogHeader, CanonicalHeaderFields) {
  const auto h = parse_klog_header(kCanonical);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->severity, Severity::info);
  EXPECT_EQ(h->letter, 'I');
  EXPECT_EQ(h->letter_offset, 0u);
  EXPECT_EQ(h->year, 0);
  EXPECT_EQ(h->month, 10);
  EXPECT_EQ(h->day, 25);
  EXPECT_EQ(h->hour, 0);
  EXPECT_EQ(h->minute, 15);
  EXPECT_EQ(h->second, 15);
  EXPECT_EQ(h->microsecond, 525108);
  EXPECT_EQ(h->thread_id, 1);
  EXPECT_EQ(h->caller, "controller_utils.go:116");
  EXPECT_EQ(h->line, 116u);
  EXPECT_EQ(h->message_offset, 55u);
  EXPECT_EQ(kCanonical.substr(h->message_offset), "\"Pod status updated\"");
  // The caller is a view into the input, not a copy.
  EXPECT_EQ(h->caller.data(), kCanonical.data() + 30);
}

TEST(KlogHeader, EverySeverityLetter) {
  const std::vector<std::pair<char, Severity>> letters = {{'I', Severity::info},
                                                          {'W', Severity::warning},
                                                          {'E', Severity::error},
                                                          {'F', Severity::fatal}};
  for (const auto& [letter, severity] : letters) {
    std::string line(kCanonical);
    line[0] = letter;
    const auto h = parse_klog_header(line);
    ASSERT_TRUE(h.has_value()) << letter;
    EXPECT_EQ(h->letter, letter);
    EXPECT_EQ(h->severity, severity);
  }
  for (char bad : std::string_view("iwefXDVT \t0\0", 12)) {
    std::string line(kCanonical);
    line[0] = bad;
    EXPECT_FALSE(parse_klog_header(line).has_value()) << static_cast<int>(bad);
  }
}

struct WidthCase {
  std::string line;
  int64_t thread_id;
  size_t caller_at;
};

TEST(KlogHeader, ThreadIdOfAnyWidth) {
  const std::vector<WidthCase> cases = {
      // Current klog/glog: width 7.
      {"W0101 12:00:00.000001       1 a.go:1] m", 1, 30},
      {"W0101 12:00:00.000001    4780 a.go:1] m", 4780, 30},
      {"W0101 12:00:00.000001 4194304 a.go:1] m", 4194304, 30},
      // Pre-2014 golang/glog: width 5, a 28-byte fixed prefix.
      {"W0101 12:00:00.000001     1 a.go:1] m", 1, 28},
      {"W0101 12:00:00.000001 12345 a.go:1] m", 12345, 28},
      // Wider than the field (a PID klog would truncate; other writers may not).
      {"W0101 12:00:00.000001 123456789 a.go:1] m", 123456789, 32},
      // Unusual padding.
      {"W0101 12:00:00.000001 0 a.go:1] m", 0, 24},
      {"W0101 12:00:00.000001                   77 a.go:1] m", 77, 43},
      {"W0101 12:00:00.000001 000042 a.go:1] m", 42, 29},
      {"W0101 12:00:00.000001 999999999999999999 a.go:1] m", 999999999999999999, 41},
  };
  for (const auto& c : cases) {
    const auto h = parse_klog_header(c.line);
    ASSERT_TRUE(h.has_value()) << c.line;
    EXPECT_EQ(h->thread_id, c.thread_id) << c.line;
    EXPECT_EQ(h->caller, "a.go:1") << c.line;
    EXPECT_EQ(h->caller.data() - c.line.data(), static_cast<ptrdiff_t>(c.caller_at)) << c.line;
    EXPECT_EQ(c.line.substr(h->message_offset), "m") << c.line;
  }
}

TEST(KlogHeader, ThreadIdMalformed) {
  for (std::string_view bad : {
           "W0101 12:00:00.000001a.go:1] m",                        // no blank, no id
           "W0101 12:00:00.000001  a.go:1] m",                      // blanks but no id
           "W0101 12:00:00.000001 12a a.go:1] m",                   // id not followed by a blank
           "W0101 12:00:00.000001 12\ta.go:1] m",                   // TAB is not a blank here
           "W0101 12:00:00.000001\t12 a.go:1] m",                   // nor here
           "W0101 12:00:00.000001 -12 a.go:1] m",                   // no sign
           "W0101 12:00:00.0000011234567 a.go:1] m",                // 7 microsecond digits
           "W0101 12:00:00.000001 99999999999999999999 a.go:1] m",  // int64 overflow
       }) {
    EXPECT_FALSE(parse_klog_header(bad).has_value()) << bad;
  }
}

TEST(KlogHeader, PreFlagParsePrefixIsSkipped) {
  constexpr std::string_view line =
      "ERROR: logging before flag.Parse: I0412 14:14:03.266668       1 keepalived.go:168] "
      "reloading keepalived";
  const auto h = parse_klog_header(line);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->letter, 'I');  // the letter after the prefix, not the prefix's "ERROR"
  EXPECT_EQ(h->letter_offset, 34u);
  EXPECT_EQ(line[h->letter_offset], 'I');
  EXPECT_EQ(h->severity, Severity::info);
  EXPECT_EQ(h->month, 4);
  EXPECT_EQ(h->thread_id, 1);
  EXPECT_EQ(h->caller, "keepalived.go:168");
  EXPECT_EQ(h->line, 168u);
  EXPECT_EQ(h->message_offset, 34u + 49u);  // prefix + `I0412 … keepalived.go:168] `
  EXPECT_EQ(line.substr(h->message_offset), "reloading keepalived");
}

TEST(KlogHeader, PreFlagParsePrefixMustBeExact) {
  for (std::string_view bad : {
           "ERROR: logging before flag.Parse: ",
           "ERROR: logging before flag.Parse: X0412 14:14:03.266668 1 k.go:1] m",
           "ERROR: logging before flag.Parse:I0412 14:14:03.266668 1 k.go:1] m",
           "error: logging before flag.Parse: I0412 14:14:03.266668 1 k.go:1] m",
           "ERROR: logging before flag.Parse:  I0412 14:14:03.266668 1 k.go:1] m",
           "ERROR: logging before flag.Parse: ERROR: logging before flag.Parse: I0412 "
           "14:14:03.266668 1 k.go:1] m",
       }) {
    EXPECT_FALSE(parse_klog_header(bad).has_value()) << bad;
  }
}

TEST(KlogHeader, EightDigitDateOfCppGlog) {
  constexpr std::string_view line = "E20240229 23:59:59.999999 31337 main.cc:7] boom";
  const auto h = parse_klog_header(line);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->severity, Severity::error);
  EXPECT_EQ(h->year, 2024);
  EXPECT_EQ(h->month, 2);
  EXPECT_EQ(h->day, 29);
  EXPECT_EQ(h->hour, 23);
  EXPECT_EQ(h->minute, 59);
  EXPECT_EQ(h->second, 59);
  EXPECT_EQ(h->microsecond, 999999);
  EXPECT_EQ(h->thread_id, 31337);
  EXPECT_EQ(h->caller, "main.cc:7");
  EXPECT_EQ(line.substr(h->message_offset), "boom");

  for (std::string_view bad : {
           "E00000229 23:59:59.999999 1 m.cc:7] x",   // year 0
           "E20241329 23:59:59.999999 1 m.cc:7] x",   // month 13
           "E20240200 23:59:59.999999 1 m.cc:7] x",   // day 0
           "E2024022 23:59:59.999999 1 m.cc:7] x",    // 7 digits
           "E202402290 23:59:59.999999 1 m.cc:7] x",  // 9 digits
           "E022 23:59:59.999999 1 m.cc:7] x",        // 3 digits
           "E02290 23:59:59.999999 1 m.cc:7] x",      // 5 digits
           "E022900 23:59:59.999999 1 m.cc:7] x",     // 6 digits
       }) {
    EXPECT_FALSE(parse_klog_header(bad).has_value()) << bad;
  }
}

TEST(KlogHeader, DateAndTimeRanges) {
  // Boundary values that must pass.
  for (std::string_view ok :
       {"I0101 00:00:00.000000 1 a.go:1] m", "I1231 23:59:59.999999 1 a.go:1] m",
        "I1201 09:09:09.090909 1 a.go:1] m", "I0931 19:30:30.000000 1 a.go:1] m"}) {
    EXPECT_TRUE(parse_klog_header(ok).has_value()) << ok;
  }
  for (std::string_view bad : {
           "E0000 12:00:01.000000  123456 main.go:43] Failed for some reason",  // klog fafe98e
           "I0000 12:00:00.000000  123456 main.go:42] Starting",
           "I0001 12:00:00.000000 1 a.go:1] m",  // month 00
           "I1301 12:00:00.000000 1 a.go:1] m",  // month 13
           "I9901 12:00:00.000000 1 a.go:1] m",
           "I0100 12:00:00.000000 1 a.go:1] m",  // day 00
           "I0132 12:00:00.000000 1 a.go:1] m",  // day 32
           "I0101 24:00:00.000000 1 a.go:1] m",  // hour 24
           "I0101 29:00:00.000000 1 a.go:1] m",
           "I0101 12:60:00.000000 1 a.go:1] m",  // minute 60
           "I0101 12:00:60.000000 1 a.go:1] m",  // second 60
           "I0101 12:00:00,000000 1 a.go:1] m",  // comma
           "I0101 12:00:00.00000 1 a.go:1] m",   // 5 microsecond digits
           "I0101 12:00:00 1 a.go:1] m",         // no fraction
           "I0101 12-00-00.000000 1 a.go:1] m",
           "I0101 1:00:00.000000 1 a.go:1] m",
           "I0101  12:00:00.000000 1 a.go:1] m",  // two blanks after the date
           "I0101T12:00:00.000000 1 a.go:1] m",
           "I01a1 12:00:00.000000 1 a.go:1] m",
           "I0101 1a:00:00.000000 1 a.go:1] m",
           " I0101 12:00:00.000000 1 a.go:1] m",  // leading blank
       }) {
    EXPECT_FALSE(parse_klog_header(bad).has_value()) << bad;
  }
}

TEST(KlogHeader, CallerForms) {
  struct Case {
    std::string_view line;
    std::string_view caller;
    uint32_t line_no;
    std::string_view message;
  };
  const std::vector<Case> cases = {
      {"I0101 00:00:00.000000 1 ???:1] \"First message\"", "???:1", 1, "\"First message\""},
      {"I0101 00:00:00.000000 1 kubelet/kubelet.go:2010] m", "kubelet/kubelet.go:2010", 2010, "m"},
      // A colon inside the file name: the file ends at the first `:<digits>] `.
      {"I0101 00:00:00.000000 1 a:b.go:12] m", "a:b.go:12", 12, "m"},
      {"I0101 00:00:00.000000 1 a.go:12:34] m", "a.go:12:34", 34, "m"},
      {"I0101 00:00:00.000000 1 a.go:x:5] m", "a.go:x:5", 5, "m"},
      // The message repeats the pattern: the first occurrence is the header's.
      {"I0101 00:00:00.000000 1 a.go:1] b.go:2] c", "a.go:1", 1, "b.go:2] c"},
      {"W0204 06:49:18.239674       7 reflector.go:245] pkg/scheduler/factory/factory.go:193: "
       "watch",
       "reflector.go:245", 245, "pkg/scheduler/factory/factory.go:193: watch"},
      // Leading zeros and the largest uint32 line.
      {"I0101 00:00:00.000000 1 a.go:007] m", "a.go:007", 7, "m"},
      {"I0101 00:00:00.000000 1 a.go:4294967295] m", "a.go:4294967295", 4294967295u, "m"},
      // Message bytes are not the header's business.
      {"I0101 00:00:00.000000 1 a.go:1]  two blanks", "a.go:1", 1, " two blanks"},
      {"I0101 00:00:00.000000 1 a.go:1] \xff\xfe", "a.go:1", 1, "\xff\xfe"},
  };
  for (const auto& c : cases) {
    const auto h = parse_klog_header(c.line);
    ASSERT_TRUE(h.has_value()) << c.line;
    EXPECT_EQ(h->caller, c.caller) << c.line;
    EXPECT_EQ(h->line, c.line_no) << c.line;
    EXPECT_EQ(c.line.substr(h->message_offset), c.message) << c.line;
  }
}

TEST(KlogHeader, EmptyMessage) {
  constexpr std::string_view with_blank = "I0101 00:00:00.000000 1 a.go:12] ";
  auto h = parse_klog_header(with_blank);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->message_offset, with_blank.size());
  EXPECT_EQ(h->caller, "a.go:12");

  // The record's first line when the caller passes a whole multi-line record.
  constexpr std::string_view multi = "I0101 00:00:00.000000 1 a.go:12] \nnext line";
  h = parse_klog_header(multi);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->message_offset, 33u);
  EXPECT_EQ(multi.substr(h->message_offset), "\nnext line");

  // A carrier that trimmed the trailing blank: still an empty message, not a rejection.
  constexpr std::string_view trimmed = "I0101 00:00:00.000000 1 a.go:12]";
  h = parse_klog_header(trimmed);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->message_offset, trimmed.size());
  EXPECT_EQ(h->caller, "a.go:12");
}

TEST(KlogHeader, CallerMalformed) {
  for (std::string_view bad : {
           "I0101 00:00:00.000000 1 a.go:12]x",    // `]` not followed by a blank
           "I0101 00:00:00.000000 1 a.go:12]\tm",  // TAB instead of the blank
           "I0101 00:00:00.000000 1 a.go:12]\nm",  // newline instead of the blank
           "I0101 00:00:00.000000 1 a.go:12 m",    // no bracket
           "I0101 00:00:00.000000 1 a.go:12) m",
           "I0101 00:00:00.000000 1 a.go] m",   // no line number
           "I0101 00:00:00.000000 1 a.go:] m",  // empty line number
           "I0101 00:00:00.000000 1 a.go:1a] m",
           "I0101 00:00:00.000000 1 :12] m",  // empty file
           "I0101 00:00:00.000000 1 ] m",
           "I0101 00:00:00.000000 1 a b.go:12] m",  // blank inside the file
           "I0101 00:00:00.000000 1 a]b.go:12] m",  // bracket inside the file
           "I0101 00:00:00.000000 1 a.go\n:12] m",  // newline: the header is one line
           "I0101 00:00:00.000000 1 a.go:12\n] m",
           "I0101 00:00:00.000000 1 a.go:4294967296] m",  // line overflows uint32
           "I0101 00:00:00.000000 1 a.go:99999999999999999999999] m",
           "I0101 00:00:00.000000 1 ",
           "I0101 00:00:00.000000 1",
           "I0101 00:00:00.000000 1  a.go:1] m",  // the blank after the id is exactly one
       }) {
    EXPECT_FALSE(parse_klog_header(std::string(bad)).has_value()) << bad;
  }
}

TEST(KlogHeader, TruncatedAtEveryByte) {
  const std::vector<std::string_view> valid = {
      kCanonical,
      "ERROR: logging before flag.Parse: E0106 23:51:06.973164   14498 portforward.go:316] x",
      "F20240101 00:00:00.000000 1 main.cc:1] y",
  };
  for (std::string_view line : valid) {
    ASSERT_TRUE(parse_exact(line).has_value()) << line;
    const size_t bracket = line.find("] ");
    ASSERT_NE(bracket, std::string_view::npos);
    for (size_t n = 0; n < line.size(); ++n) {
      const auto h = parse_exact(line.substr(0, n));
      if (n < bracket + 1) {
        EXPECT_FALSE(h.has_value()) << "prefix of " << n << " bytes: " << line.substr(0, n);
      } else {
        // From `]` on, the header is complete and only the message is cut.
        ASSERT_TRUE(h.has_value()) << n;
        EXPECT_EQ(h->message_offset, n == bracket + 1 ? n : bracket + 2) << n;
      }
    }
  }
}

TEST(KlogHeader, NulBytes) {
  const std::string good(kCanonical);
  // A NUL replacing any header byte up to and including the `] ` rejects the line...
  const size_t header_end = good.find("] ") + 2;
  for (size_t i = 0; i < header_end; ++i) {
    std::string line = good;
    line[i] = '\0';
    const auto h = parse_klog_header(line);
    // ...except inside the file name, where the strict pattern allows any byte but blank,
    // `]` and (first byte) `:`.
    if (i >= 30 && i < 30 + std::string_view("controller_utils.go").size()) {
      ASSERT_TRUE(h.has_value()) << i;
      EXPECT_EQ(h->line, 116u);
    } else {
      EXPECT_FALSE(h.has_value()) << "NUL at " << i;
    }
  }
  // NULs in the message are message bytes.
  const std::string with_nul = std::string("E0101 00:00:00.000000 1 a.go:1] a\0b", 35);
  const auto h = parse_klog_header(with_nul);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->message_offset, 32u);
  EXPECT_EQ(with_nul.substr(h->message_offset), std::string("a\0b", 3));
  EXPECT_FALSE(parse_exact(std::string_view("\0", 1)).has_value());
  EXPECT_FALSE(parse_exact(std::string(64, '\0')).has_value());
}

TEST(KlogHeader, EmptyAndTinyInputs) {
  EXPECT_FALSE(parse_exact("").has_value());
  EXPECT_FALSE(parse_klog_header(std::string_view()).has_value());
  for (std::string_view s : {"I", "E", "F1", "I0101", "I0101 ", "\xff", "\x80\x80\x80"}) {
    EXPECT_FALSE(parse_exact(s).has_value()) << s;
  }
}

TEST(KlogHeader, MebibyteLines) {
  constexpr size_t kMiB = 1 << 20;
  // A valid header followed by a 1 MiB message.
  std::string line = "W0101 00:00:00.000000 1 a.go:1] " + std::string(kMiB, 'x');
  auto h = parse_klog_header(line);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->message_offset, 32u);
  EXPECT_EQ(line.size() - h->message_offset, kMiB);

  // A header-shaped start whose file part never ends: rejected without running off the end.
  line = "W0101 00:00:00.000000 1 " + std::string(kMiB, 'a');
  EXPECT_FALSE(parse_exact(line).has_value());
  // Many `:<digits>` candidates, none followed by `] `.
  line = "W0101 00:00:00.000000 1 a";
  while (line.size() < kMiB) line += ":123";
  EXPECT_FALSE(parse_exact(line).has_value());
  line += "] msg";
  h = parse_klog_header(line);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->line, 123u);
  EXPECT_EQ(line.substr(h->message_offset), "msg");
  // A thread id padded by a mebibyte of blanks, then digits without end.
  line = "W0101 00:00:00.000000" + std::string(kMiB, ' ') + "7 a.go:9] m";
  h = parse_klog_header(line);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->thread_id, 7);
  line = "W0101 00:00:00.000000 " + std::string(kMiB, '9');
  EXPECT_FALSE(parse_exact(line).has_value());
}

// Corpus records (FORMATS.md §8) of format klog: header fields against `expect`.
TEST(KlogHeader, CorpusRecords) {
  std::ifstream in(std::string(KJ_SHARED_DATA_DIR) + "/log-lines.jsonl");
  ASSERT_TRUE(in.is_open()) << KJ_SHARED_DATA_DIR;
  std::string text;
  int valid = 0, invalid = 0, trimmed = 0, legacy = 0;
  while (std::getline(in, text)) {
    if (text.empty()) continue;
    const auto rec = nlohmann::json::parse(text);
    if (rec.at("format") != "klog") continue;
    const std::string line = rec.at("line");
    const auto& expect = rec.at("expect");
    SCOPED_TRACE("corpus " + std::to_string(rec.at("id").get<int>()));

    if (!expect.value("valid", true)) {
      EXPECT_FALSE(parse_klog_header(line).has_value());
      ++invalid;
      continue;
    }
    std::string_view first = line;
    const bool padded = first.find_first_of(" \n") == 0;
    if (padded) {
      // VRL's padded test input: a strict parser rejects it as is; it is valid once trimmed.
      EXPECT_FALSE(parse_klog_header(first).has_value());
      first.remove_prefix(first.find_first_not_of(" \n"));
      ++trimmed;
    }
    first = first.substr(0, first.find('\n'));

    const auto h = parse_klog_header(first);
    ASSERT_TRUE(h.has_value()) << first;
    EXPECT_EQ(severity_name(h->severity), expect.at("severity").get<std::string>());
    EXPECT_EQ(std::string(1, h->letter), expect.at("level_raw").get<std::string>());
    EXPECT_EQ(severity_otel_number(h->severity), expect.at("severity_number").get<int>());
    EXPECT_EQ(severity_otel_text(h->severity), expect.at("severity_text").get<std::string>());
    EXPECT_EQ(severity_syslog(h->severity), expect.at("syslog_severity").get<int>());
    EXPECT_EQ(severity_loki(h->severity), expect.at("loki_level").get<std::string>());
    EXPECT_EQ(h->thread_id, expect.at("thread_id").get<int64_t>());
    const std::string source = expect.at("source");
    EXPECT_EQ(h->caller, source);
    EXPECT_EQ(h->line, std::stoul(source.substr(source.rfind(':') + 1)));

    char time[32];
    std::snprintf(time, sizeof time, "--%02d-%02dT%02d:%02d:%02d.%06d", h->month, h->day, h->hour,
                  h->minute, h->second, h->microsecond);
    EXPECT_EQ(std::string(time), expect.at("time").get<std::string>());
    EXPECT_EQ(h->year, 0);

    // The message starts right after the first `<source>] ` following the prefix.
    const size_t prefix = expect.contains("legacy_prefix") ? 34 : 0;
    EXPECT_EQ(h->letter_offset, prefix);
    if (prefix != 0) {
      EXPECT_EQ(first.substr(0, 33), expect.at("legacy_prefix").get<std::string>());
      ++legacy;
    }
    const size_t at = first.find(" " + source + "] ", prefix);
    ASSERT_NE(at, std::string_view::npos);
    EXPECT_EQ(h->message_offset, at + 1 + source.size() + 2);
    std::string_view msg = first.substr(h->message_offset);
    // VRL trims its padded input at both ends; the expectation reflects that.
    if (padded) msg = msg.substr(0, msg.find_last_not_of(' ') + 1);
    const std::string expected_msg = expect.at("message");
    if (expect.at("structured").get<bool>()) {
      EXPECT_EQ(msg.substr(0, 1), "\"");  // the quoted message of InfoS/ErrorS
    } else {
      EXPECT_EQ(msg, std::string_view(expected_msg).substr(0, expected_msg.find('\n')));
    }
    ++valid;
  }
  // The selection holds 70 klog records: guard against silently reading fewer.
  EXPECT_GE(valid, 60);
  EXPECT_GE(invalid, 1);
  EXPECT_EQ(trimmed, 1);
  EXPECT_EQ(legacy, 2);
}

// The fixed part "mmdd hh:mm:ss.uuuuuu" is checked in one vector step: every byte value at every
// one of its positions must be accepted exactly when a byte-by-byte reading of the rules
// (digits where digits belong and in range, the separators in their places) accepts it.
TEST(KlogHeader, EveryByteAtEveryFixedPosition) {
  const std::string base = "I1127 10:20:30.123456       1 a.go:1] m";
  auto in_range = [](const std::string& f, size_t at, int lo, int hi) {
    const int v = (f[at] - '0') * 10 + (f[at + 1] - '0');
    return v >= lo && v <= hi;
  };
  for (size_t pos = 0; pos < 20; ++pos) {
    for (int b = 0; b < 256; ++b) {
      std::string line = base;
      line[1 + pos] = static_cast<char>(b);
      const std::string f = line.substr(1, 20);
      bool want = true;
      for (size_t i = 0; i < 20; ++i) {
        const char c = f[i];
        const bool sep = i == 4 || i == 7 || i == 10 || i == 13;
        if (sep ? c != base[1 + i] : (c < '0' || c > '9')) want = false;
      }
      want = want && in_range(f, 0, 1, 12) && in_range(f, 2, 1, 31) && in_range(f, 5, 0, 23) &&
             in_range(f, 8, 0, 59) && in_range(f, 11, 0, 59);
      // A digit in place of the blank after mmdd makes a longer date run: never a header
      // here (neither four nor eight digits).
      const auto h = parse_exact(line);
      ASSERT_EQ(h.has_value(), want) << "byte " << b << " at " << pos;
      if (h) {
        EXPECT_EQ(h->microsecond, std::stoi(f.substr(14, 6))) << "byte " << b << " at " << pos;
        EXPECT_EQ(h->second, std::stoi(f.substr(11, 2)));
      }
    }
  }
}

}  // namespace
}  // namespace kj
