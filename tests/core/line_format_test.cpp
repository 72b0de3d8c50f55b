#include "core/line_format.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/core/corpus_records.h"

namespace kj {
namespace {

// Detects from a heap buffer of exactly the input's size (ASan sees any over-read).
LineFormat detect_exact(std::string_view text) {
  std::unique_ptr<char[]> buf(new char[text.empty() ? 1 : text.size()]);
  std::copy(text.begin(), text.end(), buf.get());
  return detect_format(std::string_view(buf.get(), text.size()));
}

TEST(LineFormat, EveryCorpusLineIsItsFormat) {
  const std::map<std::string, LineFormat> names = {
      {"klog", LineFormat::klog},
      {"klog-json", LineFormat::klog_json},
      {"logrus", LineFormat::logrus},
      {"cri", LineFormat::cri},
      {"docker-json", LineFormat::docker_json},
  };
  std::map<LineFormat, int> counts;
  std::vector<std::string> failing;
  for (const auto& rec : testing::corpus_records()) {
    const std::string format = rec.at("format");
    ASSERT_TRUE(names.count(format)) << format;
    const LineFormat got = detect_exact(rec.at("line").get<std::string>());
    if (got != names.at(format)) {
      failing.push_back(std::to_string(rec.at("id").get<int>()) + " (" + format + ")");
    }
    ++counts[names.at(format)];
  }
  EXPECT_TRUE(failing.empty()) << ::testing::PrintToString(failing);
  // The selection's sizes (FORMATS.md §8 lists the full corpus: 104/22/44/15/13).
  EXPECT_GE(counts[LineFormat::klog], 70);
  EXPECT_GE(counts[LineFormat::klog_json], 14);
  EXPECT_GE(counts[LineFormat::logrus], 30);
  EXPECT_GE(counts[LineFormat::cri], 10);
  EXPECT_GE(counts[LineFormat::docker_json], 8);
}

TEST(LineFormat, Klog) {
  for (std::string_view line : {
           "I1025 00:15:15.525108       1 httplog.go:79] GET /api",
           "E0914 10:00:00.000000    1234 kubelet.go:1] x",  // text inside a JSON stream
           "F0830 16:59:57.231711    3749 server.go:274] failed",
           "X0505 17:59:40.692994   28133 klog.go:70] invalid letter: the parser decides",
           "I20240101 12:00:00.000000  1 main.cc:1] C++ glog with a year",
           "ERROR: logging before flag.Parse: I0412 14:14:03.266668       1 k.go:168] x",
           "\n     I0505 17:59:40.692994   28133 klog.go:70] padded",
           "W1224 12:30",
       }) {
    EXPECT_EQ(detect_exact(line), LineFormat::klog) << line;
  }
  for (std::string_view line :
       {"I1025", "I102 00:15:15", "I1025 0", "I1025 00-15", "i1025 00:1", "I1025x00:15:15"}) {
    EXPECT_EQ(detect_exact(line), LineFormat::unknown) << line;
  }
}

TEST(LineFormat, Logrus) {
  for (std::string_view line : {
           "time=\"2021-05-17T19:43:06.552584864-07:00\" level=debug msg=x",
           "time=2024-05-01T10:00:00.000Z level=INFO msg=started",
           "level=warning msg=\"no time\"",
           "INFO[2024-01-22 09:22:19.355170897Z] Checkpoint/restore support disabled",
           "WARN[0000] x",
           "\x1b[31mERRO\x1b[0m[0001] failed",
           "WARNING[0000] full level name",
       }) {
    EXPECT_EQ(detect_exact(line), LineFormat::logrus) << line;
  }
  for (std::string_view line : {"INFO message", "INFO[0001 never closed", "INFOS[0] x", "ts=1 x",
                                "\x1b[31mhello", "Time=x"}) {
    EXPECT_EQ(detect_exact(line), LineFormat::unknown) << line;
  }
}

TEST(LineFormat, Cri) {
  for (std::string_view line : {
           "2016-10-06T00:17:09.669794202Z stdout P log content 1",
           "2024-04-13T07:59:37.505201169-05:00 stderr F x",
           "2024-04-13T07:59:37Z stdout F ",
           // The shape only: parse_cri validates the time and the tag.
           "2024-99-13T07:59:37Z stdout X",
       }) {
    EXPECT_EQ(detect_exact(line), LineFormat::cri) << line;
  }
  for (std::string_view line : {
           "2016-10-06T00:17:09.669794202Z stdin F x",
           "2016-10-06 00:17:09Z stdout F x",
           "2016-10-06T00:17:09Z",
           "2016-10-06T00:17:09Z stdout",
           "12345 stdout F x",
           "2016-10-06T00:17:09.669794202Z  stdout F x",
       }) {
    EXPECT_EQ(detect_exact(line), LineFormat::unknown) << line;
  }
}

TEST(LineFormat, JsonKindsByTopLevelKeys) {
  const std::vector<std::pair<std::string_view, LineFormat>> cases = {
      {"{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2019-01-01T11:11:11Z\"}",
       LineFormat::docker_json},
      {"{\"stream\":\"stdout\",\"time\":\"2019-01-01T11:11:11Z\"}", LineFormat::docker_json},
      {"{\"time\":\"2019-01-01T11:11:11Z\",\"log\":\"x\"}", LineFormat::docker_json},
      {"{ \"attrs\": {\"level\": \"x\"}, \"log\": \"x\", \"stream\": \"stderr\" }",
       LineFormat::docker_json},
      {"{\"ts\":1616398324656.7559,\"msg\":\"x\",\"v\":1}", LineFormat::klog_json},
      {"{\"v\":0, \"msg\": \"Pod status update\", \"err\": \"failed\"}", LineFormat::klog_json},
      {"{\"msg\": \"Pod status update\", \"err\": \"failed\"}", LineFormat::klog_json},
      {"{\"level\":\"info\",\"ts\":1.5,\"msg\":\"zap production\"}", LineFormat::klog_json},
      {"{\"level\":\"info\",\"msg\":\"x\",\"time\":\"2019-10-11T07:40:42Z\"}",
       LineFormat::logrus_json},
      {"{\"error\":\"e\",\"level\":\"error\",\"log\":\"a field\",\"msg\":\"x\"}",
       LineFormat::logrus_json},
      {"{\"level\":\"info\",\"time\":\"2019-10-11T07:40:42Z\"}", LineFormat::logrus_json},
      // Keys inside strings and nested objects do not count.
      {"{\"msg\":\"\\\"level\\\":\\\"x\\\"\",\"v\":1}", LineFormat::klog_json},
      {"{\"data\":{\"level\":\"info\",\"ts\":1},\"msg\":\"x\"}", LineFormat::klog_json},
      {"{\"a\":[\"level\",{\"ts\":1}],\"msg\":\"x\"}", LineFormat::klog_json},
      {"{\"data\":{\"log\":1,\"stream\":2}}", LineFormat::unknown},
      {"{\"level\":\"info\"}", LineFormat::unknown},
      {"{}", LineFormat::unknown},
      {"{", LineFormat::unknown},
      {"[1,2]", LineFormat::unknown},
      // Truncated: classified by the keys seen.
      {"{\"level\":\"info\",\"msg\":\"cut he", LineFormat::logrus_json},
      {"{\"log\":\"cut", LineFormat::docker_json},
  };
  for (const auto& [line, format] : cases) {
    EXPECT_EQ(detect_exact(line), format) << line;
  }
}

TEST(LineFormat, MixedStreamLineByLine) {
  // A JSON-configured kubelet's output before and after its logging config applies, as one
  // stream of lines (§3.2).
  const std::vector<std::pair<std::string_view, LineFormat>> stream = {
      {"I0914 10:00:00.000000    1234 flags.go:33] FLAG: --v=\"2\"", LineFormat::klog},
      {"{\"ts\":1631610094233.7605,\"msg\":\"started\",\"v\":0}", LineFormat::klog_json},
      {"E0914 10:00:01.000000    1234 server.go:1] text again", LineFormat::klog},
      {"{\"ts\":1631610094234.1,\"msg\":\"x\",\"v\":2}", LineFormat::klog_json},
      {"plain text from a shell script", LineFormat::unknown},
  };
  for (const auto& [line, format] : stream) {
    EXPECT_EQ(detect_exact(line), format) << line;
  }
}

TEST(LineFormat, RobustInputs) {
  EXPECT_EQ(detect_exact(""), LineFormat::unknown);
  EXPECT_EQ(detect_format(std::string_view()), LineFormat::unknown);
  EXPECT_EQ(detect_exact("   \t\r\n"), LineFormat::unknown);
  EXPECT_EQ(detect_exact(std::string(64, '\0')), LineFormat::unknown);
  EXPECT_EQ(detect_exact("\xff\xfe{"), LineFormat::unknown);
  constexpr size_t kMiB = size_t{1} << 20;
  EXPECT_EQ(detect_exact("{\"a\":\"" + std::string(kMiB, '\\')), LineFormat::unknown);
  EXPECT_EQ(detect_exact(std::string(kMiB, '{')), LineFormat::unknown);
  EXPECT_EQ(detect_exact("INFO[" + std::string(kMiB, '0')), LineFormat::unknown);
  EXPECT_EQ(detect_exact(std::string(kMiB, '2')), LineFormat::unknown);
  // Every prefix of each kind of line: no over-read, and never a wrong non-unknown kind.
  const std::vector<std::pair<std::string, LineFormat>> lines = {
      {"{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2019-01-01T11:11:11Z\"}",
       LineFormat::docker_json},
      {"2024-04-13T07:59:37.505201169-05:00 stderr F x", LineFormat::cri},
      {"\x1b[31mERRO\x1b[0m[0001] failed", LineFormat::logrus},
      {"I1025 00:15:15.525108       1 a.go:1] x", LineFormat::klog},
  };
  for (const auto& [line, format] : lines) {
    for (size_t n = 0; n <= line.size(); ++n) {
      const LineFormat got = detect_exact(std::string_view(line).substr(0, n));
      EXPECT_TRUE(got == format || got == LineFormat::unknown) << n << " " << line;
    }
  }
}

}  // namespace
}  // namespace kj
