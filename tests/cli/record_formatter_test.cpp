#include "cli/record_formatter.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kj::cli {
namespace {

Record kubelet_error() {
  Record r;
  r.time_ns = 1'795'819'800'123'456'789;  // 2026-11-27T22:50:00.123456789Z
  r.observed_time_ns = r.time_ns + 1'000'000;
  r.severity = Severity::error;
  r.level_raw = "E";
  r.message = "\"Error syncing pod, skipping\" pod=\"default/web-1\"";
  r.component = "kubelet";
  r.unit = "kubelet.service";
  r.node = "node-1";
  r.identifier = "kubelet";
  r.pid = 1234;
  r.caller = "pod_workers.go:1301";
  r.source = "journal";
  r.position.cursor = "s=1;i=2";
  return r;
}

std::string render(FormatOptions o, const Record& r) {
  RecordFormatter f(std::move(o));
  std::string out;
  f.append(out, r);
  return out;
}

FormatOptions mode(OutputMode m) {
  FormatOptions o;
  o.mode = m;
  o.utc = true;
  return o;
}

TEST(RecordFormatter, JsonSchema) {
  const std::string line = render(mode(OutputMode::json), kubelet_error());
  ASSERT_EQ(line.back(), '\n');
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["time"], "2026-11-27T22:50:00.123456Z");
  EXPECT_EQ(j["observed_time"], "2026-11-27T22:50:00.124456Z");
  EXPECT_EQ(j["severity"], "error");
  EXPECT_EQ(j["level"], "E");
  EXPECT_EQ(j["component"], "kubelet");
  EXPECT_EQ(j["unit"], "kubelet.service");
  EXPECT_EQ(j["node"], "node-1");
  EXPECT_EQ(j["pid"], 1234);
  EXPECT_EQ(j["message"], "\"Error syncing pod, skipping\" pod=\"default/web-1\"");
  EXPECT_EQ(j["caller"], "pod_workers.go:1301");
  EXPECT_EQ(j["source"], "journal");
  EXPECT_EQ(j["cursor"], "s=1;i=2");
  EXPECT_EQ(j["id"].get<std::string>().size(), 32u);
  EXPECT_FALSE(j.contains("attributes"));  // absent values are omitted, not null
}

// One formatter reused over a stream keeps state between records (the current second's text,
// a buffer for large records): each line must still be what append_record_json writes for
// that record alone, through records that do and do not fit the stack buffer.
TEST(RecordFormatter, JsonStreamMatchesOneRecordAtATime) {
  RecordFormatter f(mode(OutputMode::json));
  Record r = kubelet_error();
  const int64_t base = r.time_ns;
  const size_t sizes[] = {10, 5000, 10, 100000, 3000, 10};
  for (size_t i = 0; i < std::size(sizes); ++i) {
    r.time_ns = base + static_cast<int64_t>(i) * 400'000'000;  // two records per second
    r.observed_time_ns = i % 2 ? 0 : r.time_ns + 7;
    r.message.assign(sizes[i], 'm');
    r.message[sizes[i] / 2] = '\n';
    r.attributes = {{"big", std::string(sizes[i] / 2, '"')}, {"k", "v"}};
    std::string got;
    f.append(got, r);
    std::string want;
    append_record_json(want, r);
    want.push_back('\n');
    EXPECT_EQ(got, want) << i;
  }
}

TEST(RecordFormatter, JsonOmitsUnknownAndEqualTimes) {
  Record r = kubelet_error();
  r.severity = Severity::unknown;
  r.observed_time_ns = r.time_ns;
  r.pid = -1;
  r.caller.clear();
  const auto j = nlohmann::json::parse(render(mode(OutputMode::json), r));
  EXPECT_FALSE(j.contains("severity"));
  EXPECT_FALSE(j.contains("observed_time"));
  EXPECT_FALSE(j.contains("pid"));
  EXPECT_FALSE(j.contains("caller"));
}

TEST(RecordFormatter, JsonBinaryAndInvalidUtf8StayValid) {
  Record r = kubelet_error();
  r.message = std::string("bin\0ary\xff\n", 9);
  r.attributes = {{"_COMM", "kube\x01let"}};
  const std::string line = render(mode(OutputMode::json), r);
  EXPECT_NE(line.find(R"("bin\u0000ary)"
                      "\xEF\xBF\xBD"
                      R"(\n")"),
            std::string::npos)
      << line;
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["attributes"]["_COMM"], "kube\x01let");
}

TEST(RecordFormatter, OutputFieldsSelectKeysAndJournalFields) {
  FormatOptions o = mode(OutputMode::json);
  o.fields = {"time", "message"};
  auto j = nlohmann::json::parse(render(o, kubelet_error()));
  EXPECT_EQ(j.size(), 2u);
  EXPECT_TRUE(j.contains("time") && j.contains("message"));

  o.fields = {"_COMM"};  // only journal fields: full schema plus attributes
  Record r = kubelet_error();
  r.attributes = {{"_COMM", "kubelet"}};
  j = nlohmann::json::parse(render(o, r));
  EXPECT_EQ(j["attributes"]["_COMM"], "kubelet");
  EXPECT_TRUE(j.contains("severity"));
}

TEST(RecordFormatter, ShortFormsLikeJournalctlWithLevel) {
  const Record r = kubelet_error();
  EXPECT_EQ(render(mode(OutputMode::short_), r),
            "Nov 27 22:50:00 node-1 kubelet[1234]: ERROR pod_workers.go:1301] \"Error syncing "
            "pod, skipping\" pod=\"default/web-1\"\n");
  EXPECT_EQ(render(mode(OutputMode::short_precise), r).substr(0, 22), "Nov 27 22:50:00.123456");
  EXPECT_EQ(render(mode(OutputMode::short_iso), r).substr(0, 25), "2026-11-27T22:50:00+0000 ");
  EXPECT_EQ(render(mode(OutputMode::cat), r), r.message + "\n");
}

