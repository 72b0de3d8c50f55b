#include "core/cri_parser.h"

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

using testing::oracle_ns;

// Parses from a heap buffer of exactly the input's size, so a read past the end is an ASan
// report. The views in the result are copied out before the buffer dies.
struct Parsed {
  int64_t time_ns;
  std::string stream, tags, content;
  bool partial;
};
std::optional<Parsed> parse_exact(std::string_view text) {
  std::unique_ptr<char[]> buf(new char[text.empty() ? 1 : text.size()]);
  std::copy(text.begin(), text.end(), buf.get());
  CriLine l;
  if (!parse_cri(std::string_view(buf.get(), text.size()), l)) return std::nullopt;
  return Parsed{l.time_ns, std::string(l.stream), std::string(l.tags), std::string(l.content),
                l.partial};
}

std::optional<int64_t> t(std::string_view text) {
  return parse_rfc3339_ns(text);
}

// --- RFC 3339 ---------------------------------------------------------------------------------

TEST(CriTime, RuntimeForms) {
  // containerd in a UTC zone: RFC3339Nano with trailing zeros trimmed (7 and 8 digits).
  EXPECT_EQ(t("2019-04-30T02:12:41.8443515Z"), 1556590361844351500);
  EXPECT_EQ(t("2016-10-20T18:39:20.57606443Z"), 1476988760576064430);
  // conmon: always 9 digits and a numeric offset.
  EXPECT_EQ(t("2024-04-13T07:59:37.505201169-05:00"), 1713013177505201169);
  // dockerd / containerd logrus time, offsets in both directions and half hours.
  EXPECT_EQ(t("2021-05-17T19:43:06.552584864-07:00"), 1621305786552584864);
  EXPECT_EQ(t("2023-01-05T17:26:26.897789669+05:30"), 1672919786897789669);
  // slog: milliseconds.
  EXPECT_EQ(t("2024-05-01T10:00:00.000Z"), 1714557600000000000);
  EXPECT_EQ(t("2024-05-01T12:00:00.000+02:00"), 1714557600000000000);
}

TEST(CriTime, OffsetArithmeticIgnoresDst) {
  // -07:00 is PDT; the same instant written in UTC and in other offsets must agree exactly,
  // whatever time zone the test runs in.
  const int64_t utc = 1621305786552584864;
  EXPECT_EQ(t("2021-05-18T02:43:06.552584864Z"), utc);
  EXPECT_EQ(t("2021-05-17T19:43:06.552584864-07:00"), utc);
  EXPECT_EQ(t("2021-05-18T02:43:06.552584864+00:00"), utc);
  EXPECT_EQ(t("2021-05-18T02:43:06.552584864-00:00"), utc);
  EXPECT_EQ(t("2021-05-18T11:43:06.552584864+09:00"), utc);
  EXPECT_EQ(t("2021-05-17T14:28:06.552584864-12:15"), utc);
  // Crossing a day, month and year boundary through the offset.
  EXPECT_EQ(t("2020-12-31T23:30:00-01:00"), t("2021-01-01T00:30:00Z"));
  EXPECT_EQ(t("2021-01-01T00:30:00+01:00"), t("2020-12-31T23:30:00Z"));
  EXPECT_EQ(t("2024-02-29T23:00:00-02:00"), t("2024-03-01T01:00:00Z"));
}

TEST(CriTime, FractionLengthsZeroToNineAndBeyond) {
  const std::string digits = "123456789";
  const int64_t base = *t("2024-01-02T03:04:05Z");
  int64_t expected_fraction[10] = {0,         100000000, 120000000, 123000000, 123400000,
                                   123450000, 123456000, 123456700, 123456780, 123456789};
  for (size_t n = 0; n <= 9; ++n) {
    const std::string text =
        "2024-01-02T03:04:05" + (n ? "." + digits.substr(0, n) : std::string()) + "Z";
    EXPECT_EQ(t(text), base + expected_fraction[n]) << text;
    const std::string offset =
        "2024-01-02T05:04:05" + (n ? "." + digits.substr(0, n) : std::string()) + "+02:00";
    EXPECT_EQ(t(offset), base + expected_fraction[n]) << offset;
  }
  // Past nanoseconds: truncated, as Go does.
  EXPECT_EQ(t("2024-01-02T03:04:05.1234567891Z"), base + 123456789);
  EXPECT_EQ(t("2024-01-02T03:04:05.999999999999999Z"), base + 999999999);
  EXPECT_EQ(t("2024-01-02T03:04:05.000000000000001Z"), base);
}

