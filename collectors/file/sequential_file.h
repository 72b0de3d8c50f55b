// One log file read from a start offset to its end (or to a given end offset) as grouped
// records: the query side's reading loop, shared by the sequential reader and by the workers
// that read chunks of one large file in parallel.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "collectors/file/file_identity.h"
#include "collectors/file/line_reader.h"
#include "collectors/file/record_assembler.h"

namespace kj::file {

class SequentialFile {
 public:
  static constexpr uint64_t kToEnd = std::numeric_limits<uint64_t>::max();

  SequentialFile(size_t buffer_bytes, size_t max_record_bytes);
  ~SequentialFile();
  SequentialFile(const SequentialFile&) = delete;
  SequentialFile& operator=(const SequentialFile&) = delete;

  // Reads the file open as `fd` (gzip when `gzip`); ownership passes, also on failure, which
  // returns false with error() set. Readers of a query get a dup() of the descriptor the query
  // plan opened, so a rotation by rename during the query cannot make them read another file.
  bool open_descriptor(int fd, bool gzip);
  // The next record; false at the end of the file (or of the range) or on a read error.
  bool next(GroupedRecord& out);
  void close();

  const std::string& error() const { return error_; }
  uint64_t device() const { return device_; }
  uint64_t inode() const { return inode_; }
  int64_t mtime_ns() const { return mtime_ns_; }
  const Fingerprint& fingerprint() const { return fingerprint_; }
  uint64_t bytes_read() const { return reader_.read_offset() - start_offset_; }
  const RecordAssembler& assembler() const { return assembler_; }
  // Plain files only: reading from `offset` (a line start) on instead of from the beginning.
  // Must be called before the first next().
  bool seekable() const { return !gz_ && fd_ >= 0; }
  bool seek(uint64_t offset);
  // Plain files only: reading ends at `end` as if the file ended there. `end` must be a line
  // start, so the record before it is complete.
  void set_end(uint64_t end) { end_ = end; }

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
  uint64_t start_offset_ = 0;  // where reading began (seek)
  uint64_t end_ = kToEnd;
  Fingerprint fingerprint_;
  std::string head_;  // the first bytes, until the fingerprint is final
};

}  // namespace kj::file
