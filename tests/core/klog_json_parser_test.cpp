#include "core/klog_json_parser.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time_format.h"

namespace kj {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;
using namespace std::literals;

// Parses a copy of `text` held in a buffer of exactly its size (see klog_parser_test.cpp).
bool parse_exact(std::string_view text, ParsedLine& out) {
  std::unique_ptr<char[]> buf(new char[text.empty() ? 1 : text.size()]);
  std::copy(text.begin(), text.end(), buf.get());
  return parse_klog_json(std::string_view(buf.get(), text.size()), out);
}

ParsedLine parse_ok(std::string_view line) {
  ParsedLine out;
  EXPECT_TRUE(parse_exact(line, out)) << line;
  return out;
}

bool rejects(std::string_view line) {
  ParsedLine out;
  out.message = "stale";
  out.fields = {{"stale", "x"}};
  const bool ok = parse_exact(line, out);
  return !ok && out.format == LineFormat::unknown && out.message.empty() && out.fields.empty() &&
         !out.time_ns && out.level_raw.empty();
}

std::optional<int64_t> ts_ns(std::string_view ts) {
  return parse_ok("{\"ts\":" + std::string(ts) + "}").time_ns;
}

std::string show(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string dump(const ParsedLine& p) {
  std::ostringstream os;
  os << static_cast<int>(p.format) << '|' << static_cast<int>(p.severity) << '|'
     << show(p.level_raw) << '|' << p.local_time.has_value() << '|'
     << (p.time_ns ? std::to_string(*p.time_ns) : "-") << '|' << show(p.message) << '|'
     << show(p.caller) << '|' << p.thread_id << '|'
     << (p.verbosity ? std::to_string(*p.verbosity) : "-") << '|' << p.structured;
  for (const auto& [k, v] : p.fields) os << '|' << show(k) << '=' << show(v);
  return os.str();
}

// "2021-03-22T07:32:04.6567559Z" -> ns since the epoch (the corpus' exact decimal times).
int64_t rfc3339_to_ns(const std::string& t) {
  const int year = std::stoi(t.substr(0, 4)), month = std::stoi(t.substr(5, 2)),
            day = std::stoi(t.substr(8, 2)), hour = std::stoi(t.substr(11, 2)),
            minute = std::stoi(t.substr(14, 2)), second = std::stoi(t.substr(17, 2));
  int64_t ns = ((days_from_civil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second;
  ns *= 1'000'000'000;
  EXPECT_EQ(t.back(), 'Z') << t;
  if (t[19] == '.') {
    std::string frac = t.substr(20, t.size() - 21);
    frac.resize(9, '0');
    ns += std::stoll(frac);
  }
  return ns;
}

std::string diff_expect(const ParsedLine& p, const nlohmann::ordered_json& expect) {
  std::ostringstream d;
  auto check = [&](std::string_view what, const std::string& got, const std::string& want) {
    if (got != want) d << "\n  " << what << ": got " << show(got) << ", want " << show(want);
  };
  check("format", p.format == LineFormat::klog_json ? "klog_json" : "other", "klog_json");
  check("severity", std::string(severity_name(p.severity)), expect.at("severity"));
  check("level_raw", p.level_raw, expect.at("level_raw"));
  check("verbosity", p.verbosity ? std::to_string(*p.verbosity) : "none",
        expect.contains("verbosity") ? std::to_string(expect.at("verbosity").get<int>()) : "none");
  check("time", p.time_ns ? std::to_string(*p.time_ns) : "none",
        expect.at("time").is_null() ? "none" : std::to_string(rfc3339_to_ns(expect.at("time"))));
  check("message", p.message, expect.at("message"));
  check("caller", p.caller, expect.at("source").is_null() ? "" : expect.at("source"));
  if (p.local_time) d << "\n  local_time set";
  if (p.thread_id != -1) d << "\n  thread_id set";

  // Fields: strings compare as text; other values as JSON, and their text must be the
  // compact form (what nlohmann's dump writes for these samples).
  std::vector<std::string> order;
  std::map<std::string, std::string> last;
  for (const auto& [k, v] : p.fields) {
    if (!last.count(k)) order.push_back(k);
    last[k] = v;
  }
  std::vector<std::string> want_order;
  for (const auto& [k, v] : expect.at("fields").items()) {
    want_order.push_back(k);
    const auto it = last.find(k);
    if (it == last.end()) {
      d << "\n  field " << show(k) << " missing";
    } else if (v.is_string()) {
      check("field " + k, it->second, v.get<std::string>());
    } else {
      const auto got = nlohmann::ordered_json::parse(it->second, nullptr, false);
      if (got.is_discarded() || got != v) {
        check("field " + k, it->second, v.dump());
      } else {
        check("field " + k + " (compact text)", it->second, got.dump());
      }
    }
  }
  if (order != want_order) {
    d << "\n  field order: got";
    for (const auto& k : order) d << ' ' << show(k);
    d << ", want";
    for (const auto& k : want_order) d << ' ' << show(k);
  }
  return d.str();
}

// Every klog-json record of the shared corpus (FORMATS.md §8) against its `expect`.
TEST(KlogJsonParser, CorpusRecords) {
  std::ifstream in(std::string(KJ_SHARED_DATA_DIR) + "/log-lines.jsonl");
  ASSERT_TRUE(in.is_open()) << KJ_SHARED_DATA_DIR;
  ParsedLine reused;
  int checked = 0, errors = 0, with_time = 0;
  std::string text;
  while (std::getline(in, text)) {
    if (text.empty()) continue;
    const auto rec = nlohmann::ordered_json::parse(text);
    if (rec.at("format") != "klog-json") continue;
    const int id = rec.at("id").get<int>();
    const std::string line = rec.at("line");
    const auto& expect = rec.at("expect");
    ParsedLine out;
    const bool ok = parse_exact(line, out);
    if (ok != parse_klog_json(line, reused) || dump(out) != dump(reused)) {
      ADD_FAILURE() << "corpus " << id << ": reusing a ParsedLine changed the result";
    }
    ++checked;
    if (!ok) {
      ADD_FAILURE() << "corpus " << id << ": rejected: " << line;
      continue;
    }
    const std::string d = diff_expect(out, expect);
    if (!d.empty()) ADD_FAILURE() << "corpus " << id << ": " << line << d;
    errors += out.severity == Severity::error;
    with_time += out.time_ns.has_value();
  }
  // The selection holds 13 klog-json records; fail loudly if the file could not be read.
  EXPECT_GE(checked, 12);
  EXPECT_GE(errors, 1);
  EXPECT_GE(with_time, 10);
}

TEST(KlogJsonParser, TypicalRecord) {
  const auto p = parse_ok(
      R"({"ts":1678174403964.6985,"logger":"kubelet.pleg","caller":"remote/remote_runtime.go:147",)"
      R"("msg":"Version \"x\"\n","v":2,"pod":{"name":"p","namespace":"ns"},"n":1.50,)"
      R"("ok":true,"nil":null,"list":[1,"two"],"err":"boom","errVerbose":"boom\nstack"})"
      "\n");
  EXPECT_EQ(p.format, LineFormat::klog_json);
  EXPECT_EQ(p.severity, Severity::info);
  EXPECT_EQ(p.level_raw, "v=2");
  EXPECT_EQ(p.verbosity, 2);
  EXPECT_EQ(p.time_ns, 1678174403964698500);
  EXPECT_FALSE(p.local_time.has_value());
  EXPECT_EQ(p.thread_id, -1);
  EXPECT_EQ(p.caller, "remote/remote_runtime.go:147");
  EXPECT_EQ(p.message, "Version \"x\"\n");
  EXPECT_FALSE(p.structured);
  EXPECT_EQ(p.fields, (Fields{{"logger", "kubelet.pleg"},
                              {"pod", R"({"name":"p","namespace":"ns"})"},
                              {"n", "1.50"},
                              {"ok", "true"},
                              {"nil", "null"},
                              {"list", R"([1,"two"])"},
                              {"err", "boom"},
                              {"errVerbose", "boom\nstack"}}));
}

TEST(KlogJsonParser, VerbosityAndSeverity) {
  const std::vector<std::tuple<std::string, Severity, std::string, std::optional<int>>> cases = {
      {R"("v":0)", Severity::info, "v=0", 0},
      {R"("v":3)", Severity::info, "v=3", 3},
      {R"("v":4)", Severity::debug, "v=4", 4},
      {R"("v":5)", Severity::trace, "v=5", 5},
      {R"("v":10)", Severity::trace, "v=10", 10},
      {R"("v":-1)", Severity::info, "v=-1", -1},
      {R"("v":2147483647)", Severity::trace, "v=2147483647", 2147483647},
      // Not a verbosity, but still the mark of an Info call.
      {R"("v":2147483648)", Severity::info, "v=2147483648", std::nullopt},
      {R"("v":1.5)", Severity::info, "v=1.5", std::nullopt},
      {R"("v":1e1)", Severity::info, "v=1e1", std::nullopt},
      {R"("v":"1")", Severity::info, R"(v="1")", std::nullopt},
      {R"("v":null)", Severity::info, "v=null", std::nullopt},
      {R"("v":[ 1, 2 ])", Severity::info, "v=[1,2]", std::nullopt},
      // The last `v` counts.
      {R"("v":"x","v":4)", Severity::debug, "v=4", 4},
      {R"("v":4,"v":"x")", Severity::info, R"(v="x")", std::nullopt},
  };
  for (const auto& [member, severity, raw, verbosity] : cases) {
    const auto p = parse_ok(R"({"msg":"m",)" + member + "}");
    EXPECT_EQ(p.severity, severity) << member;
    EXPECT_EQ(p.level_raw, raw) << member;
    EXPECT_EQ(p.verbosity, verbosity) << member;
    for (const auto& kv : p.fields) EXPECT_NE(kv.first, "v");
  }
  // No `v`: an Error call (FORMATS.md §3.2), `err` or not.
  auto p = parse_ok(R"({"msg":"m","err":"x"})");
  EXPECT_EQ(p.severity, Severity::error);
  EXPECT_EQ(p.level_raw, "(no v key)");
  EXPECT_FALSE(p.verbosity.has_value());
  p = parse_ok(R"({"ts":1})");
  EXPECT_EQ(p.severity, Severity::error);
  // Keys are case-sensitive: "V" and "Msg" are ordinary fields.
  p = parse_ok(R"({"msg":"m","V":1,"Msg":"x"})");
  EXPECT_EQ(p.severity, Severity::error);
  EXPECT_EQ(p.fields, (Fields{{"V", "1"}, {"Msg", "x"}}));
}

// ts: epoch milliseconds as a float, decoded exactly from its text; seconds below 1e11.
TEST(KlogJsonParser, TimestampForms) {
  EXPECT_EQ(ts_ns("1616398324656.7559"), 1616398324656755900);
  EXPECT_EQ(ts_ns("1616398324656.771"), 1616398324656771000);
  EXPECT_EQ(ts_ns("1616398324656"), 1616398324656000000);
  EXPECT_EQ(ts_ns("1616398324656.000"), 1616398324656000000);
  EXPECT_EQ(ts_ns("1.6163983246567559e12"), 1616398324656755900);
  EXPECT_EQ(ts_ns("1.6163983246567559E+12"), 1616398324656755900);
  EXPECT_EQ(ts_ns("16163983246567559e-4"), 1616398324656755900);
  EXPECT_EQ(ts_ns("0.16163983246567559e13"), 1616398324656755900);
  // Digits below a nanosecond are floor-truncated, never rounded up through a double.
  EXPECT_EQ(ts_ns("1616398324656.7559999"), 1616398324656755999);
  EXPECT_EQ(ts_ns("1616398324656.000000999"), 1616398324656000000);
  EXPECT_EQ(ts_ns("1616398324656.00000100000000000000000000001"), 1616398324656000001);
  // Seconds (the docs' example), as float, integer and exponent.
  EXPECT_EQ(ts_ns("1580306777.04728"), 1580306777047280000);
  EXPECT_EQ(ts_ns("1580306777"), 1580306777000000000);
  EXPECT_EQ(ts_ns("1.58030677704728e9"), 1580306777047280000);
  EXPECT_EQ(ts_ns("99999999999.999999999"), std::nullopt);  // seconds, beyond int64 ns
  EXPECT_EQ(ts_ns("9223372036.854775807"), INT64_MAX);
  EXPECT_EQ(ts_ns("9223372036.854775808"), std::nullopt);
  // The threshold itself: 1e11 is milliseconds.
  EXPECT_EQ(ts_ns("100000000000"), 100000000000000000);
  EXPECT_EQ(ts_ns("1e11"), 100000000000000000);
  EXPECT_EQ(ts_ns("99999999999"), std::nullopt);
  // component-base's own test value is ms (123 ns), but the defensive rule reads it as s.
  EXPECT_EQ(ts_ns("0.000123"), 123000);
  EXPECT_EQ(ts_ns("0"), 0);
  EXPECT_EQ(ts_ns("-0.0"), 0);
  EXPECT_EQ(ts_ns("0e5"), 0);
  EXPECT_EQ(ts_ns("-1.5"), -1500000000);
  EXPECT_EQ(ts_ns("-1e-10"), -1);  // floor
  EXPECT_EQ(ts_ns("-9223372036.854775808"), INT64_MIN);
  EXPECT_EQ(ts_ns("-9223372036.8547758081"), std::nullopt);
  EXPECT_EQ(ts_ns("1e-400"), 0);
  EXPECT_EQ(ts_ns("1e400"), std::nullopt);
  EXPECT_EQ(ts_ns("1e99999999999999999999"), std::nullopt);
  EXPECT_EQ(ts_ns("1e-99999999999999999999"), 0);
  EXPECT_EQ(ts_ns(std::string(5000, '1')), std::nullopt);
  EXPECT_EQ(ts_ns("0." + std::string(5000, '0') + "1"), 0);
  EXPECT_EQ(ts_ns("1616398324656" + std::string(5000, '0') + "e-5000"), 1616398324656000000);

  // A `ts` that is not a number is no time; it is kept as a field.
  auto p = parse_ok(R"({"ts":"2021-03-22T07:32:04Z","msg":"m"})");
  EXPECT_FALSE(p.time_ns.has_value());
  EXPECT_EQ(p.fields, (Fields{{"ts", "2021-03-22T07:32:04Z"}}));
  p = parse_ok(R"({"ts":{"s":1},"msg":"m","ts":true})");
  EXPECT_FALSE(p.time_ns.has_value());
  EXPECT_EQ(p.fields, (Fields{{"ts", R"({"s":1})"}, {"ts", "true"}}));
  // The last numeric ts wins.
  EXPECT_EQ(parse_ok(R"({"ts":1,"ts":2})").time_ns, 2'000'000'000);
}

TEST(KlogJsonParser, MissingMembers) {
  auto p = parse_ok(R"({"msg":"only a message"})");
  EXPECT_EQ(p.message, "only a message");
  EXPECT_FALSE(p.time_ns.has_value());
  EXPECT_TRUE(p.caller.empty());
  EXPECT_TRUE(p.fields.empty());
  p = parse_ok(R"({"ts":1616398324656.7559})");
  EXPECT_TRUE(p.message.empty());
  EXPECT_TRUE(p.time_ns.has_value());
  // An empty msg is still a msg.
  p = parse_ok(R"({"msg":""})");
  EXPECT_TRUE(p.message.empty());
  // Neither msg nor a numeric ts: not component-base JSON.
  EXPECT_TRUE(rejects(R"({})"));
  EXPECT_TRUE(rejects(R"({"caller":"a.go:1","v":0})"));
  EXPECT_TRUE(rejects(R"({"ts":"1616398324656"})"));
  EXPECT_TRUE(rejects(R"({"log":"x\n","stream":"stderr","time":"2021-01-01T00:00:00Z"})"));
  // Non-string msg / caller keep their JSON text.
  p = parse_ok(R"({"msg":{"a": 1},"caller":42})");
  EXPECT_EQ(p.message, R"({"a":1})");
  EXPECT_EQ(p.caller, "42");
  // The zap error records for malformed calls (FORMATS.md §3.1).
  p = parse_ok(
      R"({"msg":"non-string key argument passed to logging, ignoring all later arguments","invalid key":200})");
  EXPECT_EQ(p.fields, (Fields{{"invalid key", "200"}}));
}

TEST(KlogJsonParser, DuplicateKeys) {
  // zap does not remove repeats: fields keep all of them, the record's own members the last.
  const auto p = parse_ok(
      R"({"msg":"first","akey":"avalue","caller":"a.go:1","akey":"anothervalue","msg":"second",)"
      R"("caller":"b.go:2"})");
  EXPECT_EQ(p.message, "second");
  EXPECT_EQ(p.caller, "b.go:2");
  EXPECT_EQ(p.fields, (Fields{{"akey", "avalue"}, {"akey", "anothervalue"}}));
}

TEST(KlogJsonParser, StringsAndEscapes) {
  const auto p = parse_ok(
      R"({"msg":"q\" b\\ s\/ \b\f\n\r\t \u00e9 \u4E16 \ud83d\ude00 \u0000 >&<","k\u00e9y":"v",)"
      R"("lone":"\ud800x\udc00\ud800\u0041","durations":"1\u00b5s 1µs"})");
  EXPECT_EQ(p.message, "q\" b\\ s/ \b\f\n\r\t \u00e9 \u4e16 \U0001F600 \0 >&<"s);
  EXPECT_EQ(p.fields, (Fields{{"k\u00e9y", "v"},
                              {"lone",
                               "\uFFFDx\uFFFD\uFFFD"
                               "A"},
                              {"durations", "1\u00b5s 1\u00b5s"}}));
  // Escapes inside nested values are kept as written.
  const auto q = parse_ok(R"({"msg":"m","o":{"a\n":"\u003c\"x\"" , "b":[ "\\" ]}})");
  EXPECT_EQ(q.fields, (Fields{{"o", R"({"a\n":"\u003c\"x\"","b":["\\"]})"}}));
}

TEST(KlogJsonParser, RejectsInvalidJson) {
  for (std::string_view line : {
           ""sv,
           " "sv,
           "\n"sv,
           "null"sv,
           "1"sv,
           "\"msg\""sv,
           "[]"sv,
           R"([{"msg":"m"}])"sv,
           R"({"msg":"m")"sv,
           R"({"msg":"m",})"sv,
           R"({"msg":"m"}})"sv,
           R"({"msg":"m"} x)"sv,
           R"({"msg":"m"}{"msg":"m"})"sv,
           R"({"msg" "m"})"sv,
           R"({"msg":})"sv,
           R"({msg:"m"})"sv,
           R"({'msg':'m'})"sv,
           R"({"msg":"m" "v":1})"sv,
           R"({"msg":"m","v":01})"sv,
           R"({"msg":"m","v":1.})"sv,
           R"({"msg":"m","v":.5})"sv,
           R"({"msg":"m","v":+1})"sv,
           R"({"msg":"m","v":1e})"sv,
           R"({"msg":"m","v":-})"sv,
           R"({"msg":"m","v":tru})"sv,
           R"({"msg":"m","v":nul})"sv,
           R"({"msg":"m","v":NaN})"sv,
           R"({"msg":"m","o":[1,]})"sv,
           R"({"msg":"m","o":{"a"}})"sv,
           R"({"msg":"m","o":{"a":1,}})"sv,
           R"({"msg":"m","o":[1 2]})"sv,
           R"({"msg":"\x"})"sv,
           R"({"msg":"\u12"})"sv,
           R"({"msg":"\u12G4"})"sv,
           R"({"msg":"\'"})"sv,
           R"({"msg":"m","o":["\q"]})"sv,
           R"({"msg":"m","o":["\u00"]})"sv,
           "{\"msg\":\"tab\there\"}"sv,
           "{\"msg\":\"nl\nhere\"}"sv,
           "{\"msg\":\"nul\0here\"}"sv,
           "{\"msg\":\"m\"}\0"sv,
           "\xef\xbb\xbf{\"msg\":\"bom\"}"sv,
       }) {
    EXPECT_TRUE(rejects(line)) << show(line);
  }
  // Whitespace around and between tokens is fine.
  EXPECT_FALSE(rejects(" \t\r\n{ \"msg\" : \"m\" , \"v\" : 1 } \r\n"));
}

TEST(KlogJsonParser, RejectsInvalidUtf8) {
  for (std::string_view bad : {
           "\xff"sv,
           "\xc0\x80"sv,
           "\xc1\xbf"sv,
           "\xe0\x80\x80"sv,
           "\xe0\x9f\xbf"sv,
           "\xed\xa0\x80"sv,
           "\xed\xbf\xbf"sv,
           "\xf0\x80\x80\x80"sv,
           "\xf0\x8f\xbf\xbf"sv,
           "\xf4\x90\x80\x80"sv,
           "\xf5\x80\x80\x80"sv,
           "\x80"sv,
           "\xc3"sv,
           "\xe4\xb8"sv,
           "\xf0\x9f\x98"sv,
           "\xc3\x28"sv,
       }) {
    const std::string b(bad);
    EXPECT_TRUE(rejects("{\"msg\":\"" + b + "\"}")) << show(b);
    EXPECT_TRUE(rejects("{\"msg\":\"m\",\"k\":\"" + b + "\"}")) << show(b);
    EXPECT_TRUE(rejects("{\"msg\":\"m\",\"" + b + "\":1}")) << show(b);
    EXPECT_TRUE(rejects("{\"msg\":\"m\",\"o\":{\"a\":[\"" + b + "\"]}}")) << show(b);
  }
  // Every valid sequence length, including the boundaries of each range.
  const std::string good =
      "\x7f \xc2\x80 \xdf\xbf \xe0\xa0\x80 \xed\x9f\xbf \xee\x80\x80 "
      "\xef\xbf\xbf \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf";
  const auto p = parse_ok("{\"msg\":\"" + good + "\",\"o\":[\"" + good + "\"]}");
  EXPECT_EQ(p.message, good);
  EXPECT_EQ(p.fields, (Fields{{"o", "[\"" + good + "\"]"}}));
}

TEST(KlogJsonParser, NestingDepth) {
  std::string ok = R"({"msg":"m","o":)" + std::string(400, '[') + std::string(400, ']') + "}";
  EXPECT_EQ(parse_ok(ok).fields.at(0).second.size(), 800u);
  std::string deep =
      R"({"msg":"m","o":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_TRUE(rejects(deep));
  std::string deep_objects = R"({"msg":"m","o":)";
  for (int i = 0; i < 100000; ++i) deep_objects += "{\"a\":";
  deep_objects += "1" + std::string(100000, '}') + "}";
  EXPECT_TRUE(rejects(deep_objects));
  // The exact bound: 512 containers nested in a member value, a scalar inside the innermost;
  // a 513th container, even an empty one, is refused.
  auto nested = [](int n, std::string_view inner) {
    return R"({"msg":"m","o":)" + std::string(static_cast<size_t>(n), '[') + std::string(inner) +
           std::string(static_cast<size_t>(n), ']') + "}";
  };
  EXPECT_EQ(parse_ok(nested(512, "1")).fields.at(0).second.size(), 1025u);
  EXPECT_TRUE(rejects(nested(512, "[]")));
  EXPECT_TRUE(rejects(nested(513, "")));
}

TEST(KlogJsonParser, ReusedOutputIsReset) {
  ParsedLine out;
  ASSERT_TRUE(parse_klog_json(R"({"ts":1e12,"msg":"a","v":1,"x":"long value, long value"})", out));
  ASSERT_TRUE(parse_klog_json(R"({"msg":"b","y":2})", out));
  EXPECT_EQ(out.message, "b");
  EXPECT_FALSE(out.time_ns.has_value());
  EXPECT_FALSE(out.verbosity.has_value());
  EXPECT_EQ(out.level_raw, "(no v key)");
  EXPECT_EQ(out.fields, (Fields{{"y", "2"}}));
  // A failure part-way through a record leaves nothing of it behind.
  EXPECT_FALSE(parse_klog_json(R"({"msg":"c","z":3,"bad":})", out));
  EXPECT_EQ(out.format, LineFormat::unknown);
  EXPECT_TRUE(out.message.empty());
  EXPECT_TRUE(out.fields.empty());
  EXPECT_TRUE(out.level_raw.empty());
  EXPECT_EQ(out.severity, Severity::unknown);
}

// Every prefix of a complex line: no crash, no overread, and never accepted early.
TEST(KlogJsonParser, TruncatedAtEveryByte) {
  const std::string full =
      R"({"ts":1.6163983246567559e12,"logger":"a.b","caller":"x/y.go:1","msg":"m\"\u00e9\ud83d\ude00",)"
      R"("v":4,"o":{"k":[1,-2.5e-3,true,false,null,"s\\"],"e":{}},"err":"e","é":"ü"})";
  ParsedLine reused;
  for (size_t n = 0; n < full.size(); ++n) {
    const std::string_view prefix(full.data(), n);
    ParsedLine out;
    EXPECT_FALSE(parse_exact(prefix, out)) << n;
    EXPECT_FALSE(parse_klog_json(prefix, reused)) << n;
    EXPECT_EQ(dump(out), dump(reused)) << n;
  }
  const auto p = parse_ok(full);
  EXPECT_EQ(p.severity, Severity::debug);
  EXPECT_EQ(p.fields.size(), 4u);
}

TEST(KlogJsonParser, MebibyteLine) {
  constexpr size_t kMiB = 1 << 20;
  std::string big;
  while (big.size() < kMiB) big += "abc\\n\\u00e9\\\"";
  auto p = parse_ok(R"({"ts":1e12,"msg":")" + big + R"(","o":[")" + big + R"("]})");
  EXPECT_GT(p.message.size(), kMiB / 2);
  ASSERT_EQ(p.fields.size(), 1u);
  EXPECT_EQ(p.fields[0].second.size(), big.size() + 4);
  std::string many = R"({"msg":"m")";
  while (many.size() < kMiB) many += R"(,"k":1)";
  p = parse_ok(many + "}");
  EXPECT_EQ(p.fields.size(), (many.size() - 10) / 6);
}

}  // namespace
}  // namespace kj
