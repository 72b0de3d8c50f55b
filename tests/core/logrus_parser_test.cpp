#include "core/logrus_parser.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/logrus_level.h"
#include "core/rfc3339.h"
#include "tests/core/corpus_records.h"

namespace kj {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Result {
  bool ok = false;
  ParsedLine line;
  LogrusDetails details;
};

// Parses from a heap buffer of exactly the input's size, so any read past the end is an ASan
// report.
Result parse_exact(std::string_view text) {
  std::unique_ptr<char[]> buf(new char[text.empty() ? 1 : text.size()]);
  std::copy(text.begin(), text.end(), buf.get());
  Result r;
  r.ok = parse_logrus(std::string_view(buf.get(), text.size()), r.line, &r.details);
  return r;
}

Result expect_parsed(std::string_view text) {
  Result r = parse_exact(text);
  EXPECT_TRUE(r.ok) << text;
  if (r.ok) {
    EXPECT_TRUE(r.line.format == LineFormat::logrus || r.line.format == LineFormat::logrus_json);
  }
  return r;
}

void expect_rejected(std::string_view text) {
  const Result r = parse_exact(text);
  EXPECT_FALSE(r.ok) << text;
  EXPECT_EQ(r.line.format, LineFormat::unknown) << text;
  EXPECT_TRUE(r.line.fields.empty()) << text;
  EXPECT_TRUE(r.line.message.empty()) << text;
}

int64_t ns(std::string_view text) {
  return *parse_rfc3339_ns(text, {.allow_blank_separator = true});
}

constexpr std::string_view kHead = "time=\"2021-05-17T19:43:06.552584864-07:00\" level=info ";

std::string with_head(std::string_view rest) {
  return std::string(kHead) + std::string(rest);
}

// --- Corpus -----------------------------------------------------------------------------------

TEST(LogrusParser, CorpusRecords) {
  int logrus = 0, tty = 0, degraded = 0, others = 0;
  std::vector<std::string> failing;
  for (const auto& rec : testing::corpus_records()) {
    const std::string line = rec.at("line");
    const std::string id = std::to_string(rec.at("id").get<int>());
    const Result r = parse_exact(line);
    if (rec.at("format") != "logrus") {
      // klog, CRI, klog-json and docker-json lines are not logrus.
      if (r.ok) failing.push_back(id + " (not logrus, parsed as logrus)");
      ++others;
      continue;
    }
    ++logrus;
    const auto& e = rec.at("expect");
    if (!r.ok) {
      failing.push_back(id + " (rejected)");
      continue;
    }
    const ParsedLine& p = r.line;
    if (p.format != LineFormat::logrus) failing.push_back(id + " format");
    if (severity_name(p.severity) != e.at("severity").get<std::string>()) {
      failing.push_back(id + " severity");
    }
    if (severity_otel_number(p.severity) != e.at("severity_number").get<int>()) {
      failing.push_back(id + " severity_number");
    }
    if (p.level_raw != e.at("level_raw").get<std::string>()) failing.push_back(id + " level_raw");
    if (!p.time_ns || *p.time_ns != testing::oracle_ns(e.at("time"))) {
      failing.push_back(id + " time");
    }
    if (p.message != e.at("message").get<std::string>()) failing.push_back(id + " message");
    Fields expected_fields;
    for (const auto& [k, v] : e.at("fields").items()) expected_fields.emplace_back(k, v);
    if (p.fields != expected_fields) failing.push_back(id + " fields");
    if (!p.caller.empty()) failing.push_back(id + " caller");  // expect.source is null
    const bool expect_tty = e.at("layout") == "tty";
    if ((r.details.layout == LogrusLayout::tty) != expect_tty) failing.push_back(id + " layout");
    const bool expect_degraded = e.value("strict_parse", "") == "fails";
    if (r.details.degraded != expect_degraded) failing.push_back(id + " degraded");
    tty += expect_tty;
    degraded += r.details.degraded;
  }
  EXPECT_TRUE(failing.empty()) << ::testing::PrintToString(failing);
  // The selection holds 30 of the 44 logrus records of FORMATS.md §8, 2 of them TTY and one
  // (139) that only the tolerant fallback reads.
  EXPECT_GE(logrus, 30);
  EXPECT_GE(tty, 2);
  EXPECT_EQ(degraded, 1);
  EXPECT_GE(others, 90);
}

// --- key=value layout ---------------------------------------------------------------------------

TEST(LogrusParser, FixedKeysAndFieldsInOrder) {
  const Result r = expect_parsed(
      "time=\"2021-05-17T19:43:06.552901047-07:00\" level=debug msg=\"sd notification\" "
      "error=\"<nil>\" notified=true state=\"STOPPING=1\"");
  EXPECT_EQ(r.line.format, LineFormat::logrus);
  EXPECT_EQ(r.line.severity, Severity::debug);
  EXPECT_EQ(r.line.level_raw, "debug");
  EXPECT_EQ(r.line.time_ns, 1621305786552901047);
  EXPECT_EQ(r.line.message, "sd notification");
  EXPECT_EQ(r.line.fields,
            (Fields{{"error", "<nil>"}, {"notified", "true"}, {"state", "STOPPING=1"}}));
  EXPECT_EQ(r.details.layout, LogrusLayout::key_value);
  EXPECT_FALSE(r.details.degraded);
  EXPECT_TRUE(r.line.caller.empty());
  EXPECT_FALSE(r.line.local_time);
}

TEST(LogrusParser, QuotingRules) {
  // Bare values: logrus' unquoted charset, and whatever else up to the next blank.
  Result r = expect_parsed(with_head("msg=serving... a=A-z.0_9/@^+ b=x:y c=x=y d=\"\""));
  EXPECT_EQ(r.line.message, "serving...");
  EXPECT_EQ(r.line.fields, (Fields{{"a", "A-z.0_9/@^+"}, {"b", "x:y"}, {"c", "x=y"}, {"d", ""}}));
  // Empty bare values (no QuoteEmptyFields), including an empty msg and a last empty value.
  r = expect_parsed(with_head("msg= a= b=1 c="));
  EXPECT_EQ(r.line.message, "");
  EXPECT_EQ(r.line.fields, (Fields{{"a", ""}, {"b", "1"}, {"c", ""}}));
  // Quoted values keep blanks, `=`, and an escaped quote; keys with `-` `.` `/` and the
  // fields.* clash names stay as they are.
  r = expect_parsed(
      with_head("msg=\"a b=c \\\"d\\\"\" storage-driver=aufs fields.level=error fields.msg=\"x y\" "
                "fields.time=t k8s.io/x=1"));
  EXPECT_EQ(r.line.message, "a b=c \"d\"");
  EXPECT_EQ(r.line.severity, Severity::info);
  EXPECT_EQ(r.line.fields, (Fields{{"storage-driver", "aufs"},
                                   {"fields.level", "error"},
                                   {"fields.msg", "x y"},
                                   {"fields.time", "t"},
                                   {"k8s.io/x", "1"}}));
  // msg absent: empty message; data keys only.
  r = expect_parsed(with_head("pid=1"));
  EXPECT_EQ(r.line.message, "");
  EXPECT_EQ(r.line.fields, (Fields{{"pid", "1"}}));
  // Runs of blanks between pairs and at the end; one trailing "\n" or "\r\n".
  r = expect_parsed("time=\"2021-05-17T19:43:06Z\"   level=warning  msg=x   k=v  \r\n");
  EXPECT_EQ(r.line.severity, Severity::warning);
  EXPECT_EQ(r.line.fields, (Fields{{"k", "v"}}));
  EXPECT_FALSE(r.details.degraded);
  // A value with a quote that is not its first byte is bare (logrus would have quoted it,
  // but the tokenizer follows the blank rule).
  r = expect_parsed(with_head("msg=x k=a\"b"));
  EXPECT_EQ(r.line.fields, (Fields{{"k", "a\"b"}}));
  // A repeated fixed key is a field (logrus renames clashes, so this is someone else's).
  r = expect_parsed(with_head("msg=first msg=second level=error"));
  EXPECT_EQ(r.line.message, "first");
  EXPECT_EQ(r.line.severity, Severity::info);
  EXPECT_EQ(r.line.fields, (Fields{{"msg", "second"}, {"level", "error"}}));
}

TEST(LogrusParser, EveryGoEscape) {
  struct Case {
    std::string_view quoted;
    std::string_view decoded;
  };
  const std::vector<Case> cases = {
      {"\\a\\b\\f\\n\\r\\t\\v", "\a\b\f\n\r\t\v"},
      {"\\\\ \\\" \\'", "\\ \" '"},
      {"\\x41\\x7a\\xff\\x00", std::string_view("Az\xff\0", 4)},  // \xNN is a raw byte
      {"\\101\\172\\377\\000", std::string_view("Az\xff\0", 4)},  // octal
      {"\\u00e9\\u20AC", "\xC3\xA9\xE2\x82\xAC"},
      {"\\U0001F600\\U0010FFFF", "\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF"},
      {"multi\\nline\\n\\tindented", "multi\nline\n\tindented"},
      {"raw \xC3\xA9 and \xff bytes", "raw \xC3\xA9 and \xff bytes"},
  };
  for (const auto& c : cases) {
    const Result r = expect_parsed(with_head("msg=\"" + std::string(c.quoted) + "\" k=v"));
    EXPECT_EQ(r.line.message, c.decoded) << c.quoted;
    EXPECT_FALSE(r.details.degraded) << c.quoted;
    EXPECT_EQ(r.line.fields, (Fields{{"k", "v"}})) << c.quoted;
  }
}

TEST(LogrusParser, InvalidEscapesFallBackVerbatim) {
  for (std::string_view bad : {"\\q", "\\x4", "\\x4g", "\\u12", "\\u12g4", "\\ud800", "\\uDFFF",
                               "\\U00110000", "\\400", "\\18", "\\8"}) {
    const std::string text = "a" + std::string(bad) + "z";
    const Result r = expect_parsed(with_head("msg=\"" + text + "\" k=v"));
    EXPECT_TRUE(r.details.degraded) << bad;
    EXPECT_EQ(r.line.message, text) << bad;
    EXPECT_EQ(r.line.fields, (Fields{{"k", "v"}})) << bad;
  }
  // A valid escape next to an invalid one is still decoded in the fallback.
  const Result r = expect_parsed(with_head("msg=\"\\t\\q\""));
  EXPECT_EQ(r.line.message, "\t\\q");
}

TEST(LogrusParser, TimeFormsOfEachDaemon) {
  struct Case {
    std::string_view line;
    int64_t ns;
  };
  const std::vector<Case> cases = {
      // containerd RFC3339NanoFixed with a PDT offset.
      {"time=\"2021-05-17T19:43:06.552584864-07:00\" level=info", 1621305786552584864},
      // dockerd, UTC.
      {"time=\"2019-10-11T07:40:42.275616307Z\" level=info", 1570779642275616307},
      // CRI-O: blank separator, Z and offset.
      {"time=\"2021-11-15 04:31:53.170524553Z\" level=info", 1636950713170524553},
      {"time=\"2020-07-01 17:13:49.335552472+02:00\" level=info", 1593616429335552472},
      // logrus default RFC3339, no fraction.
      {"time=\"2021-06-29T18:16:10+02:00\" level=info", 1624983370000000000},
      // slog: unquoted, milliseconds, upper-case level.
      {"time=2024-05-01T10:00:00.000Z level=INFO msg=started", 1714557600000000000},
      {"time=2024-05-01T12:00:00.123+02:00 level=WARN msg=x", 1714557600123000000},
      // Trailing zeros kept by RFC3339NanoFixed.
      {"time=\"2026-07-01T12:09:51.246915010+08:00\" level=debug", 1782878991246915010},
  };
  for (const auto& c : cases) {
    const Result r = expect_parsed(c.line);
    EXPECT_EQ(r.line.time_ns, c.ns) << c.line;
    EXPECT_TRUE(r.line.fields.empty()) << c.line;
  }
  // Fraction lengths 0..9.
  for (size_t n = 0; n <= 9; ++n) {
    const std::string frac = n ? "." + std::string("123456789").substr(0, n) : "";
    const Result r = expect_parsed("time=\"2024-01-02 03:04:05" + frac + "-01:30\" level=info");
    EXPECT_EQ(r.line.time_ns, ns("2024-01-02T04:34:05" + frac + "Z")) << n;
  }
}

TEST(LogrusParser, InvalidTimesAreKeptAsAField) {
  for (std::string_view bad :
       {"t", "", "2021-02-30T00:00:00Z", "2021-05-17T19:43:06", "Mon Jan 2 15:04:05 MST 2006",
        "2021-05-17T19:43:06.Z", "2021-05-17  19:43:06Z"}) {
    const Result r = expect_parsed("time=\"" + std::string(bad) + "\" level=error msg=x");
    EXPECT_FALSE(r.line.time_ns) << bad;
    EXPECT_EQ(r.line.fields, (Fields{{"time", std::string(bad)}})) << bad;
    EXPECT_EQ(r.line.severity, Severity::error);
  }
  // An escaped quoted time is unquoted before parsing.
  const Result r = expect_parsed("time=\"2024-05-01T10:00:00\\x2e5Z\" level=info");
  EXPECT_EQ(r.line.time_ns, 1714557600500000000);
}

TEST(LogrusParser, Levels) {
  const std::vector<std::pair<std::string_view, Severity>> levels = {
      {"trace", Severity::trace},     {"debug", Severity::debug},
      {"info", Severity::info},       {"warning", Severity::warning},
      {"warn", Severity::warning},    {"error", Severity::error},
      {"fatal", Severity::fatal},     {"panic", Severity::panic},
      {"INFO", Severity::info},       {"WARN", Severity::warning},
      {"INFO+2", Severity::notice},   {"DEBUG-4", Severity::trace},
      {"ERROR+4", Severity::fatal},   {"\"error\"", Severity::error},
      {"verbose", Severity::unknown},
  };
  for (const auto& [level, severity] : levels) {
    const Result r = expect_parsed("time=\"2021-05-17T19:43:06Z\" level=" + std::string(level));
    EXPECT_EQ(r.line.severity, severity) << level;
    const std::string raw =
        level.front() == '"' ? std::string(level.substr(1, level.size() - 2)) : std::string(level);
    EXPECT_EQ(r.line.level_raw, raw);
  }
  // level first (DisableTimestamp); level as the 4th key.
  Result r = expect_parsed("level=warning msg=\"no time\"");
  EXPECT_EQ(r.line.severity, Severity::warning);
  EXPECT_FALSE(r.line.time_ns);
  r = expect_parsed("time=t a=1 b=2 level=error msg=x");
  EXPECT_EQ(r.line.severity, Severity::error);
  EXPECT_EQ(r.line.fields, (Fields{{"time", "t"}, {"a", "1"}, {"b", "2"}}));
}

TEST(LogrusParser, NotLogrus) {
  for (std::string_view bad : {
           "",
           "msg=\"x\" level=error",
           "ts=2024-05-01T10:00:00Z level=error",
           "Time=\"t\" level=error",
           " time=\"t\" level=error",
           "something level=error",
           "time=\"t\" msg=\"no level\"",
           "time=t a=1 b=2 c=3 level=error",  // level too late
           "time=\"t\" fields.level=error",
           "time",
           "level",
           "time=",
           "I1025 00:15:15.525108       1 a.go:1] \"x\" level=error",
           "2016-10-06T00:17:09.669794202Z stdout F time=\"t\" level=info",
           "INFO message",
           "INFO [0001] x",
           "Info[0001] x",
           "XXXX[0001] x",
           "{\"ts\":1616398324656.7559,\"msg\":\"x\",\"v\":1}",
           "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2019-01-01T11:11:11Z\"}",
       }) {
    expect_rejected(bad);
  }
}

// --- Tolerant fallback (§4.6 rule 3) -----------------------------------------------------------

TEST(LogrusParser, TolerantFallback) {
  // Corpus 139: inner quotes lost their backslashes.
  Result r = expect_parsed(
      "time=\"2019-07-31T01:50:19.732979467Z\" level=info msg=\"loading plugin "
      "\"io.containerd.service.v1.images-service\"...\" type=io.containerd.service.v1");
  EXPECT_TRUE(r.details.degraded);
  EXPECT_EQ(r.line.message, "loading plugin \"io.containerd.service.v1.images-service\"...");
  EXPECT_EQ(r.line.fields, (Fields{{"type", "io.containerd.service.v1"}}));
  EXPECT_EQ(r.line.time_ns, 1564537819732979467);
  EXPECT_EQ(r.line.severity, Severity::info);

  // The broken msg does not swallow a quoted field after it (the spec's "last quote" would).
  r = expect_parsed(with_head("msg=\"a \"b\" c\" file=\"x.go:1\" id=3"));
  EXPECT_TRUE(r.details.degraded);
  EXPECT_EQ(r.line.message, "a \"b\" c");
  EXPECT_EQ(r.line.fields, (Fields{{"file", "x.go:1"}, {"id", "3"}}));

  // ` k=v"` inside the message is not taken for a field: a bare value with a quote is not
  // well-formed.
  r = expect_parsed(with_head("msg=\"set \"a\" b=c\" x=1"));
  EXPECT_EQ(r.line.message, "set \"a\" b=c");
  EXPECT_EQ(r.line.fields, (Fields{{"x", "1"}}));

  // Unterminated msg: to the end of the line.
  r = expect_parsed(with_head("msg=\"never closed k=v"));
  EXPECT_TRUE(r.details.degraded);
  EXPECT_EQ(r.line.message, "never closed k=v");
  EXPECT_TRUE(r.line.fields.empty());

  // A broken value followed by junk: the first quote before ` key=` still ends the time.
  r = expect_parsed(
      "time=\"2021-05-17T19:43:06Z\" level=error msg=\"x \"y\" z\" k=\"v\" junk \"tail");
  EXPECT_TRUE(r.details.degraded);
  EXPECT_EQ(r.line.time_ns, ns("2021-05-17T19:43:06Z"));
  EXPECT_EQ(r.line.severity, Severity::error);
  EXPECT_EQ(r.line.message, "x \"y\" z");

  // Tokens without `=` join the previous value instead of being dropped.
  r = expect_parsed(with_head("msg=hello world, again k=v"));
  EXPECT_TRUE(r.details.degraded);
  EXPECT_EQ(r.line.message, "hello world, again");
  EXPECT_EQ(r.line.fields, (Fields{{"k", "v"}}));

  // Free text after time/level becomes the message rather than corrupting the level (the
  // level detector reads the same level); after msg it is appended.
  r = expect_parsed("time=2024-05-01T10:00:00Z level=INFO+2 Starting the server k=v");
  EXPECT_TRUE(r.details.degraded);
  EXPECT_EQ(r.line.severity, Severity::notice);
  EXPECT_EQ(r.line.level_raw, "INFO+2");
  EXPECT_EQ(r.line.message, "Starting the server");
  EXPECT_EQ(r.line.fields, (Fields{{"k", "v"}}));
  r = expect_parsed("level=\"warn\" junk \"x msg=m");
  EXPECT_EQ(r.line.severity, Severity::warning);
  EXPECT_EQ(r.line.message, "m junk \"x");

  // Quote directly after a quoted value.
  r = expect_parsed(with_head("msg=\"a\"\"b\""));
  EXPECT_TRUE(r.details.degraded);
  EXPECT_EQ(r.line.message, "a\"\"b");

  // The fallback keeps the first-key rule.
  expect_rejected("msg=\"a \"b\" c\" level=info");
  expect_rejected("foo bar");
}

// --- TTY layout -------------------------------------------------------------------------------

TEST(LogrusParser, TtyLayout) {
  // Corpus 169.
  Result r =
      expect_parsed("INFO[2024-01-22 09:22:19.355170897Z] Checkpoint/restore support disabled");
  EXPECT_EQ(r.details.layout, LogrusLayout::tty);
  EXPECT_EQ(r.line.format, LineFormat::logrus);
  EXPECT_EQ(r.line.severity, Severity::info);
  EXPECT_EQ(r.line.level_raw, "INFO");
  EXPECT_EQ(r.line.time_ns, ns("2024-01-22T09:22:19.355170897Z"));
  EXPECT_EQ(r.line.message, "Checkpoint/restore support disabled");
  EXPECT_TRUE(r.line.fields.empty());

  // printColored as written to a terminal: padded message, coloured tag and keys.
  r = expect_parsed(
      "\x1b[31mERRO\x1b[0m[0001] failed to start                              "
      "  \x1b[31merror\x1b[0m=\"exit status 1\" \x1b[31mid\x1b[0m=abc");
  EXPECT_EQ(r.line.severity, Severity::error);
  EXPECT_EQ(r.line.level_raw, "ERRO");
  EXPECT_FALSE(r.line.time_ns);  // seconds since start
  EXPECT_TRUE(r.line.fields.size() == 2);
  EXPECT_EQ(r.line.message, "failed to start");
  EXPECT_EQ(r.line.fields, (Fields{{"error", "exit status 1"}, {"id", "abc"}}));

  // Same without colours (pasted), and a message longer than the padding.
  r = expect_parsed("WARN[0000] a message that is longer than forty-four characters in total  k=v");
  EXPECT_EQ(r.line.message, "a message that is longer than forty-four characters in total");
  EXPECT_EQ(r.line.fields, (Fields{{"k", "v"}}));

  // Double blanks inside the message are not taken for the field separator unless pairs to
  // the end follow.
  r = expect_parsed("INFO[0000] a  b=c d  e                                    ");
  EXPECT_EQ(r.line.message, "a  b=c d  e");
  EXPECT_TRUE(r.line.fields.empty());

  // DisableLevelTruncation, full timestamps in other forms, ReportCaller.
  r = expect_parsed("WARNING[2021-05-17T19:43:06-07:00] x");
  EXPECT_EQ(r.line.severity, Severity::warning);
  EXPECT_EQ(r.line.time_ns, ns("2021-05-18T02:43:06Z"));
  r = expect_parsed("DEBU[0003]/src/main.go:12 main.main() started  k=1");
  EXPECT_EQ(r.line.message, "started");
  EXPECT_EQ(r.line.fields,
            (Fields{{"file", "/src/main.go:12"}, {"func", "main.main"}, {"k", "1"}}));
  r = expect_parsed("INFO[Jan  2 15:04:05] custom time format");
  EXPECT_FALSE(r.line.time_ns);
  EXPECT_EQ(r.line.fields, (Fields{{"time", "Jan  2 15:04:05"}}));
  EXPECT_EQ(r.line.message, "custom time format");
  r = expect_parsed("PANI[0000]");
  EXPECT_EQ(r.line.severity, Severity::panic);
  EXPECT_EQ(r.line.message, "");

  // Corpus 168: the message is not quoted, so its quotes and backslashes stay.
  r = expect_parsed(
      "WARN[2024-01-22 09:22:19.347641234Z] 'runc is being ignored due to: \"\\\"runc\\\" not "
      "found\"");
  EXPECT_EQ(r.line.message, "'runc is being ignored due to: \"\\\"runc\\\" not found\"");

  // An escape is removed only where it is whole: taking out the inner one of `ESC[ESC[mm`
  // leaves `ESC[m`, which is not a colour escape of the line (found by the fuzzer).
  expect_rejected("\x1b[\x1b[mmINFO[2024-01-22 09:22:19.355170897Z] d");
  EXPECT_FALSE(detect_logrus_level("\x1b[\x1b[mmINFO[2024-01-22 09:22:19.355170897Z] d"));
  r = expect_parsed("\x1b[36mINFO\x1b[0m[0000] a  k=\x1b[\x1b[0mmv");
  EXPECT_EQ(r.line.fields, (Fields{{"k", "\x1b[mv"}}));
}

// --- JSON formatter -----------------------------------------------------------------------------

TEST(LogrusParser, JsonFormatter) {
  Result r = expect_parsed(
      "{\"error\":\"dial tcp: i/o timeout\",\"level\":\"error\",\"module\":\"grpc\",\"msg\":"
      "\"failed \\u003cretry\\u003e\",\"n\":3,\"obj\":{\"a\":[1,2]},\"ok\":true,\"time\":"
      "\"2019-10-11T07:40:42.275616307Z\"}");
  EXPECT_EQ(r.line.format, LineFormat::logrus_json);
  EXPECT_EQ(r.details.layout, LogrusLayout::json);
  EXPECT_EQ(r.line.severity, Severity::error);
  EXPECT_EQ(r.line.level_raw, "error");
  EXPECT_EQ(r.line.message, "failed <retry>");
  EXPECT_EQ(r.line.time_ns, 1570779642275616307);
  EXPECT_EQ(r.line.fields, (Fields{{"error", "dial tcp: i/o timeout"},
                                   {"module", "grpc"},
                                   {"n", "3"},
                                   {"obj", "{\"a\":[1,2]}"},
                                   {"ok", "true"}}));
  // slog's JSON handler: upper-case level, leading blanks.
  r = expect_parsed("  {\"time\":\"2024-05-01T10:00:00.000Z\",\"level\":\"WARN+1\",\"msg\":\"x\"}");
  EXPECT_EQ(r.line.severity, Severity::warning);
  EXPECT_EQ(r.line.time_ns, 1714557600000000000);
  // msg absent but time present; a non-string time or msg is kept as JSON text.
  r = expect_parsed("{\"level\":\"info\",\"time\":12}");
  EXPECT_EQ(r.line.fields, (Fields{{"time", "12"}}));
  r = expect_parsed("{\"level\":\"info\",\"msg\":null}");
  EXPECT_EQ(r.line.message, "null");
  r = expect_parsed("{\"level\":\"info\",\"msg\":\"x\",\"time\":\"not a time\"}");
  EXPECT_EQ(r.line.fields, (Fields{{"time", "not a time"}}));

  for (std::string_view bad : {
           "{}",
           "{\"msg\":\"x\"}",
           "{\"level\":\"info\"}",
           "{\"level\":1,\"msg\":\"x\"}",
           "{\"level\":\"info\",\"msg\":\"x\"",
           "{\"level\":\"info\",\"msg\":\"x\"} x",
           "[{\"level\":\"info\",\"msg\":\"x\"}]",
           "{\"level\":\"info\",\"msg\":\"\xff\"}",
           "{\"level\":\"info\",\"msg\":\"\xc3\"}",
           "{\"ts\":1616398324656.7559,\"msg\":\"x\",\"v\":1}",
       }) {
    expect_rejected(bad);
  }
  // Nesting: 64 levels are fine, deeper is rejected rather than recursed into.
  const std::string ok = "{\"level\":\"info\",\"msg\":\"x\",\"d\":" + std::string(62, '[') +
                         std::string(62, ']') + "}";
  r = expect_parsed(ok);
  EXPECT_EQ(r.line.fields.size(), 1u);
  expect_rejected("{\"level\":\"info\",\"msg\":\"x\",\"d\":" + std::string(100000, '[') +
                  std::string(100000, ']') + "}");
  expect_rejected("{\"level\":\"info\",\"msg\":\"x\",\"d\":" + std::string(100000, '['));
}

// The JSON layout's edge cases, checked against what the earlier nlohmann::ordered_json
// implementation produced (a differential run over the corpus, these tests' inputs and random
// mutations of them); the three intended differences are marked.

std::string json_line(std::string_view members) {
  return "{\"level\":\"info\",\"msg\":\"x\"," + std::string(members) + "}";
}

TEST(LogrusJson, NestedValuesKeepCompactJsonText) {
  Result r = expect_parsed(
      json_line("\"obj\" : { \"a\" : [ 1 , {\"b\":null}, [] ] , \"c\":{} },\"arr\":[ ],\"t\":true,"
                "\"f\":false,\"z\":null"));
  EXPECT_EQ(r.line.fields, (Fields{{"obj", "{\"a\":[1,{\"b\":null},[]],\"c\":{}}"},
                                   {"arr", "[]"},
                                   {"t", "true"},
                                   {"f", "false"},
                                   {"z", "null"}}));
  // Intended difference: numbers keep their text (nlohmann printed 1e5 as 100000.0, 1.50 as
  // 1.5, -0 as 0, long integers through a double, and refused the line for 1e400).
  r = expect_parsed(
      "{\"level\":\"info\",\"msg\":1e5,\"n\":1.50,\"neg\":-0,\"big\":"
      "123456789012345678901234567890,\"huge\":1E+400,\"arr\":[2.5e-3, 7]}");
  EXPECT_EQ(r.line.message, "1e5");
  EXPECT_EQ(r.line.fields, (Fields{{"n", "1.50"},
                                   {"neg", "-0"},
                                   {"big", "123456789012345678901234567890"},
                                   {"huge", "1E+400"},
                                   {"arr", "[2.5e-3,7]"}}));
  // Intended difference: a key repeated inside a value is kept (nlohmann kept one, with the
  // last value).
  r = expect_parsed(json_line("\"obj\":{\"a\":1,\"b\":2,\"a\":3}"));
  EXPECT_EQ(r.line.fields, (Fields{{"obj", "{\"a\":1,\"b\":2,\"a\":3}"}}));
}

TEST(LogrusJson, Escapes) {
  // Top-level strings, keys included, are decoded; a surrogate pair is one code point.
  Result r = expect_parsed(
      "{\"level\":\"info\",\"msg\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u65e5\\ud83d\\ude00\","
      "\"k\\u00e9y\":\"\\u0000\",\"e\\\"sc\":\"\\u003cnil\\u003e\"}");
  EXPECT_EQ(r.line.message, "a\"b\\c/d\b\f\n\r\t\u00e9\u65e5\U0001F600");
  EXPECT_EQ(r.line.fields, (Fields{{"k\u00e9y", std::string(1, '\0')}, {"e\"sc", "<nil>"}}));
  // Strings inside other values are written back with the fewest escapes, as nlohmann's dump
  // did: Go's HTML-safe \u003c reads `<` as in a top-level string; controls stay escaped.
  r =
      expect_parsed(json_line("\"obj\":{\"s\\u00e9\":\"\\u003cb\\u003e \\/ \\ud83d\\ude00 \\n "
                              "\\u0001 \\u007f \\\" \\\\\"}"));
  EXPECT_EQ(r.line.fields,
            (Fields{{"obj", "{\"s\u00e9\":\"<b> / \U0001F600 \\n \\u0001 \x7f \\\" \\\\\"}"}}));
  // Intended difference: a lone surrogate decodes to U+FFFD, as Go's encoding/json (which
  // writes these lines) and the klog JSON parser do; nlohmann refused the whole line.
  r = expect_parsed(
      "{\"level\":\"info\",\"msg\":\"\\ud800\",\"a\":\"\\ud800\\u0041\",\"b\":\"\\udc00x\","
      "\"c\":[\"\\ud83d\"]}");
  EXPECT_EQ(r.line.message, "\uFFFD");
  EXPECT_EQ(r.line.fields, (Fields{{"a", "\uFFFDA"}, {"b", "\uFFFDx"}, {"c", "[\"\uFFFD\"]"}}));
  for (std::string_view bad : {
           "{\"level\":\"info\",\"msg\":\"\\x41\"}",
           "{\"level\":\"info\",\"msg\":\"\\u12\"}",
           "{\"level\":\"info\",\"msg\":\"\\ud800\\u12\"}",
           "{\"level\":\"info\",\"msg\":\"x\",\"a\":[\"\\q\"]}",
           "{\"level\":\"info\",\"msg\":\"tab\there\"}",
       }) {
    expect_rejected(bad);
  }
}

TEST(LogrusJson, RepeatedKeysKeepTheFirstPositionAndTheLastValue) {
  // As when the object is read into a map (and as the nlohmann implementation did).
  Result r = expect_parsed(
      "{\"level\":\"info\",\"a\":\"1\",\"msg\":\"m1\",\"b\":2,\"a\":\"3\",\"msg\":\"m2\","
      "\"level\":\"warning\"}");
  EXPECT_EQ(r.line.level_raw, "warning");
  EXPECT_EQ(r.line.severity, Severity::warning);
  EXPECT_EQ(r.line.message, "m2");
  EXPECT_EQ(r.line.fields, (Fields{{"a", "3"}, {"b", "2"}}));
  // `level`: the last value must be a string.
  expect_rejected("{\"level\":\"info\",\"msg\":\"x\",\"level\":1}");
  r = expect_parsed("{\"level\":1,\"msg\":\"x\",\"level\":\"error\"}");
  EXPECT_EQ(r.line.level_raw, "error");
  // `time`: the last value decides, at the first one's position.
  r = expect_parsed(
      "{\"level\":\"info\",\"time\":\"2019-10-11T07:40:42Z\",\"k\":1,\"time\":\"bad\"}");
  EXPECT_FALSE(r.line.time_ns);
  EXPECT_EQ(r.line.fields, (Fields{{"time", "bad"}, {"k", "1"}}));
  r = expect_parsed(
      "{\"time\":\"bad\",\"level\":\"info\",\"k\":1,\"time\":\"2019-10-11T07:40:42Z\"}");
  EXPECT_EQ(r.line.time_ns, 1570779642000000000);
  EXPECT_EQ(r.line.fields, (Fields{{"k", "1"}}));
  r = expect_parsed("{\"level\":\"info\",\"time\":\"2019-10-11T07:40:42Z\",\"k\":1,\"time\":[1]}");
  EXPECT_FALSE(r.line.time_ns);
  EXPECT_EQ(r.line.fields, (Fields{{"time", "[1]"}, {"k", "1"}}));

  // Past the linear lookup: 40 keys, then repeats of some of them.
  std::string many = "{\"level\":\"info\",\"msg\":\"x\"";
  for (int k = 0; k < 40; ++k) many += ",\"k" + std::to_string(k) + "\":" + std::to_string(k);
  many += ",\"k5\":\"five\",\"k39\":{},\"k40\":40,\"k0\":null}";
  r = expect_parsed(many);
  ASSERT_EQ(r.line.fields.size(), 41u);
  EXPECT_EQ(r.line.fields[0], (std::pair<std::string, std::string>{"k0", "null"}));
  EXPECT_EQ(r.line.fields[5], (std::pair<std::string, std::string>{"k5", "five"}));
  EXPECT_EQ(r.line.fields[39], (std::pair<std::string, std::string>{"k39", "{}"}));
  EXPECT_EQ(r.line.fields[40], (std::pair<std::string, std::string>{"k40", "40"}));
}

TEST(LogrusJson, WhitespaceAndTrailingBytes) {
  Result r = expect_parsed(
      " \t{ \"level\" :\t\"info\" ,\r\n \"msg\"\n:\r\"x\" , \"a\" : [ 1 ,\t2 ] }\t \r\n");
  EXPECT_EQ(r.line.message, "x");
  EXPECT_EQ(r.line.fields, (Fields{{"a", "[1,2]"}}));
  for (std::string_view bad : {
           "{\"level\":\"info\",\"msg\":\"x\"}}",
           "{\"level\":\"info\",\"msg\":\"x\"},",
           "{\"level\":\"info\",\"msg\":\"x\"}{}",
           "{\"level\":\"info\",\"msg\":\"x\"} \"\"",
           "{\"level\":\"info\",\"msg\":\"x\",}",
           "{\"level\":\"info\",,\"msg\":\"x\"}",
           "{\"level\":\"info\" \"msg\":\"x\"}",
           "{\"level\":\"info\",\"msg\":\"x\",\"a\":01}",
           "{\"level\":\"info\",\"msg\":\"x\",\"a\":[1,]}",
           "{\"level\":\"info\",\"msg\":\"x\",\"a\":tru}",
           "{level:\"info\",\"msg\":\"x\"}",
           "{\"level\":\"info\",\"msg\":\"x\"\f}",
       }) {
    expect_rejected(bad);
  }
}

TEST(LogrusJson, NestingLimit) {
  // No value may sit inside more than 64 containers, the top-level object included: an
  // innermost value at depth 64 parses, one at 65 does not, whatever its kind.
  auto nested = [](int arrays, std::string_view inner) {
    return json_line("\"d\":" + std::string(static_cast<size_t>(arrays), '[') + std::string(inner) +
                     std::string(static_cast<size_t>(arrays), ']'));
  };
  EXPECT_EQ(expect_parsed(nested(63, "1")).line.fields.size(), 1u);
  EXPECT_EQ(expect_parsed(nested(63, "{}")).line.fields.size(), 1u);
  EXPECT_EQ(expect_parsed(nested(64, "")).line.fields.size(), 1u);
  expect_rejected(nested(64, "1"));
  expect_rejected(nested(64, "{}"));
  expect_rejected(nested(65, ""));
  std::string objects = json_line("\"d\":" + [] {
    std::string s;
    for (int k = 0; k < 63; ++k) s += "{\"k\":";
    return s + "0" + std::string(63, '}');
  }());
  expect_parsed(objects);
  objects.insert(objects.find("{\"k\""), "{\"k\":");
  objects.insert(objects.size() - 1, "}");
  expect_rejected(objects);
}

TEST(LogrusJson, InvalidUtf8AndNul) {
  for (std::string_view bytes : {
           std::string_view("\xff"),
           std::string_view("\xc3"),              // truncated
           std::string_view("\xc0\xaf"),          // overlong
           std::string_view("\xed\xa0\x80"),      // an encoded surrogate
           std::string_view("\xf4\x90\x80\x80"),  // above U+10FFFF
           std::string_view("a\0b", 3),
       }) {
    const std::string b(bytes);
    expect_rejected("{\"level\":\"info\",\"msg\":\"" + b + "\"}");
    expect_rejected("{\"level\":\"info\",\"msg\":\"x\",\"k" + b + "\":1}");
    expect_rejected("{\"level\":\"info\",\"msg\":\"x\",\"a\":[\"" + b + "\"]}");
  }
  expect_rejected(std::string("{\"level\":\"info\",\0\"msg\":\"x\"}", 26));
  expect_rejected(std::string("{\"level\":\"info\",\"msg\":\"x\"}\0", 27));
  const Result r = expect_parsed("{\"level\":\"info\",\"msg\":\"\xe6\x97\xa5\xf0\x9f\x98\x80\"}");
  EXPECT_EQ(r.line.message, "\u65e5\U0001F600");
}

TEST(LogrusJson, ReusedOutputCarriesNothingOver) {
  ParsedLine out;
  ASSERT_TRUE(
      parse_logrus("{\"a\":\"1\",\"time\":\"2019-10-11T07:40:42Z\",\"b\":\"2\",\"level\":\"info\","
                   "\"msg\":\"m\"}",
                   out));
  EXPECT_EQ(out.fields, (Fields{{"a", "1"}, {"b", "2"}}));
  ASSERT_TRUE(parse_logrus("{\"level\":\"error\",\"time\":\"bad\"}", out));
  EXPECT_EQ(out.message, "");
  EXPECT_FALSE(out.time_ns);
  EXPECT_EQ(out.fields, (Fields{{"time", "bad"}}));
  EXPECT_FALSE(parse_logrus("{\"level\":\"error\",\"time\":\"bad\"", out));
  EXPECT_TRUE(out.fields.empty());
}

// --- Robustness -------------------------------------------------------------------------------

TEST(LogrusParser, TruncatedAtEveryByte) {
  const std::vector<std::string> lines = {
      "time=\"2021-05-17T19:43:06.552584864-07:00\" level=debug msg=\"sd \\\"x\\\"\\n\" "
      "error=\"<nil>\" notified=true",
      "\x1b[36mINFO\x1b[0m[2024-01-22 09:22:19.355170897Z] Checkpoint        "
      "\x1b[36mk\x1b[0m=\"v w\"",
      "{\"level\":\"info\",\"msg\":\"x\\u00e9\",\"time\":\"2019-10-11T07:40:42Z\"}",
  };
  for (const auto& line : lines) {
    for (size_t n = 0; n <= line.size(); ++n) {
      const Result r = parse_exact(std::string_view(line).substr(0, n));
      if (r.ok) {
        EXPECT_NE(r.line.format, LineFormat::unknown);
      } else {
        EXPECT_EQ(r.line.format, LineFormat::unknown);
      }
    }
  }
  // Every prefix of the key=value line that reaches the level value parses.
  const std::string& kv = lines[0];
  const size_t level_at = kv.find("level=") + 6;
  for (size_t n = level_at; n <= kv.size(); ++n) {
    EXPECT_TRUE(parse_exact(std::string_view(kv).substr(0, n)).ok) << n;
  }
}

TEST(LogrusParser, NulBytesAndInvalidUtf8) {
  const std::string line = "time=\"2021-05-17T19:43:06Z\" level=info msg=\"" +
                           std::string("a\0b\xff", 4) + "\" k=" + std::string("\xfe\0", 2);
  const Result r = expect_parsed(line);
  EXPECT_EQ(r.line.message, std::string("a\0b\xff", 4));
  EXPECT_EQ(r.line.fields, (Fields{{"k", std::string("\xfe\0", 2)}}));
  expect_rejected(std::string("time\0=\"t\" level=error", 21));
  expect_rejected(std::string(64, '\0'));
  expect_rejected("{\"level\":\"info\",\"msg\":\"x\"}" + std::string("\0junk", 5));
  expect_rejected("\xff\xfe\xfd");
}

TEST(LogrusParser, MebibyteLines) {
  constexpr size_t kMiB = size_t{1} << 20;
  Result r = expect_parsed(with_head("msg=\"" + std::string(kMiB, 'x') + "\""));
  EXPECT_EQ(r.line.message.size(), kMiB);
  std::string pairs(kHead);
  while (pairs.size() < kMiB) pairs += "k=\"v w\" ";
  r = expect_parsed(pairs);
  EXPECT_GT(r.line.fields.size(), kMiB / 10);

  // Fallback worst cases stay linear: a broken msg before a mebibyte of quoted pairs that ends
  // in junk (every quote is a closing candidate), and a mebibyte of quotes.
  std::string broken = with_head("msg=\"a \"b\" c\"");
  while (broken.size() < kMiB) broken += " k=\"v\"";
  broken += " junk\"";
  r = expect_parsed(broken);
  EXPECT_TRUE(r.details.degraded);
  r = expect_parsed(with_head("msg=\"" + std::string(kMiB, '"')));
  EXPECT_TRUE(r.details.degraded);
  r = expect_parsed(with_head("msg=\"" + std::string(kMiB / 2, ' ') + std::string(kMiB / 2, '"')));
  EXPECT_TRUE(r.details.degraded);
  std::string spaced = with_head("msg=\"x");
  while (spaced.size() < kMiB) spaced += "\" a=\"";
  r = expect_parsed(spaced);
  EXPECT_TRUE(r.details.degraded);
  // A TTY message of double blanks and pair-like text.
  std::string tty = "INFO[0000] m";
  while (tty.size() < kMiB) tty += "  k=v";
  tty += " junk";
  r = expect_parsed(tty);
  EXPECT_TRUE(r.line.fields.empty());
  r = expect_parsed("INFO[0000] m" + std::string(kMiB, ' '));
  EXPECT_EQ(r.line.message, "m");
}

TEST(LogrusParser, ReusesTheOutput) {
  ParsedLine out;
  ASSERT_TRUE(parse_logrus(with_head("msg=one a=" + std::string(100, 'a') + " b=2 c=3"), out));
  ASSERT_EQ(out.fields.size(), 3u);
  const char* kept = out.fields[0].second.data();
  ASSERT_TRUE(parse_logrus(with_head("msg=two z=" + std::string(50, 'z')), out));
  EXPECT_EQ(out.message, "two");
  EXPECT_EQ(out.fields, (Fields{{"z", std::string(50, 'z')}}));
  EXPECT_EQ(out.fields[0].second.data(), kept);  // the field string kept its buffer
  // A failed parse leaves nothing behind from the previous line.
  EXPECT_FALSE(parse_logrus("not logrus", out));
  EXPECT_TRUE(out.fields.empty());
  EXPECT_FALSE(out.time_ns);
  EXPECT_EQ(out.severity, Severity::unknown);
  // The two-argument form is the same parse.
  ASSERT_TRUE(parse_logrus("INFO[0000] hi", out));
  EXPECT_EQ(out.message, "hi");
}

}  // namespace
}  // namespace kj
