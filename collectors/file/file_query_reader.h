// Query mode over one log path: the file and its rotated siblings, oldest first (compressed
// ones too), decoded and filtered to a time window, as one time-ordered RecordSource. Reading
// streams: memory is a read buffer, a bounded reordering window and the records in flight.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "collectors/file/file_chunk_reader.h"
#include "collectors/file/file_query_options.h"
#include "collectors/file/file_query_plan.h"
#include "collectors/file/reorder_window.h"
#include "collectors/file/rotated_siblings.h"
#include "core/record.h"
#include "core/record_source.h"

namespace kj::file {

class FileQueryReader final : public RecordSource {
 public:
  // `live`: the log file's path (`/var/log/kube-scheduler.log`); it need not exist when
  // rotated siblings do. Throws std::invalid_argument for an unknown klog zone.
  FileQueryReader(std::filesystem::path live, FileQueryOptions options);

  bool next(Record& out) override;
  bool finished() const override { return finished_; }
  void wait(uint64_t /*timeout_us*/) override {}

  // The files that will be / were read, oldest first.
  const std::vector<RotatedFile>& files() const { return files_; }
  const FileQueryStats& stats() const { return stats_; }

 private:
  bool read_one();  // decodes one record into the window; false when the input is exhausted

  FileQueryOptions opt_;
  std::string component_;
  FileChunkReader chunk_reader_;
  std::vector<RotatedFile> files_;
  std::unique_ptr<FileQueryPlan> plan_;  // opens the files: made when reading begins
  size_t next_chunk_ = 0;
  bool chunk_open_ = false;
  int64_t last_time_ns_ = kNoTime;  // of the last record read, carried into the next file
  bool input_done_ = false;
  bool finished_ = false;
  // The window holds indices into a pool of Records whose buffers are reused, and the file
  // each came from: the per-file fields are set on the way out.
  struct Slot {
    size_t record = 0;
    size_t file = 0;
  };
  std::vector<Record> pool_;
  std::vector<size_t> free_;
  ReorderWindow<Slot> window_;
  int64_t last_out_ns_ = INT64_MIN;
  FileQueryStats stats_;
};

}  // namespace kj::file