TEST(CriTime, CalendarAndRanges) {
  EXPECT_TRUE(t("2024-02-29T00:00:00Z"));   // leap year
  EXPECT_TRUE(t("2000-02-29T00:00:00Z"));   // divisible by 400
  EXPECT_FALSE(t("2023-02-29T00:00:00Z"));  // common year
  EXPECT_FALSE(t("1900-02-29T00:00:00Z"));  // divisible by 100
  EXPECT_FALSE(t("2024-04-31T00:00:00Z"));
  EXPECT_TRUE(t("2024-12-31T23:59:59.999999999Z"));
  for (std::string_view bad : {
           "2024-00-10T00:00:00Z",
           "2024-13-10T00:00:00Z",
           "2024-01-00T00:00:00Z",
           "2024-01-32T00:00:00Z",
           "2024-01-10T24:00:00Z",
           "2024-01-10T23:60:00Z",
           "2024-01-10T23:59:60Z",  // leap second: Go rejects it too
           "2024-01-10T00:00:00+24:00",
           "2024-01-10T00:00:00+01:60",
       }) {
    EXPECT_FALSE(t(bad)) << bad;
  }
  // Before the epoch.
  EXPECT_EQ(t("1969-12-31T23:59:59.5Z"), -500000000);
  EXPECT_EQ(t("1970-01-01T00:00:00Z"), 0);
  // The int64 ns range, to the nanosecond.
  EXPECT_EQ(t("1677-09-21T00:12:43.145224192Z"), INT64_MIN);
  EXPECT_FALSE(t("1677-09-21T00:12:43.145224191Z"));
  EXPECT_EQ(t("2262-04-11T23:47:16.854775807Z"), INT64_MAX);
  EXPECT_FALSE(t("2262-04-11T23:47:16.854775808Z"));
  EXPECT_FALSE(t("0000-01-01T00:00:00Z"));
  EXPECT_FALSE(t("9999-12-31T23:59:59Z"));
}

TEST(CriTime, MalformedTexts) {
  for (std::string_view bad : {
           "",
           "2024",
           "2024-01-02T03:04:05",
           "2024-01-02T03:04:05.Z",
           "2024-01-02T03:04:05.",
           "2024-01-02t03:04:05Z",
           "2024-01-02T03:04:05z",
           "2024-01-02 03:04:05Z",
           "2024-01-02T03:04:05+0200",
           "2024-01-02T03:04:05+02",
           "2024-01-02T03:04:05+02:00:00",
           "2024-01-02T03:04:05Z ",
           " 2024-01-02T03:04:05Z",
           "2024-1-02T03:04:05Z",
           "2024-01-02T3:04:05Z",
           "2024/01/02T03:04:05Z",
           "2024-01-02T03-04-05Z",
           "+2024-01-02T03:04:05Z",
           "2024-01-02T03:04:05.12a4Z",
           "2024-01-02T03:04:05.-1Z",
           "abcd-ef-ghTij:kl:mnZ",
           "2024-01-02T03:04:05ZZ",
           "2024-01-02T03:04:05+02:0a",
       }) {
    EXPECT_FALSE(t(bad)) << bad;
  }
  // CRI-O's logrus form only where asked for.
  EXPECT_EQ(parse_rfc3339_ns("2021-11-15 04:31:53.170524553Z", {.allow_blank_separator = true}),
            t("2021-11-15T04:31:53.170524553Z"));
}

TEST(CriTime, TruncatedAtEveryByteAndNul) {
  const std::string full = "2021-05-17T19:43:06.552584864-07:00";
  for (size_t n = 0; n < full.size(); ++n) {
    std::unique_ptr<char[]> buf(new char[n ? n : 1]);
    std::copy(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n), buf.get());
    const auto r = parse_rfc3339_ns(std::string_view(buf.get(), n));
    // Only the prefix that ends right after a fraction digit and before the zone is
    // RFC-shaped... and it still lacks a zone: nothing shorter than the whole parses.
    EXPECT_FALSE(r) << n;
  }
  EXPECT_FALSE(t(std::string_view("2021-05-17T19:43:06\0Z", 21)));
  EXPECT_FALSE(t(std::string_view("2021-05-17T19:43:06.5\0Z", 23)));
}

