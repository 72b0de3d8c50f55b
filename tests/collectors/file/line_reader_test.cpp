#include "collectors/file/line_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace {

using kj::file::Line;
using kj::file::LineReader;

// Feeds `data` in reads of at most `step` bytes and collects every line.
struct Collected {
  std::vector<std::string> text;
  std::vector<uint64_t> offset;
  std::vector<std::string> flags;
};

Collected read_all(LineReader& r, std::string_view data, size_t step, bool flush_at_end) {
  Collected c;
  size_t pos = 0;
  Line line;
  auto drain = [&] {
    while (r.next(line)) {
      c.text.emplace_back(line.text);
      c.offset.push_back(line.offset);
      c.flags.push_back(std::string(line.continued ? "c" : "") + (line.more ? "m" : "") +
                        (line.unterminated ? "u" : ""));
    }
  };
  for (;;) {
    drain();
    const long n = r.fill([&](char* dst, size_t k) {
      const size_t take = std::min({k, step, data.size() - pos});
      std::memcpy(dst, data.data() + pos, take);
      pos += take;
      return static_cast<long>(take);
    });
    if (n == 0) break;
  }
  if (flush_at_end && r.take_partial(line)) {
    c.text.emplace_back(line.text);
    c.offset.push_back(line.offset);
    c.flags.push_back(std::string(line.continued ? "c" : "") + "u");
  }
  return c;
}

TEST(FileLineReaderTest, SplitsLinesWithOffsets) {
  LineReader r(64);
  const auto c = read_all(r, "a\nbb\n\nccc\n", 3, false);
  EXPECT_EQ(c.text, (std::vector<std::string>{"a", "bb", "", "ccc"}));
  EXPECT_EQ(c.offset, (std::vector<uint64_t>{0, 2, 5, 6}));
  EXPECT_EQ(r.consumed_offset(), 10u);
}

TEST(FileLineReaderTest, LastLineWithoutNewlineIsHeldUntilFlushed) {
  LineReader r(64);
  auto c = read_all(r, "a\nunfinished", 100, false);
  EXPECT_EQ(c.text, (std::vector<std::string>{"a"}));
  EXPECT_EQ(r.unconsumed(), 10u);
  Line line;
  ASSERT_TRUE(r.take_partial(line));
  EXPECT_EQ(line.text, "unfinished");
  EXPECT_TRUE(line.unterminated);
  EXPECT_EQ(line.offset, 2u);
  // The rest of the line, when it comes, is marked as continuing the flushed piece.
  c = read_all(r, " now\nnext\n", 100, false);
  EXPECT_EQ(c.text, (std::vector<std::string>{" now", "next"}));
  EXPECT_EQ(c.flags, (std::vector<std::string>{"c", ""}));
  EXPECT_EQ(c.offset, (std::vector<uint64_t>{12, 17}));
}

TEST(FileLineReaderTest, LongLinesComeInMarkedPiecesAndNothingIsLost) {
  LineReader r(64, 16);
  std::string longline(50, 'x');
  for (size_t i = 0; i < longline.size(); ++i) longline[i] = static_cast<char>('a' + i % 26);
  const std::string data = "short\n" + longline + "\nafter\n";
  const auto c = read_all(r, data, 7, false);
  ASSERT_EQ(c.text.size(), 6u);
  EXPECT_EQ(c.text[0], "short");
  EXPECT_EQ(c.text[1] + c.text[2] + c.text[3] + c.text[4], longline);
  EXPECT_EQ(c.flags, (std::vector<std::string>{"", "m", "cm", "cm", "c", ""}));
  EXPECT_EQ(c.offset[1], 6u);
  EXPECT_EQ(c.offset[2], 22u);
  EXPECT_EQ(c.text[5], "after");
}

TEST(FileLineReaderTest, LinesSpanningManyRefillsAndCompaction) {
  LineReader r(64);
  std::string data;
  std::vector<std::string> want;
  for (int i = 0; i < 500; ++i) {
    want.push_back("line-" + std::to_string(i) + std::string(static_cast<size_t>(i % 40), '.'));
    data += want.back() + "\n";
  }
  const auto c = read_all(r, data, 13, false);
  EXPECT_EQ(c.text, want);
  uint64_t off = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(c.offset[i], off) << i;
    off += want[i].size() + 1;
  }
}

TEST(FileLineReaderTest, UnreadDropsBytesReadPastAPoint) {
  LineReader r(64);
  r.fill([](char* dst, size_t) {
    std::memcpy(dst, "ab\ncd", 5);
    return 5L;
  });
  Line line;
  ASSERT_TRUE(r.next(line));
  EXPECT_EQ(line.text, "ab");
  r.unread_from(4);
  EXPECT_EQ(r.read_offset(), 4u);
  EXPECT_EQ(r.unconsumed(), 1u);
}

}  // namespace
