// Groups physical lines into records (FORMATS.md §1.3): a line that starts a record (a strict
// klog header, a JSON object, a logrus line) opens a new record; any other line belongs to the
// record before it (Go stack traces, goroutine dumps after an F line, klog `key=<` blocks,
// unstructured messages with newlines). Records are bounded: one that would grow past the
// limit is cut, and the pieces are marked so nothing is silently dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/cri_parser.h"
#include "core/klog_header.h"
#include "core/parsed_line.h"

namespace kj::file {

inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

// Which piece of an oversized original a record is (a line longer than the line limit, or a
// multi-line record longer than the record limit).
enum class Split : uint8_t { none, first, middle, last };

std::string_view split_name(Split s);  // "", "first", "middle", "last"

// A line as the grouper sees it: a physical line of a plain file, or the reassembled content
// of a CRI / docker line.
struct GroupLine {
  std::string_view text;
  uint64_t offset = 0;                  // of the line's first byte in the file
  int64_t time_ns = kNoTime;            // the carrier's time (CRI / docker), if any
  LogStream stream = LogStream::other;  // other: not a container log
  bool continued = false;  // continues the previous line (a piece of an over-long line)
};

struct GroupedRecord {
  std::string text;  // lines joined with '\n'
  uint64_t offset = 0;
  int64_t time_ns = kNoTime;  // carrier time of the first line
  LogStream stream = LogStream::other;
  LineFormat start = LineFormat::unknown;  // what the first line looked like
  // When start is klog: the first line's header, already parsed to find the record boundary,
  // so the decoder does not parse it again (its views point into the line reader's buffer,
  // which may be gone: use offsets).
  KlogHeader klog;
  Split split = Split::none;
  uint32_t lines = 0;
};

// What kind of record `line` starts, or unknown when it does not start one: detect_format's
// answer, except that klog needs the strict header (month 01-12, ...) so that
// `E0000 12:00:01.000000 ...` inside a message stays a continuation, and that an indented line
// never starts a record.
LineFormat record_start_format(std::string_view line);
// The same, also returning the parsed header when the answer is klog.
LineFormat record_start_format(std::string_view line, KlogHeader& header);

class MultilineGrouper {
 public:
  explicit MultilineGrouper(size_t max_record_bytes = size_t{1} << 20);

  // Feeds one line. Returns true when the pending record is complete and has been moved to
  // `out` (whose previous text buffer is recycled); `line` is then part of the next record.
  bool push(const GroupLine& line, GroupedRecord& out);
  // Moves the pending record, if any, to `out`: at the end of the input, or when the writer
  // has been idle long enough that no continuation is expected.
  bool flush(GroupedRecord& out);

  bool has_pending() const { return pending_.lines != 0; }
  uint64_t pending_offset() const { return pending_.offset; }

 private:
  void start(const GroupLine& line, LineFormat format, Split split);

  KlogHeader header_;  // scratch for the header of the line being pushed

  size_t max_;
  GroupedRecord pending_;
  bool joinable_ = false;  // the pending record accepts continuation lines
};

}  // namespace kj::file
