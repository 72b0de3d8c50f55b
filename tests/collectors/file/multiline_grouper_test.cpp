#include "collectors/file/multiline_grouper.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using kj::LineFormat;
using kj::file::GroupedRecord;
using kj::file::GroupLine;
using kj::file::MultilineGrouper;
using kj::file::record_start_format;
using kj::file::Split;

std::vector<GroupedRecord> group(const std::vector<std::string>& lines, size_t max = 1 << 20) {
  MultilineGrouper g(max);
  std::vector<GroupedRecord> out;
  GroupedRecord r;
  uint64_t off = 0;
  for (const std::string& l : lines) {
    if (g.push(GroupLine{l, off}, r)) out.push_back(r);
    off += l.size() + 1;
  }
  if (g.flush(r)) out.push_back(r);
  return out;
}

TEST(MultilineGrouperTest, RecordStarts) {
  EXPECT_EQ(record_start_format("I1127 10:00:00.000000       1 main.go:10] hi"), LineFormat::klog);
  EXPECT_EQ(record_start_format(
                "ERROR: logging before flag.Parse: I0412 10:00:00.000000     1 a.go:1] x"),
            LineFormat::klog);
  // Header-shaped but invalid (month 00): a continuation, FORMATS.md §1.3.
  EXPECT_EQ(record_start_format("E0000 12:00:01.000000  123456 main.go:43] Failed"),
            LineFormat::unknown);
  EXPECT_EQ(record_start_format("{\"ts\":1.5,\"msg\":\"x\"}"), LineFormat::klog_json);
  EXPECT_EQ(record_start_format("time=\"2026-11-27T10:00:00Z\" level=info msg=x"),
            LineFormat::logrus);
  EXPECT_EQ(record_start_format("\tgoroutine 1 [running]:"), LineFormat::unknown);
  EXPECT_EQ(record_start_format("  level=info"), LineFormat::unknown);
  EXPECT_EQ(record_start_format("panic: runtime error"), LineFormat::unknown);
  EXPECT_EQ(record_start_format(""), LineFormat::unknown);
}

TEST(MultilineGrouperTest, GoPanicJoinsTheFatalRecord) {
  const std::vector<std::string> lines = {
      "I1127 10:00:00.000000       1 main.go:10] starting",
      "F1127 10:00:01.000000       1 main.go:20] boom",
      "panic: runtime error: invalid memory address or nil pointer dereference",
      "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a3f2b]",
      "",
      "goroutine 1 [running]:",
      "main.main()",
      "\t/go/src/app/main.go:20 +0x1d",
      "E0000 12:00:01.000000  123456 main.go:43] not a header (month 00)",
      "I1127 10:00:02.000000       1 main.go:30] next",
  };
  const auto recs = group(lines);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].text, lines[0]);
  EXPECT_EQ(recs[1].lines, 8u);
  EXPECT_EQ(recs[1].start, LineFormat::klog);
  EXPECT_EQ(recs[1].offset, lines[0].size() + 1);
  std::string joined = lines[1];
  for (size_t i = 2; i <= 8; ++i) joined += "\n" + lines[i];
  EXPECT_EQ(recs[1].text, joined);
  EXPECT_EQ(recs[2].text, lines[9]);
}

TEST(MultilineGrouperTest, StructuredBlockValuesStayInTheirRecord) {
  const std::vector<std::string> lines = {
      "I1127 10:00:00.000000       1 main.go:10] \"Config\" data=<", "\tline one",
      "\tI1127 10:00:00.000000       1 fake.go:1] inside a block",   " > other=\"x\"",
      "I1127 10:00:01.000000       1 main.go:11] \"done\"",
  };
  const auto recs = group(lines);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].lines, 4u);
  EXPECT_EQ(recs[1].text, lines[4]);
}

TEST(MultilineGrouperTest, UnrecognizedTextIsOneRecordPerLine) {
  const auto recs = group({"plain one", "plain two", "  indented"});
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[2].text, "  indented");
}

TEST(MultilineGrouperTest, OversizedRecordsAreCutAndMarked) {
  std::vector<std::string> lines = {"I1127 10:00:00.000000       1 main.go:10] big"};
  for (int i = 0; i < 10; ++i) lines.push_back("\tframe " + std::to_string(i) + " padding....");
  lines.push_back("I1127 10:00:01.000000       1 main.go:11] next");
  const auto recs = group(lines, 80);
  ASSERT_GE(recs.size(), 4u);
  EXPECT_EQ(recs.front().split, Split::first);
  EXPECT_EQ(recs[recs.size() - 2].split, Split::last);
  for (size_t i = 1; i + 2 < recs.size(); ++i) EXPECT_EQ(recs[i].split, Split::middle);
  EXPECT_EQ(recs.back().split, Split::none);
  // Nothing lost: the pieces rejoined with newlines give the original lines.
  std::string all, want;
  for (size_t i = 0; i + 1 < recs.size(); ++i) all += (i ? "\n" : "") + recs[i].text;
  for (size_t i = 0; i + 1 < lines.size(); ++i) want += (i ? "\n" : "") + lines[i];
  EXPECT_EQ(all, want);
  for (const auto& r : recs) EXPECT_LE(r.text.size(), 80u);
}

TEST(MultilineGrouperTest, PiecesOfALongLineAreJoinedWithoutNewline) {
  MultilineGrouper g(1 << 20);
  GroupedRecord r;
  EXPECT_FALSE(g.push(GroupLine{"I1127 10:00:00.000000       1 main.go:10] abc", 0}, r));
  GroupLine piece{"def", 45};
  piece.continued = true;
  EXPECT_FALSE(g.push(piece, r));
  ASSERT_TRUE(g.flush(r));
  EXPECT_EQ(r.text, "I1127 10:00:00.000000       1 main.go:10] abcdef");
  EXPECT_EQ(r.lines, 1u);
}

}  // namespace
