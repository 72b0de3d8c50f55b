#include "collectors/file/multiline_grouper.h"

#include <utility>

#include "collectors/file/klog_header_check.h"
#include "core/line_format.h"

namespace kj::file {
namespace {}  // namespace

std::string_view split_name(Split s) {
  switch (s) {
    case Split::none:
      return "";
    case Split::first:
      return "first";
    case Split::middle:
      return "middle";
    case Split::last:
      return "last";
  }
  return "";
}

LineFormat record_start_format(std::string_view line) {
  if (line.empty()) return LineFormat::unknown;
  const char c = line[0];
  // Indented lines continue a record (stack frames, `=<` blocks), whatever follows the indent.
  if (c == ' ' || c == '\t' || c == '\r') return LineFormat::unknown;
  // klog, the common case, straight to the strict check ('E' also covers glog's
  // "ERROR: logging before flag.Parse: " prefix).
  if ((c == 'I' || c == 'W' || c == 'E' || c == 'F') && starts_with_klog_header(line)) {
    return LineFormat::klog;
  }
  const LineFormat f = detect_format(line);
  // klog-shaped but not a valid header (`E0000 ...`): a continuation, by the boundary rule.
  return f == LineFormat::klog ? LineFormat::unknown : f;
}

LineFormat record_start_format(std::string_view line, KlogHeader& header) {
  if (line.empty()) return LineFormat::unknown;
  const char c = line[0];
  if (c == 'I' || c == 'W' || c == 'E' || c == 'F') {
    // The full parse costs about what the boolean check does, and the decoder reuses it.
    if (auto h = parse_klog_header(line)) {
      header = *h;
      return LineFormat::klog;
    }
  }
  return record_start_format(line);
}

MultilineGrouper::MultilineGrouper(size_t max_record_bytes)
    : max_(max_record_bytes == 0 ? 1 : max_record_bytes) {}

void MultilineGrouper::start(const GroupLine& line, LineFormat format, Split split) {
  pending_.text.assign(line.text);
  pending_.offset = line.offset;
  pending_.time_ns = line.time_ns;
  pending_.stream = line.stream;
  pending_.start = format;
  pending_.split = split;
  pending_.lines = 1;
  // Only a recognized record owns the lines after it; a line of unknown text is a record of its
  // own, so a plain text file is one record per line. A cut-off remainder keeps collecting.
  joinable_ = format != LineFormat::unknown || split != Split::none;
}

bool MultilineGrouper::push(const GroupLine& line, GroupedRecord& out) {
  if (line.continued) {
    // The rest of an over-long physical line: never a record start.
    if (!has_pending()) {
      start(line, LineFormat::unknown, Split::last);
      return false;
    }
    if (pending_.text.size() + line.text.size() <= max_) {
      pending_.text.append(line.text);
      return false;
    }
  } else {
    const LineFormat format = record_start_format(line.text, header_);
    if (format != LineFormat::unknown || !has_pending() || !joinable_) {
      const bool had = flush(out);
      start(line, format, Split::none);
      if (format == LineFormat::klog) pending_.klog = header_;
      return had;
    }
    if (pending_.text.size() + 1 + line.text.size() <= max_) {
      pending_.text.push_back('\n');
      pending_.text.append(line.text);
      ++pending_.lines;
      return false;
    }
  }
  // The record would exceed the bound: cut it here and go on with a marked remainder.
  const Split cut = pending_.split == Split::none ? Split::first : Split::middle;
  const int64_t time = pending_.time_ns;
  flush(out);
  out.split = cut;
  start(line, LineFormat::unknown, Split::last);
  // The remainder belongs to the same event: it keeps the carrier time of its beginning.
  if (time != kNoTime) pending_.time_ns = time;
  return true;
}

bool MultilineGrouper::flush(GroupedRecord& out) {
  if (!has_pending()) return false;
  std::swap(out.text, pending_.text);
  out.offset = pending_.offset;
  out.time_ns = pending_.time_ns;
  out.stream = pending_.stream;
  out.start = pending_.start;
  out.klog = pending_.klog;
  out.split = pending_.split;
  out.lines = pending_.lines;
  pending_.lines = 0;
  pending_.text.clear();
  joinable_ = false;
  return true;
}

}  // namespace kj::file
