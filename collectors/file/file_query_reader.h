// Query mode over one log path: the file and its rotated siblings, oldest first (compressed
// ones too), decoded and filtered to a time window, as one time-ordered RecordSource. Reading
// streams: memory is a read buffer, a bounded reordering window and the records in flight.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "collectors/file/file_identity.h"
#include "collectors/file/file_record_decoder.h"
#include "collectors/file/line_reader.h"
#include "collectors/file/record_assembler.h"
#include "collectors/file/rotated_siblings.h"
#include "core/record.h"
#include "core/record_source.h"

namespace kj::file {

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

// Reads one file from its first to its last byte as grouped records.
class SequentialFile {
 public:
  SequentialFile(size_t buffer_bytes, size_t max_record_bytes);
  ~SequentialFile();
  SequentialFile(const SequentialFile&) = delete;
  SequentialFile& operator=(const SequentialFile&) = delete;

  // Opens `path` (gzip when `gzip`); on failure returns false with error() set.
  bool open(const std::filesystem::path& path, bool gzip);
  // The next record; false at the end of the file or on a read error (see error()).
  bool next(GroupedRecord& out);
  void close();

  const std::string& error() const { return error_; }
  uint64_t device() const { return device_; }
  uint64_t inode() const { return inode_; }
  int64_t mtime_ns() const { return mtime_ns_; }
  const Fingerprint& fingerprint() const { return fingerprint_; }
  uint64_t bytes_read() const { return reader_.read_offset() - start_offset_; }
  const RecordAssembler& assembler() const { return assembler_; }
  // Plain files only: the size at open, and reading from `offset` (a line start) on instead
  // of from the beginning. Must be called before the first next().
  uint64_t size() const { return size_; }
  bool seekable() const { return !gz_ && fd_ >= 0; }
  bool seek(uint64_t offset);
  // Plain files only: up to `n` bytes at `offset` (pread; the reading position is untouched).
  std::string peek(uint64_t offset, size_t n) const;

 private:
  long read_some(char* dst, size_t n);

  LineReader reader_;
  RecordAssembler assembler_;
  GzipInput gzip_;
  int fd_ = -1;
  bool gz_ = false;
  bool eof_ = false;
  std::string error_;
  uint64_t device_ = 0, inode_ = 0;
  int64_t mtime_ns_ = 0;
  uint64_t size_ = 0;
  uint64_t start_offset_ = 0;  // where reading began (seek)
  Fingerprint fingerprint_;
  std::string head_;  // the first bytes, until the fingerprint is final
};

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
  bool open_next_file();
  // Where reading a plain file may start so that no record at or after `since` is missed.
  uint64_t since_offset(int64_t since_ns);
  std::optional<int64_t> record_time_at(uint64_t offset, uint64_t* record_offset);
  bool read_one();  // decodes one record into the window; false when the input is exhausted
  void push_window(size_t slot);

  FileQueryOptions opt_;
  std::string component_;
  std::vector<RotatedFile> files_;
  std::vector<std::string> file_paths_;  // files_[i].path as text, Record::source
  size_t next_file_ = 0;
  size_t current_file_ = 0;
  bool file_open_ = false;
  bool input_done_ = false;
  bool finished_ = false;
  SequentialFile file_;
  FileContext ctx_;
  FileRecordDecoder decoder_;
  GroupedRecord grouped_;
  ParsedLine probe_;
  // Reordering window over a pool of Records whose buffers are reused. Records that arrive in
  // order (nearly all) go to a FIFO, which is sorted by construction; the few that arrive
  // earlier than the FIFO's newest go to a min-heap. The next record out is the smaller of the
  // two fronts (ties: arrival order).
  struct WindowEntry {
    int64_t time_ns;
    uint64_t seq;
    size_t slot;
    size_t file;  // index into files_: the per-file fields are set on the way out
  };
  std::vector<Record> pool_;
  std::vector<size_t> free_;
  std::vector<WindowEntry> fifo_;  // ring
  size_t fifo_head_ = 0, fifo_count_ = 0;
  std::vector<WindowEntry> heap_;
  WindowEntry popped_{};
  const WindowEntry& pop_window();
  size_t window_size() const { return fifo_count_ + heap_.size(); }
  size_t window_bytes_ = 0;
  uint64_t seq_ = 0;
  int64_t last_out_ns_ = INT64_MIN;
  FileQueryStats stats_;
};

}  // namespace kj::file
