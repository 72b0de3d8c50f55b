#include "core/docker_json_parser.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/rfc3339.h"
#include "tests/core/corpus_records.h"

namespace kj {
namespace {

// Parses from a heap buffer of exactly the input's size (ASan sees any over-read); attrs, a
// view into the line, is copied out.
struct Parsed {
  int64_t time_ns;
  std::string log, stream, attrs;
  bool partial;
};
std::optional<Parsed> parse_exact(std::string_view text) {
  std::unique_ptr<char[]> buf(new char[text.empty() ? 1 : text.size()]);
  std::copy(text.begin(), text.end(), buf.get());
  DockerLine d;
  if (!parse_docker_json(std::string_view(buf.get(), text.size()), d)) return std::nullopt;
  return Parsed{d.time_ns, d.log, d.stream, std::string(d.attrs), d.partial};
}

int64_t ns(std::string_view rfc3339) {
  return *parse_rfc3339_ns(rfc3339);
}

constexpr std::string_view kTime = "\"time\":\"2019-01-01T11:11:11.111111111Z\"";

std::string line_with(std::string_view members) {
  return "{" + std::string(members) + "," + std::string(kTime) + "}";
}

TEST(DockerJsonParser, CorpusRecords) {
  int docker = 0, others = 0;
  std::vector<std::string> failing;
  for (const auto& rec : testing::corpus_records()) {
    const std::string line = rec.at("line");
    const std::string id = std::to_string(rec.at("id").get<int>());
    if (rec.at("format") != "docker-json") {
      if (parse_exact(line)) failing.push_back(id + " (not docker, parsed as docker)");
      ++others;
      continue;
    }
    ++docker;
    const auto& e = rec.at("expect");
    const auto p = parse_exact(line);
    if (!p) {
      failing.push_back(id + " (rejected)");
      continue;
    }
    if (p->time_ns != testing::oracle_ns(e.at("time"))) failing.push_back(id + " time");
    if (p->log != e.at("message").get<std::string>()) failing.push_back(id + " message");
    if (p->stream != e.at("fields").at("stream").get<std::string>()) {
      failing.push_back(id + " stream");
    }
    if (p->partial != e.at("partial").get<bool>()) failing.push_back(id + " partial");
    if (!p->attrs.empty()) failing.push_back(id + " attrs");
  }
  EXPECT_TRUE(failing.empty()) << ::testing::PrintToString(failing);
  // The selection holds 8 of the 13 docker-json records of FORMATS.md §8.
  EXPECT_GE(docker, 8);
  EXPECT_GE(others, 100);
}

TEST(DockerJsonParser, MobyLine) {
  const auto p = parse_exact(
      "{\"log\":\"Log line is here\\n\",\"stream\":\"stdout\",\"time\":\"2019-01-01T11:11:11."
      "111111111Z\"}\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->log, "Log line is here");
  EXPECT_FALSE(p->partial);
  EXPECT_EQ(p->stream, "stdout");
  EXPECT_EQ(p->attrs, "");
  // 2019-01-01T11:11:11Z = 1546341071.
  EXPECT_EQ(p->time_ns, 1546341071111111111);
}

TEST(DockerJsonParser, Escapes) {
  struct Case {
    std::string_view json;  // the escaped log value
    std::string_view log;   // decoded, "\n" already stripped by the partial rule
  };
  const std::vector<Case> cases = {
      {"a\\\"b\\\\c\\/d", "a\"b\\c/d"},
      {"\\b\\f\\n\\r\\t", "\b\f\n\r\t"},
      // moby's HTML escaping of & < >, and U+2028/2029.
      {"\\u0026\\u003c\\u003e \\u2028\\u2029", "&<> \xE2\x80\xA8\xE2\x80\xA9"},
      {"\\u00e9\\u00E9 \xC3\xA9", "\xC3\xA9\xC3\xA9 \xC3\xA9"},
      {"\\ud83d\\ude00 \xF0\x9F\x98\x80", "\xF0\x9F\x98\x80 \xF0\x9F\x98\x80"},
      {"\\ufffd", "\xEF\xBF\xBD"},
      {"nul\\u0000here", std::string_view("nul\0here", 8)},
      {"\\u001b[31mred", "\x1b[31mred"},
  };
  for (const auto& c : cases) {
    const auto p = parse_exact(line_with("\"log\":\"" + std::string(c.json) + "\\n\""));
    ASSERT_TRUE(p) << c.json;
    EXPECT_EQ(p->log, c.log) << c.json;
    EXPECT_FALSE(p->partial);
  }
}

TEST(DockerJsonParser, PartialRule) {
  auto p = parse_exact(line_with("\"log\":\"chunk\",\"stream\":\"stderr\""));
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->partial);
  EXPECT_EQ(p->log, "chunk");
  // Only one "\n" is the terminator.
  p = parse_exact(line_with("\"log\":\"a\\n\\n\""));
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->partial);
  EXPECT_EQ(p->log, "a\n");
  p = parse_exact(line_with("\"log\":\"\\n\""));
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->partial);
  EXPECT_EQ(p->log, "");
  // A "\r\n" keeps its "\r" (Docker's copier splits at "\n" only).
  p = parse_exact(line_with("\"log\":\"a\\r\\n\""));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->log, "a\r");
  // `log` omitted (moby omits it when empty): an empty partial chunk.
  p = parse_exact(line_with("\"stream\":\"stdout\""));
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->partial);
  EXPECT_EQ(p->log, "");
}

