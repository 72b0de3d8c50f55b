// Reads one chunk of a query plan (a whole file, or a stretch of a large plain one) as decoded
// Records inside the query's time window. The sequential query reader runs one of these over
// every chunk in turn; the parallel one runs one per thread.
#pragma once

#include <cstdint>
#include <string>

#include "collectors/file/file_query_options.h"
#include "collectors/file/file_query_plan.h"
#include "collectors/file/file_record_decoder.h"
#include "collectors/file/sequential_file.h"
#include "core/record.h"

namespace kj::file {

class FileChunkReader {
 public:
  // Passed as the time before a chunk when it is not known yet (the records of the previous
  // chunk are still being read elsewhere); see needs_previous_time().
  static constexpr int64_t kUnknownTime = kNoTime + 1;

  // `component`: of the live file (rotated names may not show it). `fill_file_fields`: whether
  // records get the per-file strings (component, source, position file), see FileContext.
  // Throws std::invalid_argument for an unknown klog zone.
  FileChunkReader(const FileQueryOptions& options, std::string component, bool fill_file_fields);

  // Starts on chunk `chunk` of `plan` (which must outlive the reading). `previous_time_ns`: the
  // time of the record before the chunk, which leading records without a time of their own
  // take (kNoTime before the first record of all).
  void start(const FileQueryPlan& plan, size_t chunk, int64_t previous_time_ns);
  // The next record of the chunk inside the window; false at its end (see past_until()).
  bool next(Record& out);

  // Reading stopped because the records went past `until` for good: no later chunk of the
  // plan needs to be read.
  bool past_until() const { return past_until_; }
  // Started with kUnknownTime and the chunk's first record has no time of its own: start the
  // chunk again once the time before it is known. Only a chunk that starts a file can.
  bool needs_previous_time() const { return needs_previous_time_; }
  // The time of the chunk's last record (what the next chunk's leading records without a time
  // take); the time it started with when it had none.
  int64_t last_time_ns() const { return ctx_.last_time_ns; }

  // Of the current chunk, complete once next() returned false.
  uint64_t records() const { return records_; }
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t unwrap_failures() const { return unwrap_failures_; }
  bool file_read() const { return file_read_; }  // opened the file at a chunk that starts it
  const std::string& problem() const { return problem_; }  // "path: reason", empty if none

  FileRecordDecoder& decoder() { return decoder_; }

 private:
  void finish();

  FileQueryOptions opt_;
  SequentialFile file_;
  FileRecordDecoder decoder_;
  FileContext ctx_;
  GroupedRecord grouped_;
  const std::string* path_ = nullptr;
  bool open_ = false;
  bool past_until_ = false;
  bool needs_previous_time_ = false;
  bool file_read_ = false;
  uint64_t records_ = 0, bytes_read_ = 0, unwrap_failures_ = 0;
  std::string problem_;
};

}  // namespace kj::file