// --- parse_cri --------------------------------------------------------------------------------

TEST(CriParser, CorpusRecords) {
  int cri = 0, others = 0;
  std::vector<std::string> failing;
  for (const auto& rec : testing::corpus_records()) {
    const std::string line = rec.at("line");
    const std::string id = std::to_string(rec.at("id").get<int>());
    if (rec.at("format") != "cri") {
      // A klog, logrus or JSON line is never a CRI line.
      if (parse_exact(line)) failing.push_back(id + " (not cri, parsed as cri)");
      ++others;
      continue;
    }
    ++cri;
    const auto& e = rec.at("expect");
    const auto p = parse_exact(line);
    if (!p) {
      failing.push_back(id + " (rejected)");
      continue;
    }
    if (p->time_ns != oracle_ns(e.at("time"))) failing.push_back(id + " time");
    if (p->content != e.at("message").get<std::string>()) failing.push_back(id + " message");
    if (p->stream != e.at("fields").at("stream").get<std::string>()) {
      failing.push_back(id + " stream");
    }
    if (p->tags != e.at("fields").at("logtag").get<std::string>()) failing.push_back(id + " tag");
    if (p->partial != e.at("partial").get<bool>()) failing.push_back(id + " partial");
  }
  EXPECT_TRUE(failing.empty()) << ::testing::PrintToString(failing);
  // The selection holds 10 of the 15 CRI records of FORMATS.md §8.
  EXPECT_GE(cri, 10);
  EXPECT_GE(others, 100);
}

TEST(CriParser, FieldsAndTags) {
  auto p = parse_exact("2016-10-06T00:17:09.669794202Z stdout P log content 1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->time_ns, 1475713029669794202);
  EXPECT_EQ(p->stream, "stdout");
  EXPECT_TRUE(p->partial);
  EXPECT_EQ(p->tags, "P");
  EXPECT_EQ(p->content, "log content 1");

  p = parse_exact("2016-10-06T00:17:09.669794202Z stderr F:TAG1:TAG2 x");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->partial);
  EXPECT_EQ(p->stream, "stderr");
  EXPECT_EQ(p->tags, "F:TAG1:TAG2");
  EXPECT_EQ(p->content, "x");

  p = parse_exact("2016-10-06T00:17:09Z stdout P: x");  // an empty tag list after P
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->partial);
  EXPECT_EQ(p->tags, "P:");

  for (std::string_view bad : {
           "2016-10-06T00:17:09Z stdin F x",
           "2016-10-06T00:17:09Z STDOUT F x",
           "2016-10-06T00:17:09Z stdout X x",
           "2016-10-06T00:17:09Z stdout PF x",
           "2016-10-06T00:17:09Z stdout Full x",
           "2016-10-06T00:17:09Z stdout  F x",
           "2016-10-06T00:17:09Z  stdout F x",
           "2016-10-06T00:17:09Z stdout\tF x",
           "2016-10-06T00:17:09Z stdout",
           "2016-10-06T00:17:09Z stdout ",
           "2016-10-06T00:17:09Z",
           "2016-10-06 00:17:09Z stdout F x",
           "2016-10-06T00:17:09 stdout F x",
           "stdout F x",
           "I1025 00:15:15.525108       1 a.go:1] x",
           "time=\"2016-10-06T00:17:09Z\" level=info msg=x",
       }) {
    EXPECT_FALSE(parse_exact(bad)) << bad;
  }
}

TEST(CriParser, ContentBoundaries) {
  const std::string head = "2024-04-13T07:59:37.505201169-05:00 stdout F";
  // Empty content, with and without the blank after the tag.
  auto p = parse_exact(head + " ");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content, "");
  p = parse_exact(head);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content, "");
  // Content keeps leading blanks, tabs and inner runs.
  p = parse_exact(head + "   two  blanks\there ");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content, "  two  blanks\there ");
  // The terminating newline is not content; only one is removed.
  p = parse_exact(head + " x\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content, "x");
  p = parse_exact(head + " x\n\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content, "x\n");
  // A trailing CR of a full line goes (as containerd strips "\r\n"), one only; a partial
  // chunk keeps it; a CR elsewhere stays.
  p = parse_exact(head + " x\r");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content, "x");
  p = parse_exact(head + " x\r\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content, "x");
  p = parse_exact(head + " x\r\r");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content, "x\r");
  p = parse_exact(head + " a\rb");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content, "a\rb");
  p = parse_exact("2024-04-13T07:59:37.505201169-05:00 stdout P x\r");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content, "x\r");
}

