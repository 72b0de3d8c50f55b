// What a query over one log path (a file and its rotated siblings) reads, and what it reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kj::file {

// Once a file shows a record this far past `until`, nothing later in it (or in newer files)
// can fall inside the window: in-file disorder is far smaller than this. The same slack is
// taken before `since` where a large file is bisected.
inline constexpr int64_t kUntilSlackNs = int64_t{300} * 1'000'000'000;

struct FileQueryOptions {
  std::optional<int64_t> since_ns;  // records before are skipped
  std::optional<int64_t> until_ns;  // records after are skipped, reading stops soon after
  std::string klog_zone;            // zone of klog header times; empty: the process's zone
  bool include_rotated = true;
  size_t buffer_bytes = size_t{1} << 20;      // one read; also the longest line piece
  size_t max_record_bytes = size_t{1} << 20;  // longer records are cut (and marked)
  // Records within a file are nearly, not exactly, in time order (goroutines race between
  // taking the time and writing; CRI stdout/stderr interleave). A window of this many
  // records (or reorder_bytes of text) is sorted before records are handed out.
  size_t reorder_records = 128;
  size_t reorder_bytes = size_t{16} << 20;
};

struct FileQueryStats {
  uint64_t files_read = 0;
  uint64_t files_skipped = 0;  // entirely outside the window by their mtime
  uint64_t bytes_skipped = 0;  // of plain files, before `since` (found by bisection)
  uint64_t bytes_read = 0;     // uncompressed
  uint64_t records = 0;        // decoded, before the window filter
  // Records that arrived later than the reordering window could fix; they are delivered out
  // of order rather than dropped.
  uint64_t out_of_order = 0;
  uint64_t unwrap_failures = 0;       // container log lines that were not valid CRI/Docker lines
  std::vector<std::string> problems;  // "path: reason" for unreadable or corrupt files
};

}  // namespace kj::file