TEST(RecordFormatter, ShortIndentsContinuationLinesAndEscapesControls) {
  Record r = kubelet_error();
  r.caller.clear();
  r.severity = Severity::info;
  r.message = "panic: boom\ngoroutine 1 [running]:\x1b[31m";
  const std::string s = render(mode(OutputMode::short_), r);
  const std::string prefix = "Nov 27 22:50:00 node-1 kubelet[1234]: INFO ";
  EXPECT_EQ(s, prefix + "panic: boom\n" + std::string(prefix.size(), ' ') +
                   "goroutine 1 [running]:\\x1b[31m\n");
}

// Attribute text is written in place and filtered only when it needs it: a byte that needs the
// terminal filter anywhere in a long key or value (also past the first 16 bytes, and in the
// last partial step) must give what filtering the whole text gives.
TEST(RecordFormatter, ShortAttributesWithSpecialBytesAnywhere) {
  Record r = kubelet_error();
  r.caller.clear();
  r.severity = Severity::info;
  r.message = "m";
  const std::string prefix = "Nov 27 22:50:00 node-1 kubelet[1234]: INFO m";
  const std::string plain(37, 'v');
  for (size_t at = 0; at < plain.size(); ++at) {
    // A blank makes the value quoted; DEL in a value is shown as \x7f inside the quotes.
    std::string v = plain;
    v[at] = ' ';
    r.attributes = {{"key", v}, {"klog_time", "skipped"}, {"n", "1"}};
    EXPECT_EQ(render(mode(OutputMode::short_), r), prefix + " key=\"" + v + "\" n=1\n") << at;
    v[at] = '\x7f';
    r.attributes = {{"key", v}};
    EXPECT_EQ(render(mode(OutputMode::short_), r),
              prefix + " key=\"" + plain.substr(0, at) + "\\x7f" + plain.substr(at + 1) + "\"\n")
        << at;
    // A control byte in a key (keys are not quoted) goes through the terminal filter too.
    std::string k = plain;
    k[at] = '\x01';
    r.attributes = {{k, "1"}};
    EXPECT_EQ(render(mode(OutputMode::short_), r),
              prefix + " " + plain.substr(0, at) + "\\x01" + plain.substr(at + 1) + "=1\n")
        << at;
    EXPECT_EQ(render(mode(OutputMode::cat), r),
              "m " + plain.substr(0, at) + "\\x01" + plain.substr(at + 1) + "=1\n")
        << at;
    // Invalid UTF-8 in a key becomes U+FFFD.
    k[at] = '\xff';
    r.attributes = {{k, "1"}};
    EXPECT_EQ(render(mode(OutputMode::short_), r),
              prefix + " " + plain.substr(0, at) + "\xEF\xBF\xBD" + plain.substr(at + 1) + "=1\n")
        << at;
  }
  // Values that are JSON stay as they are; the rest is bare only without special bytes.
  r.attributes = {{"j", "{\"a\": 1}"}, {"l", "[1, 2]"}, {"e", ""},        {"q", "a=b"},
                  {"s", "a\"b"},       {"b", "a\\b"},   {"u", "\xC3\xA9"}};
  EXPECT_EQ(
      render(mode(OutputMode::short_), r),
      prefix +
          " j={\"a\": 1} l=[1, 2] e=\"\" q=\"a=b\" s=\"a\\\"b\" b=\"a\\\\b\" u=\"\xC3\xA9\"\n");
}

// A message with a byte the terminal filter acts on at any position, in every short mode.
TEST(RecordFormatter, MessageWithSpecialBytesAnywhere) {
  Record r = kubelet_error();
  r.caller.clear();
  r.severity = Severity::info;
  const std::string plain(35, 'm');
  for (size_t at = 0; at < plain.size(); ++at) {
    r.message = plain;
    r.message[at] = '\x7f';
    EXPECT_EQ(render(mode(OutputMode::cat), r),
              plain.substr(0, at) + "\\x7f" + plain.substr(at + 1) + "\n")
        << at;
    r.message[at] = '\t';  // a tab is shown as it is
    EXPECT_EQ(render(mode(OutputMode::cat), r), r.message + "\n") << at;
  }
}

TEST(RecordFormatter, ColourOnlyWhenAsked) {
  FormatOptions o = mode(OutputMode::short_);
  o.color = true;
  const std::string s = render(o, kubelet_error());
  EXPECT_NE(s.find("\x1b[0;1;31mERROR"), std::string::npos);
  EXPECT_NE(s.find("\x1b[0m\n"), std::string::npos);
  EXPECT_EQ(render(mode(OutputMode::short_), kubelet_error()).find('\x1b'), std::string::npos);
}

TEST(RecordFormatter, JsonPrettyIsTheSameObject) {
  const auto compact = nlohmann::json::parse(render(mode(OutputMode::json), kubelet_error()));
  const std::string pretty = render(mode(OutputMode::json_pretty), kubelet_error());
  EXPECT_GT(std::count(pretty.begin(), pretty.end(), '\n'), 10);
  EXPECT_EQ(nlohmann::json::parse(pretty), compact);
}

TEST(RecordFormatter, ParseOutputMode) {
  EXPECT_EQ(parse_output_mode("short-iso"), OutputMode::short_iso);
  EXPECT_EQ(parse_output_mode("json-pretty"), OutputMode::json_pretty);
  EXPECT_FALSE(parse_output_mode("verbose"));
  EXPECT_FALSE(parse_output_mode(""));
}

}  // namespace
}  // namespace kj::cli