TEST(CriParser, TimeForms) {
  const std::vector<std::pair<std::string, int64_t>> forms = {
      {"2024-04-22T10:27:25Z", 1713781645000000000},
      {"2024-04-22T10:27:25.8Z", 1713781645800000000},
      {"2024-04-22T10:27:25.81379927Z", 1713781645813799270},
      {"2024-04-22T10:27:25.813799277Z", 1713781645813799277},
      {"2024-04-22T05:27:25.813799277-05:00", 1713781645813799277},
      {"2024-04-22T15:57:25.813799277+05:30", 1713781645813799277},
  };
  for (const auto& [time, ns] : forms) {
    const auto p = parse_exact(time + " stdout F m");
    ASSERT_TRUE(p) << time;
    EXPECT_EQ(p->time_ns, ns) << time;
  }
  for (std::string_view bad : {"2024-02-30T10:27:25Z", "2024-04-22T10:27:25.Z",
                               "2024-04-22T25:27:25Z", "2024-04-22T10:27:25+0500"}) {
    EXPECT_FALSE(parse_exact(std::string(bad) + " stdout F m")) << bad;
  }
}

TEST(CriParser, TruncatedAtEveryByte) {
  const std::string line = "2024-04-13T07:59:37.505201169-05:00 stderr P:a:b content here";
  const size_t tags_at = line.find("P:");
  for (size_t n = 0; n <= line.size(); ++n) {
    const auto p = parse_exact(std::string_view(line).substr(0, n));
    // Once the tag letter is there, the line parses (with the tags/content cut short).
    EXPECT_EQ(p.has_value(), n > tags_at) << n;
    if (p) {
      EXPECT_TRUE(p->partial);
      const size_t content_at = tags_at + 6;  // after "P:a:b "
      EXPECT_EQ(p->content, n > content_at ? line.substr(content_at, n - content_at) : "");
    }
  }
}

TEST(CriParser, NulBytesInvalidUtf8AndHugeLines) {
  const std::string head = "2024-04-13T07:59:37.505201169-05:00 stdout F ";
  const std::string binary("a\0b\xff\xfe\xc3(\x80", 8);
  auto p = parse_exact(head + binary);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content, binary);
  EXPECT_FALSE(parse_exact(std::string("2024-04-13T07:59:37.505201169-05:00\0stdout F x", 46)));
  EXPECT_FALSE(parse_exact(std::string(100, '\0')));

  constexpr size_t kMiB = size_t{1} << 20;
  p = parse_exact(head + std::string(kMiB, 'x'));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->content.size(), kMiB);
  // A mebibyte of digits and no blank is rejected without scanning it.
  EXPECT_FALSE(parse_exact(std::string(kMiB, '1')));
  EXPECT_FALSE(parse_exact("2024-04-13T07:59:37." + std::string(kMiB, '1') + "Z stdout F x"));
}

// --- CriReassembler ---------------------------------------------------------------------------

struct Out {
  int64_t time_ns;
  uint64_t origin;
  LogStream stream;
  std::string content;
  bool cut;
  uint32_t piece;
  bool unterminated;
};

std::vector<Out> copy_out(std::span<const JoinedLine> lines) {
  std::vector<Out> v;
  for (const auto& l : lines) {
    v.push_back(
        {l.time_ns, l.origin, l.stream, std::string(l.content), l.cut, l.piece, l.unterminated});
  }
  return v;
}

std::vector<Out> feed(CriReassembler& r, std::string_view line, uint64_t origin) {
  CriLine c;
  EXPECT_TRUE(parse_cri(line, c)) << line;
  return copy_out(r.add(to_chunk(c, origin)));
}

