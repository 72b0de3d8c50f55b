#include "core/logrus_level.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kj {
namespace {

struct Detected {
  Severity severity;
  std::string raw;
};

// Runs the detector on a copy held in a buffer of exactly the input's size, so a read past
// the end is a heap overflow a sanitizer build reports. Copies `raw` out before the buffer dies.
std::optional<Detected> detect_exact(std::string_view text) {
  std::unique_ptr<char[]> buf(new char[text.empty() ? 1 : text.size()]);
  std::copy(text.begin(), text.end(), buf.get());
  const std::string_view view(buf.get(), text.size());
  const auto l = detect_logrus_level(view);
  if (!l) return std::nullopt;
  // raw must be a view into the input.
  EXPECT_TRUE(l->raw.empty() || (l->raw.data() >= view.data() &&
                                 l->raw.data() + l->raw.size() <= view.data() + view.size()));
  return Detected{l->severity, std::string(l->raw)};
}

void expect_level(std::string_view line, Severity severity, std::string_view raw) {
  const auto d = detect_exact(line);
  ASSERT_TRUE(d.has_value()) << line;
  EXPECT_EQ(d->severity, severity) << line;
  EXPECT_EQ(d->raw, raw) << line;
}

void expect_none(std::string_view line) {
  EXPECT_FALSE(detect_exact(line).has_value()) << line;
}

TEST(LogrusLevel, EveryLogrusLevelName) {
  const std::vector<std::pair<std::string_view, Severity>> names = {
      {"trace", Severity::trace},     {"debug", Severity::debug},  {"info", Severity::info},
      {"warning", Severity::warning}, {"warn", Severity::warning}, {"error", Severity::error},
      {"fatal", Severity::fatal},     {"panic", Severity::panic},
  };
  for (const auto& [name, severity] : names) {
    const std::string line =
        "time=\"2021-05-17T19:43:06.552584864-07:00\" level=" + std::string(name) +
        " msg=\"hello world\" pid=1";
    expect_level(line, severity, name);
  }
}

TEST(LogrusLevel, TimeFormsOfEachDaemon) {
  // logrus default RFC3339, containerd/dockerd RFC3339NanoFixed, CRI-O with a blank.
  expect_level("time=\"2015-10-27T11:56:14-04:00\" level=info msg=x", Severity::info, "info");
  expect_level("time=\"2019-10-11T07:40:42.275616307Z\" level=error msg=\"a b\"", Severity::error,
               "error");
  expect_level("time=\"2021-01-20 17:36:25.582620894Z\" level=debug msg=\"Checking\" id=1",
               Severity::debug, "debug");
  // slog's text handler: bare time, upper-case level.
  expect_level("time=2024-05-01T10:00:00.000Z level=INFO msg=started", Severity::info, "INFO");
  expect_level("time=2024-05-01T10:00:00.000+02:00 level=WARN msg=\"disk low\"", Severity::warning,
               "WARN");
  expect_level("time=2024-05-01T10:00:00.000Z level=ERROR msg=x", Severity::error, "ERROR");
  expect_level("time=2024-05-01T10:00:00.000Z level=DEBUG msg=x", Severity::debug, "DEBUG");
}

TEST(LogrusLevel, SlogLevelOffsets) {
  expect_level("time=2024-05-01T10:00:00.000Z level=INFO+2 msg=x", Severity::notice, "INFO+2");
  expect_level("time=2024-05-01T10:00:00.000Z level=INFO+3 msg=x", Severity::notice, "INFO+3");
  expect_level("time=2024-05-01T10:00:00.000Z level=WARN+1 msg=x", Severity::warning, "WARN+1");
  expect_level("time=2024-05-01T10:00:00.000Z level=DEBUG-4 msg=x", Severity::trace, "DEBUG-4");
  expect_level("time=2024-05-01T10:00:00.000Z level=DEBUG+2 msg=x", Severity::debug, "DEBUG+2");
  expect_level("time=2024-05-01T10:00:00.000Z level=ERROR+1 msg=x", Severity::critical, "ERROR+1");
  expect_level("time=2024-05-01T10:00:00.000Z level=ERROR+4 msg=x", Severity::fatal, "ERROR+4");
}

TEST(LogrusLevel, LevelAsFirstKeyAndQuotedValues) {
  // DisableTimestamp: level comes first.
  expect_level("level=warning msg=\"no time\"", Severity::warning, "warning");
  expect_level("level=error", Severity::error, "error");
  expect_level("level=\"error\" msg=x", Severity::error, "error");
  expect_level("time=\"t\" level=\"debug\"", Severity::debug, "debug");
  // Blank runs between pairs are tolerated.
  expect_level("time=\"t\"   level=info", Severity::info, "info");
  // Quoted time with escaped quotes and a `level=` inside it.
  expect_level("time=\"a \\\"level=error\\\" b\" level=info msg=x", Severity::info, "info");
}

TEST(LogrusLevel, LevelAmongLeadingKeysOnly) {
  expect_level("time=t a=1 b=2 level=error msg=x", Severity::error, "error");  // 4th key
  expect_none("time=t a=1 b=2 c=3 level=error msg=x");                         // 5th key
  // msg before level does not hide it while still among the leading keys.
  expect_level("time=t msg=\"level=fatal\" level=info", Severity::info, "info");
  // `fields.level` is logrus' clash rename of a data field, not the level.
  expect_none("time=t fields.level=error msg=x");
  expect_none("time=t levels=error msg=x");
  expect_none("time=t Level=error msg=x");
}

TEST(LogrusLevel, FirstKeyMustBeTimeOrLevel) {
  for (std::string_view bad : {
           "msg=\"x\" level=error",
           "ts=2024-05-01T10:00:00Z level=error",
           "timestamp=\"t\" level=error",
           "t=1 level=error",
           "lvl=error msg=x",
           "Time=\"t\" level=error",
           "LEVEL=error",
           " time=\"t\" level=error",  // leading blank
           "something happened level=error",
           "I1025 00:15:15.525108       1 a.go:1] \"x\" level=error",
           "E0106 level=error",
       }) {
    expect_none(bad);
  }
}

TEST(LogrusLevel, MalformedPairs) {
  for (std::string_view bad : {
           "time level=error",                 // first token has no `=`
           "time=\"unterminated level=error",  // quoted time never closes
           "time=\"t\"level=error",            // no blank after the quoted value
           "time=\"t\" =error",                // empty key
           "time=\"t\" \"level\"=error",       // quoted key
           "time=\"t\" level",                 // key without `=`
           "time=\"ends in a backslash\\",
           "time=\"ends in a backslash\\\"",
           "time=",
           "level",
       }) {
    expect_none(bad);
  }
  // A quoted level with an escape is taken verbatim and matches no name.
  expect_level("level=\"er\\\"ror\"", Severity::unknown, "er\\\"ror");
  // An unterminated quoted level is not a pair at all.
  expect_none("level=\"error");
}

TEST(LogrusLevel, UnknownLevelNamesStillIdentifyTheLine) {
  expect_level("time=\"t\" level=verbose msg=x", Severity::unknown, "verbose");
  expect_level("time=\"t\" level= msg=x", Severity::unknown, "");
  expect_level("level=INFO+x", Severity::unknown, "INFO+x");
}

TEST(LogrusLevel, TtyTags) {
  const std::vector<std::pair<std::string_view, Severity>> tags = {
      {"TRAC", Severity::trace},
      {"DEBU", Severity::debug},
      {"INFO", Severity::info},
      {"WARN", Severity::warning},
      {"ERRO", Severity::error},
      {"FATA", Severity::fatal},
      {"PANI", Severity::panic},
      // DisableLevelTruncation prints the whole name.
      {"TRACE", Severity::trace},
      {"DEBUG", Severity::debug},
      {"WARNING", Severity::warning},
      {"ERROR", Severity::error},
      {"FATAL", Severity::fatal},
      {"PANIC", Severity::panic},
  };
  for (const auto& [tag, severity] : tags) {
    expect_level(std::string(tag) + "[0001] message", severity, tag);
    expect_level(std::string(tag) + "[2024-01-22 09:22:19.347641234Z] message  k=v", severity, tag);
  }
  expect_level("INFO[0000]", Severity::info, "INFO");
  expect_level("WARN[]", Severity::warning, "WARN");
}

TEST(LogrusLevel, TtyWithColourEscapes) {
  // printColored: ESC[<colour>m + tag + ESC[0m + [seconds].
  expect_level("\x1b[31mERRO\x1b[0m[0001] failed", Severity::error, "ERRO");
  expect_level("\x1b[36mINFO\x1b[0m[0000] started", Severity::info, "INFO");
  expect_level("\x1b[1;33mWARN[0002] x", Severity::warning, "WARN");
  expect_level("\x1b[0m\x1b[37mDEBU\x1b[0m\x1b[0m[0003] x", Severity::debug, "DEBU");
  expect_level("\x1b[mPANI\x1b[0m[0003] x", Severity::panic, "PANI");
}

TEST(LogrusLevel, TtyMalformed) {
  for (std::string_view bad : {
           "INFO message",
           "INFO [0001] message",  // blank before the bracket
           "INFO[0001 never closed",
           "INFOS[0001] x",
           "INF[0001] x",
           "Info[0001] x",
           "info[0001] x",
           "XXXX[0001] x",
           "WARNINGS[0001] x",
           "[0001] x",
           "\x1b[31",               // unterminated escape
           "\x1b[31mERRO",          // no bracket
           "\x1b[31xERRO[0001] x",  // not an SGR sequence
           "\x1b[31mERRO\x1b[0m",
           "\x1b",
           "ERRO[",
       }) {
    expect_none(bad);
  }
}

TEST(LogrusLevel, EmptyAndBinaryInputs) {
  expect_none("");
  EXPECT_FALSE(detect_logrus_level(std::string_view()).has_value());
  expect_none(std::string_view("\0", 1));
  expect_none(std::string(100, '\0'));
  expect_none("\xff\xfe\xfd");
  expect_none(std::string_view("time\0=\"t\" level=error", 21));
  // NUL inside values is a value byte.
  expect_level(std::string_view("time=\"a\0b\" level=error msg=\"x\0y\"", 33), Severity::error,
               "error");
  expect_level(std::string_view("level=error\0", 12), Severity::unknown,
               std::string_view("error\0", 6));
  expect_level(std::string_view("ERRO[00\0]\0x", 12), Severity::error, "ERRO");
  expect_none(std::string_view("ERRO\0[0001] x", 14));
}

TEST(LogrusLevel, TruncatedAtEveryByte) {
  const std::string line = "time=\"2021-05-17T19:43:06.552584864-07:00\" level=error msg=\"x\"";
  const size_t value_at = line.find("level=") + 6;
  const size_t value_end = value_at + 5;
  for (size_t n = 0; n <= line.size(); ++n) {
    const auto d = detect_exact(std::string_view(line).substr(0, n));
    if (n < value_at) {
      EXPECT_FALSE(d.has_value()) << n;
      continue;
    }
    ASSERT_TRUE(d.has_value()) << n;
    const size_t raw_end = n < value_end ? n : value_end;
    EXPECT_EQ(d->raw, line.substr(value_at, raw_end - value_at)) << n;
    if (n >= value_end) {
      EXPECT_EQ(d->severity, Severity::error) << n;
    }
  }

  const std::string tty = "\x1b[31mERRO\x1b[0m[0001] failed";
  const size_t close = tty.find(']');
  for (size_t n = 0; n <= tty.size(); ++n) {
    const auto d = detect_exact(std::string_view(tty).substr(0, n));
    EXPECT_EQ(d.has_value(), n > close) << n;
    if (d) {
      EXPECT_EQ(d->raw, "ERRO");
    }
  }
}

TEST(LogrusLevel, MebibyteLines) {
  constexpr size_t kMiB = 1 << 20;
  expect_level("time=\"t\" level=info msg=\"" + std::string(kMiB, 'x') + "\"", Severity::info,
               "info");
  // A huge quoted time value, then the level.
  expect_level("time=\"" + std::string(kMiB, 'x') + "\" level=warning", Severity::warning,
               "warning");
  // A quoted time made of escapes that never closes.
  expect_none("time=\"" + std::string(kMiB, '\\'));
  expect_none("time=\"" + std::string(kMiB + 1, '\\'));
  // Free text and a mebibyte of pairs with no level.
  expect_none(std::string(kMiB, 'a') + " level=error");
  std::string pairs = "time=t";
  while (pairs.size() < kMiB) pairs += " k=v";
  expect_none(pairs + " level=error");
  expect_none("INFO" + std::string(kMiB, 'A') + "[0001] x");
  expect_none("INFO[" + std::string(kMiB, '0'));
  expect_level("INFO[" + std::string(kMiB, '0') + "]", Severity::info, "INFO");
}

// Corpus records (FORMATS.md §8) of format logrus: detected level against `expect`.
TEST(LogrusLevel, CorpusRecords) {
  std::ifstream in(std::string(KJ_SHARED_DATA_DIR) + "/log-lines.jsonl");
  ASSERT_TRUE(in.is_open()) << KJ_SHARED_DATA_DIR;
  std::string text;
  int logrus = 0, tty = 0, others_rejected = 0;
  while (std::getline(in, text)) {
    if (text.empty()) continue;
    const auto rec = nlohmann::json::parse(text);
    const std::string line = rec.at("line");
    const auto& expect = rec.at("expect");
    SCOPED_TRACE("corpus " + std::to_string(rec.at("id").get<int>()));
    if (rec.at("format") != "logrus") {
      // klog text, CRI and JSON lines must not be mistaken for logrus. (A CRI line's content
      // could be logrus, but the envelope comes first.)
      EXPECT_FALSE(detect_logrus_level(line).has_value()) << line;
      ++others_rejected;
      continue;
    }
    const auto l = detect_logrus_level(line);
    ASSERT_TRUE(l.has_value()) << line;
    EXPECT_EQ(severity_name(l->severity), expect.at("severity").get<std::string>());
    EXPECT_EQ(l->raw, expect.at("level_raw").get<std::string>());
    EXPECT_EQ(severity_otel_number(l->severity), expect.at("severity_number").get<int>());
    EXPECT_EQ(severity_otel_text(l->severity), expect.at("severity_text").get<std::string>());
    EXPECT_EQ(severity_syslog(l->severity), expect.at("syslog_severity").get<int>());
    EXPECT_EQ(severity_loki(l->severity), expect.at("loki_level").get<std::string>());
    if (expect.at("layout") == "tty") ++tty;
    ++logrus;
  }
  EXPECT_GE(logrus, 25);
  EXPECT_GE(tty, 2);
  EXPECT_GE(others_rejected, 90);
}

}  // namespace
}  // namespace kj