TEST(DockerJsonParser, AttrsOrderWhitespaceDuplicates) {
  auto p = parse_exact(
      "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"attrs\":{\"tag\":\"web\",\"env\":\"a=b\"},"
      "\"time\":\"2024-03-30T08:31:20.545192187Z\"}");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->attrs, "{\"tag\":\"web\",\"env\":\"a=b\"}");
  // Key order, whitespace, unknown members of every type, a BOM.
  p = parse_exact(
      "\xEF\xBB\xBF { \"time\" : \"2024-03-30T08:31:20Z\" ,\n\t\"extra\": [1, -2.5e3, true, "
      "null, {\"log\": 1}], \"n\": -0, \"log\" : \"y\\n\" , \"stream\":\"stderr\" }\r\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->log, "y");
  EXPECT_EQ(p->stream, "stderr");
  EXPECT_EQ(p->time_ns, ns("2024-03-30T08:31:20Z"));
  // Repeated members: the last wins, as in Go's encoding/json and nlohmann.
  p = parse_exact(
      "{\"log\":\"first\\n\",\"log\":\"second\\n\",\"time\":\"bad\",\"time\":"
      "\"2024-03-30T08:31:20Z\"}");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->log, "second");
  EXPECT_FALSE(parse_exact("{\"log\":\"x\",\"log\":1,\"time\":\"2024-03-30T08:31:20Z\"}"));
  // Escaped key names count.
  p = parse_exact("{\"l\\u006fg\":\"esc\\n\",\"time\":\"2024-03-30T08:31:20Z\"}");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->log, "esc");
}

TEST(DockerJsonParser, Rejects) {
  for (std::string_view bad : {
           "",
           "{}",
           "[]",
           "null",
           "\"log\"",
           "{\"log\":\"x\\n\"}",                                 // no time
           "{\"time\":\"2024-03-30T08:31:20Z\"}",                // neither log nor stream
           "{\"log\":\"x\",\"time\":\"2024-03-30 08:31:20Z\"}",  // blank separator
           "{\"log\":\"x\",\"time\":\"yesterday\"}",
           "{\"log\":\"x\",\"time\":1711787480}",
           "{\"log\":1,\"time\":\"2024-03-30T08:31:20Z\"}",
           "{\"log\":\"x\",\"stream\":null,\"time\":\"2024-03-30T08:31:20Z\"}",
           "{\"log\":\"x\",\"time\":\"2024-03-30T08:31:20Z\"} x",  // trailing bytes
           "{\"log\":\"x\",\"time\":\"2024-03-30T08:31:20Z\"}}",
           "{\"log\":\"x\",\"time\":\"2024-03-30T08:31:20Z\",}",  // trailing comma
           "{\"log\":\"x\" \"time\":\"2024-03-30T08:31:20Z\"}",   // missing comma
           "{'log':'x','time':'2024-03-30T08:31:20Z'}",
           "{\"log\":\"a\tb\",\"time\":\"2024-03-30T08:31:20Z\"}",   // raw control char
           "{\"log\":\"\\x41\",\"time\":\"2024-03-30T08:31:20Z\"}",  // not a JSON escape
           "{\"log\":\"\\u12\",\"time\":\"2024-03-30T08:31:20Z\"}",
           "{\"log\":\"\\ud800\",\"time\":\"2024-03-30T08:31:20Z\"}",  // lone high surrogate
           "{\"log\":\"\\udc00\",\"time\":\"2024-03-30T08:31:20Z\"}",  // lone low surrogate
           "{\"log\":\"\\ud800\\u0041\",\"time\":\"2024-03-30T08:31:20Z\"}",
           "{\"log\":\"x\",\"n\":01,\"time\":\"2024-03-30T08:31:20Z\"}",
           "{\"log\":\"x\",\"n\":1e999,\"time\":\"2024-03-30T08:31:20Z\"}",
           "{\"log\":\"x\",\"n\":[1,},\"time\":\"2024-03-30T08:31:20Z\"}",
           "{\"log\":\"x\",\"n\":{\"a\"},\"time\":\"2024-03-30T08:31:20Z\"}",
           "{\"log\":\"x\",\"n\":tru,\"time\":\"2024-03-30T08:31:20Z\"}",
           "{\"log\":\"x\",\"attrs\":{\"a\":\"b\"],\"time\":\"2024-03-30T08:31:20Z\"}",
       }) {
    EXPECT_FALSE(parse_exact(bad)) << bad;
  }
}