TEST(CriReassembler, CorpusSequences) {
  CriReassembler r;
  // Corpus 179 is not in the selection; its text follows from the note on 181.
  EXPECT_TRUE(feed(r, "2024-04-06T00:17:10.113242941Z stdout P This is a very very long line th", 0)
                  .empty());
  EXPECT_TRUE(
      feed(r, "2024-04-06T00:17:10.113242941Z stdout P at is really, really, long and spa", 100)
          .empty());
  EXPECT_TRUE(r.pending(LogStream::stdout_stream));
  EXPECT_EQ(r.oldest_pending_origin(), 0u);
  auto out = feed(r, "2024-04-06T00:17:10.113242941Z stdout F ns across multiple log entries", 200);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].content,
            "This is a very very long line that is really, really, long and spans across multiple "
            "log entries");
  EXPECT_EQ(out[0].origin, 0u);
  EXPECT_FALSE(out[0].cut);
  EXPECT_FALSE(out[0].unterminated);
  EXPECT_FALSE(r.pending(LogStream::stdout_stream));
  EXPECT_FALSE(r.oldest_pending_origin());

  // Corpus 182/183 (182 reconstructed from the note on 183).
  EXPECT_TRUE(
      feed(r, "2023-06-22T10:27:25.813799277Z stdout P multiline containerd line that i", 300)
          .empty());
  out = feed(r, "2023-06-22T10:27:25.813799277Z stdout F s super awesomne", 400);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].content, "multiline containerd line that is super awesomne");
}

TEST(CriReassembler, FirstChunkTimeAndZeroCopyFullLines) {
  CriReassembler r;
  CriLine c;
  const std::string full = "2024-01-01T00:00:01Z stdout F whole";
  ASSERT_TRUE(parse_cri(full, c));
  const auto got = r.add(to_chunk(c, 7));
  ASSERT_EQ(got.size(), 1u);
  // An F line with nothing pending is handed out as a view of the caller's bytes.
  EXPECT_EQ(got[0].content.data(), full.data() + full.find("whole"));
  EXPECT_EQ(got[0].origin, 7u);

  feed(r, "2024-01-01T00:00:02Z stdout P a", 10);
  feed(r, "2024-01-01T00:00:03Z stdout P b", 20);
  const auto out = feed(r, "2024-01-01T00:00:04Z stdout F c", 30);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].content, "abc");
  EXPECT_EQ(out[0].time_ns, *parse_rfc3339_ns("2024-01-01T00:00:02Z"));
  EXPECT_EQ(out[0].origin, 10u);
}

TEST(CriReassembler, StdoutAndStderrInterleave) {
  CriReassembler r;
  EXPECT_TRUE(feed(r, "2024-01-01T00:00:01Z stdout P out-1 ", 1).empty());
  EXPECT_TRUE(feed(r, "2024-01-01T00:00:02Z stderr P err-1 ", 2).empty());
  auto out = feed(r, "2024-01-01T00:00:03Z stderr F err-2", 3);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].stream, LogStream::stderr_stream);
  EXPECT_EQ(out[0].content, "err-1 err-2");
  EXPECT_EQ(out[0].origin, 2u);
  // A full stderr line while stdout is pending passes straight through.
  out = feed(r, "2024-01-01T00:00:04Z stderr F alone", 4);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].content, "alone");
  EXPECT_TRUE(feed(r, "2024-01-01T00:00:05Z stdout P out-2 ", 5).empty());
  EXPECT_EQ(r.oldest_pending_origin(), 1u);
  out = feed(r, "2024-01-01T00:00:06Z stdout F out-3", 6);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].stream, LogStream::stdout_stream);
  EXPECT_EQ(out[0].content, "out-1 out-2 out-3");
  EXPECT_EQ(out[0].time_ns, *parse_rfc3339_ns("2024-01-01T00:00:01Z"));
}

TEST(CriReassembler, FlushPendingAtEof) {
  CriReassembler r;
  EXPECT_TRUE(r.flush_all().empty());
  feed(r, "2024-01-01T00:00:01Z stderr P late", 50);
  feed(r, "2024-01-01T00:00:02Z stdout P early", 40);
  feed(r, "2024-01-01T00:00:03Z stdout P  more", 60);
  const auto out = copy_out(r.flush_all());
  ASSERT_EQ(out.size(), 2u);
  // Oldest first.
  EXPECT_EQ(out[0].content, "early more");
  EXPECT_EQ(out[0].origin, 40u);
  EXPECT_TRUE(out[0].unterminated);
  EXPECT_EQ(out[1].content, "late");
  EXPECT_TRUE(out[1].unterminated);
  EXPECT_TRUE(r.flush_all().empty());
  EXPECT_FALSE(r.oldest_pending_origin());

  // flush() of one stream leaves the other pending; an empty P chunk is still a line.
  feed(r, "2024-01-01T00:00:04Z stdout P ", 70);
  feed(r, "2024-01-01T00:00:04Z stderr P e", 80);
  auto one = copy_out(r.flush(LogStream::stdout_stream));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].content, "");
  EXPECT_TRUE(r.pending(LogStream::stderr_stream));
  EXPECT_TRUE(r.flush(LogStream::stdout_stream).empty());
}

