// Follow mode over log files (`kjournal -f`, the agent's file sources): globs re-scanned,
// files known by (device, inode) plus a fingerprint of their first line, rotations followed
// without losing or repeating lines:
//   * rename rotation (logrotate `create`, the kubelet's container-log rotation): the old
//     inode is read to its end before the new file is read, and kept open for a while in case
//     the writer has not reopened yet;
//   * copytruncate: detected by the file shrinking or its first bytes changing; the rest of the
//     old content is read from the rotated copy when one is found (same fingerprint), and what
//     was written between the copy and the truncation is measured when it can be (a writer
//     without O_APPEND leaves a hole of that size) and counted otherwise;
//   * deleted files are closed once drained and idle (no descriptor leak);
//   * an unfinished last line waits for its newline, up to a flush timeout.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "collectors/file/file_identity.h"
#include "collectors/file/file_record_decoder.h"
#include "core/record.h"
#include "core/record_source.h"

namespace kj::file {

// Where reading of one file stands, for checkpoints: resume at `offset` of the file that has
// this identity. `path` is the path the file was found under (a rotated file keeps the live
// name it had: resuming looks for it among that path's rotated siblings by fingerprint).
struct FilePosition {
  std::string path;
  uint64_t device = 0, inode = 0;
  uint64_t fingerprint = 0;  // Fingerprint::hash
  uint32_t fingerprint_length = 0;
  uint64_t offset = 0;  // first byte not yet delivered in a record
};

struct FileTailOptions {
  std::vector<std::string> globs;  // "/var/log/kube-*.log", "/var/log/pods/*/*/*.log"
  // Files that exist at start: read only what is written from now on (true) or everything.
  // Files that appear later are always read from their beginning.
  bool start_at_end = true;
  // Resume points (from positions()); they override start_at_end for the files they name.
  std::vector<FilePosition> positions;
  std::string klog_zone;                  // zone of klog header times; empty: the process's zone
  uint64_t poll_interval_ms = 100;        // how often open files are checked for growth
  uint64_t rescan_interval_ms = 1000;     // how often globs are expanded again
  uint64_t partial_line_flush_ms = 2000;  // an unfinished last line is delivered after this
  uint64_t multiline_flush_ms = 500;      // a record with no continuation for this long is complete
  // A rotated or deleted file stays open this long after it last grew (writers reopen late).
  uint64_t rotate_wait_ms = 5000;
  size_t buffer_bytes = size_t{256} << 10;  // per open file; also the longest line piece
  size_t max_record_bytes = size_t{1} << 20;
};

struct FileTailStats {
  uint64_t records = 0;
  uint64_t bytes_read = 0;
  uint64_t files_opened = 0;
  uint64_t files_closed = 0;
  uint64_t rotations = 0;    // a followed path that now names another file, or none
  uint64_t truncations = 0;  // copytruncate or another in-place rewrite
  // Old content read from the rotated copy after a truncation (would have been lost).
  uint64_t truncation_recovered_bytes = 0;
  // Bytes known to be lost to truncations: written after the copy was taken (or after our
  // last read, without a copy) and before the truncation. Measured exactly when the writer
  // does not use O_APPEND (it leaves a hole of that size, which is skipped).
  uint64_t truncation_lost_bytes = 0;
  // Truncations whose loss could not be measured: an O_APPEND writer starts again at offset 0,
  // so whatever it wrote between the copy and the truncation leaves no trace. Lines may have
  // been lost there.
  uint64_t truncations_unmeasured = 0;
  uint64_t resume_misses = 0;  // positions whose file could not be found again
  uint64_t read_errors = 0;
};

class FileTailer final : public RecordSource {
 public:
  // Expands the globs and opens the files. Throws std::invalid_argument for an unknown zone.
  explicit FileTailer(FileTailOptions options);
  ~FileTailer() override;
  FileTailer(const FileTailer&) = delete;
  FileTailer& operator=(const FileTailer&) = delete;

  bool next(Record& out) override;
  bool finished() const override { return false; }
  void wait(uint64_t timeout_us) override;

  // One entry per open file (rotated files still being drained included).
  std::vector<FilePosition> positions() const;
  const FileTailStats& stats() const { return stats_; }
  size_t open_files() const { return files_.size(); }

 private:
  struct Tailed;
  struct Pipeline;

  void scan(bool initial);
  void add_file(const std::string& path, int fd, uint64_t dev, uint64_t ino, uint64_t offset,
                bool detached);
  bool pump_round(int64_t now);
  bool pump_hole(Tailed& f);
  bool verify_fingerprint(Tailed& f);
  void handle_truncation(size_t index, int64_t now);
  void run_timers(int64_t now);
  void resume_or_start(const std::string& path, int fd, uint64_t dev, uint64_t ino, uint64_t size);

  FileTailOptions opt_;
  FileRecordDecoder decoder_;
  std::vector<std::unique_ptr<Tailed>> files_;
  FileTailStats stats_;
  int64_t next_rescan_ns_ = 0;
  bool rescan_requested_ = false;
  GroupedRecord grouped_;
};

}  // namespace kj::file