TEST(DockerJsonParser, InvalidUtf8AndNul) {
  for (std::string_view bytes : {
           std::string_view("\xff"), std::string_view("\xc3"), std::string_view("\xc3("),
           std::string_view("\xc0\xaf"),          // overlong
           std::string_view("\xe0\x80\xaf"),      // overlong
           std::string_view("\xed\xa0\x80"),      // UTF-8 encoded surrogate
           std::string_view("\xf4\x90\x80\x80"),  // beyond U+10FFFF
           std::string_view("\xf0\x9f\x98"),      // truncated
           std::string_view("\0", 1),             // raw NUL
       }) {
    EXPECT_FALSE(parse_exact(line_with("\"log\":\"" + std::string(bytes) + "\""))) << bytes;
  }
  auto p = parse_exact(line_with("\"log\":\"\xe2\x82\xac \xf4\x8f\xbf\xbf\""));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->log, "\xe2\x82\xac \xf4\x8f\xbf\xbf");
  EXPECT_FALSE(parse_exact(line_with("\"log\":\"x\"") + std::string("\0", 1)));
  EXPECT_FALSE(parse_exact(line_with("\"log\":\"x\"") + std::string("\0junk", 5)));
  // nlohmann would read `1\0junk` as `1`.
  EXPECT_FALSE(parse_exact(line_with("\"log\":\"x\",\"n\":" + std::string("1\0junk", 6))));
}

TEST(DockerJsonParser, TruncatedAtEveryByte) {
  const std::string line =
      "{\"log\":\"caf\\u00e9 \xC3\xA9\\n\",\"stream\":\"stdout\",\"attrs\":{\"tag\":[1,{\"a\":"
      "\"}\"}]},\"time\":\"2016-02-17T00:04:05.931087621Z\"}";
  ASSERT_TRUE(parse_exact(line));
  for (size_t n = 0; n < line.size(); ++n) {
    EXPECT_FALSE(parse_exact(std::string_view(line).substr(0, n))) << n;
  }
}

TEST(DockerJsonParser, AgreesWithNlohmann) {
  // The hand-written scanner against nlohmann on the same inputs (the fuzzer does this at
  // scale): same accept/reject, same decoded log.
  const std::vector<std::string> inputs = {
      line_with("\"log\":\"a\\u00e9\\ud83d\\ude00\\n\""),
      line_with("\"log\":\"x\",\"extra\":{\"deep\":[[[[{}]]]]}"),
      line_with("\"log\":\"x\",\"extra\":[1,2,]"),
      line_with("\"log\":\"x\",\"n\":-1.5E+3"),
      line_with("\"log\":\"x\",\"n\":-"),
      line_with("\"log\":\"x\",\"n\":1.e3"),
      line_with("\"log\":\"x\",\"n\":.5"),
      line_with("\"log\":\"x\",\"n\":\"\\ud800\\udc00\""),
      "{\"log\":\"x\",\"time\":\"2024-03-30T08:31:20Z\"}\t \n",
      // A byte order mark is skipped only at the start of the line (found by the fuzzer: a
      // BOM before a member value, whose member a later duplicate replaced).
      "\xEF\xBB\xBF{\"log\":\"x\",\"time\":\"2024-03-30T08:31:20Z\"}",
      line_with("\"log\":\"x\",\"n\":\xEF\xBB\xBF"
                "1"),
      line_with("\"log\":\"x\",\"stream\":\xEF\xBB\xBF\"stdout\",\"stream\":\"stderr\""),
  };
  for (const auto& in : inputs) {
    const auto mine = parse_exact(in);
    const auto ref = nlohmann::json::parse(in, nullptr, false);
    const bool ref_ok = ref.is_object() && ref.contains("log") && ref["log"].is_string();
    EXPECT_EQ(mine.has_value(), ref_ok) << in;
    if (mine && ref_ok) {
      std::string log = ref["log"];
      if (!log.empty() && log.back() == '\n') log.pop_back();
      EXPECT_EQ(mine->log, log);
    }
  }
}