TEST(CriReassembler, SizeCap) {
  CriReassembler r(10);
  EXPECT_EQ(r.max_bytes(), 10u);
  // Exactly the cap: one record, not cut.
  auto out = feed(r, "2024-01-01T00:00:00Z stdout F 0123456789", 0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].cut);
  EXPECT_EQ(out[0].content, "0123456789");
  // Partial chunks filling exactly the cap do not cut either.
  EXPECT_TRUE(feed(r, "2024-01-01T00:00:00Z stdout P 01234", 1).empty());
  EXPECT_TRUE(feed(r, "2024-01-01T00:00:00Z stdout P 56789", 2).empty());
  out = feed(r, "2024-01-01T00:00:00Z stdout F ", 3);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].content, "0123456789");
  EXPECT_FALSE(out[0].cut);
  // One byte over: a cut piece, then the rest.
  EXPECT_TRUE(feed(r, "2024-01-01T00:00:00Z stdout P 01234", 4).empty());
  out = feed(r, "2024-01-01T00:00:00Z stdout P 56789a", 5);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].content, "0123456789");
  EXPECT_TRUE(out[0].cut);
  EXPECT_EQ(out[0].piece, 0u);
  EXPECT_EQ(out[0].origin, 4u);
  out = feed(r, "2024-01-01T00:00:00Z stdout F bc", 6);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].content, "abc");
  EXPECT_FALSE(out[0].cut);
  EXPECT_EQ(out[0].piece, 1u);
  EXPECT_EQ(out[0].origin, 4u);  // the logical line's identity, piece tells them apart
  // A single full chunk of 3.5 caps: four records from one add().
  out = feed(r, "2024-01-01T00:00:00Z stderr F " + std::string(35, 'z'), 7);
  ASSERT_EQ(out.size(), 4u);
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(out[k].content.size(), k < 3 ? 10u : 5u);
    EXPECT_EQ(out[k].cut, k < 3);
    EXPECT_EQ(out[k].piece, k);
  }
  // A cut only happens when a byte is left over, so a flush after a cut has a remainder.
  out = feed(r, "2024-01-01T00:00:00Z stdout P " + std::string(20, 'y'), 8);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].cut);
  EXPECT_TRUE(r.pending(LogStream::stdout_stream));
  out = copy_out(r.flush_all());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].content, std::string(10, 'y'));
  EXPECT_EQ(out[0].piece, 1u);
  EXPECT_TRUE(out[0].unterminated);
  EXPECT_FALSE(out[0].cut);
  EXPECT_FALSE(r.pending(LogStream::stdout_stream));
  // A cap of 0 counts as 1.
  CriReassembler tiny(0);
  EXPECT_EQ(feed(tiny, "2024-01-01T00:00:00Z stdout F abc", 0).size(), 3u);
}

TEST(CriReassembler, PiecesNeverExceedTheCapAndLoseNothing) {
  // Deterministic pseudo-random chunk sizes, two streams, several caps.
  for (size_t cap : {1u, 2u, 7u, 64u, 1000u}) {
    CriReassembler r(cap);
    std::string sent[2], got[2];
    uint32_t x = 12345;
    for (int n = 0; n < 2000; ++n) {
      x = x * 1103515245 + 12345;
      const int stream = (x >> 8) & 1;
      const size_t len = (x >> 12) % 150;
      const bool partial = ((x >> 20) % 3) != 0;
      std::string content(len, static_cast<char>('a' + n % 26));
      LogChunk c{n, stream ? LogStream::stderr_stream : LogStream::stdout_stream, content, partial,
                 static_cast<uint64_t>(n)};
      sent[stream] += content;
      for (const auto& l : r.add(c)) {
        ASSERT_LE(l.content.size(), cap);
        got[l.stream == LogStream::stderr_stream] += l.content;
      }
    }
    for (const auto& l : r.flush_all()) {
      ASSERT_LE(l.content.size(), cap);
      got[l.stream == LogStream::stderr_stream] += l.content;
    }
    EXPECT_EQ(got[0], sent[0]) << cap;
    EXPECT_EQ(got[1], sent[1]) << cap;
  }
}

}  // namespace
}  // namespace kj