TEST(DockerJsonParser, MebibyteLines) {
  constexpr size_t kMiB = size_t{1} << 20;
  auto p = parse_exact(line_with("\"log\":\"" + std::string(kMiB, 'x') + "\\n\""));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->log.size(), kMiB);
  std::string escaped;
  for (size_t k = 0; k < kMiB / 6; ++k) escaped += "\\u00e9";
  p = parse_exact(line_with("\"log\":\"" + escaped + "\""));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->log.size(), kMiB / 6 * 2);
  // Deep nesting in an unknown member is validated without recursion.
  p = parse_exact(
      line_with("\"log\":\"x\",\"deep\":" + std::string(kMiB, '[') + std::string(kMiB, ']')));
  EXPECT_TRUE(p);
  EXPECT_FALSE(parse_exact(line_with("\"log\":\"x\",\"deep\":" + std::string(kMiB, '['))));
  EXPECT_FALSE(parse_exact("{\"log\":\"" + std::string(kMiB, 'x')));
}

TEST(DockerJsonParser, ReusesCapacityAcrossLines) {
  DockerLine d;
  ASSERT_TRUE(parse_docker_json(line_with("\"log\":\"" + std::string(1000, 'a') + "\""), d));
  const auto* data = d.log.data();
  ASSERT_TRUE(parse_docker_json(line_with("\"log\":\"short\\n\",\"stream\":\"stdout\""), d));
  EXPECT_EQ(d.log, "short");
  EXPECT_EQ(d.log.data(), data);
  ASSERT_TRUE(parse_docker_json(line_with("\"stream\":\"stderr\""), d));
  EXPECT_EQ(d.log, "");
  EXPECT_EQ(d.attrs, "");
}

TEST(DockerJsonParser, PartialChunksReassemble) {
  // moby splits at 16 KiB: chunks without "\n" until the last; stdout/stderr interleave.
  CriReassembler r;
  DockerLine d;
  const std::string big(16 * 1024, 'q');
  std::vector<std::string> lines = {
      "{\"log\":\"" + big + "\",\"stream\":\"stdout\",\"time\":\"2021-10-20T02:35:38.1Z\"}",
      "{\"log\":\"err part \",\"stream\":\"stderr\",\"time\":\"2021-10-20T02:35:38.2Z\"}",
      "{\"log\":\"" + big + "\",\"stream\":\"stdout\",\"time\":\"2021-10-20T02:35:38.3Z\"}",
      "{\"log\":\"end\\n\",\"stream\":\"stderr\",\"time\":\"2021-10-20T02:35:38.4Z\"}",
      "{\"log\":\"tail\\n\",\"stream\":\"stdout\",\"time\":\"2021-10-20T02:35:38.5Z\"}",
  };
  std::vector<std::pair<std::string, int64_t>> got;
  for (size_t k = 0; k < lines.size(); ++k) {
    ASSERT_TRUE(parse_docker_json(lines[k], d)) << k;
    for (const auto& l : r.add(to_chunk(d, k))) {
      got.emplace_back(std::string(log_stream_name(l.stream)) + ":" + std::string(l.content),
                       l.time_ns);
    }
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, "stderr:err part end");
  EXPECT_EQ(got[0].second, ns("2021-10-20T02:35:38.2Z"));
  EXPECT_EQ(got[1].first, "stdout:" + big + big + "tail");
  EXPECT_EQ(got[1].second, ns("2021-10-20T02:35:38.1Z"));
}

}  // namespace
}  // namespace kj
