// What a query reads of one log path: its rotated siblings and the live file, oldest first,
// each opened once, files wholly before the window left out, large plain files started where
// the window begins, and optionally cut into chunks at record boundaries so that several
// threads can read one large file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "collectors/file/file_query_options.h"
#include "collectors/file/rotated_siblings.h"
#include "collectors/file/sequential_file.h"
#include "core/klog_time.h"

namespace kj::file {

// The files a query over the log path `live` reads, oldest first: its rotated siblings (when
// `include_rotated`), then `live` itself if it exists.
std::vector<RotatedFile> files_to_query(const std::filesystem::path& live, bool include_rotated);

struct PlannedFile {
  std::filesystem::path path;
  std::string path_text;  // Record::source
  bool gzip = false;
  int fd = -1;        // owned by the plan; -1 when the file could not be opened
  std::string error;  // why it could not be opened
};

struct FileChunk {
  size_t file = 0;  // index into FileQueryPlan::files()
  uint64_t begin = 0;
  uint64_t end = SequentialFile::kToEnd;  // plain files: where the next chunk begins
  // The first chunk read of its file (begin is past 0 when the window starts later).
  bool file_start = false;
};

class FileQueryPlan {
 public:
  // `chunk_bytes` 0: one chunk per file. Otherwise plain klog text files are cut about every
  // `chunk_bytes` at lines that start a klog record (whatever was before such a line is a
  // complete record), so each chunk decodes on its own exactly as it would in one pass.
  // `klog_time` resolves klog header times for the bisection that finds `since`.
  FileQueryPlan(const std::vector<RotatedFile>& files, const FileQueryOptions& options,
                KlogTimeResolver& klog_time, uint64_t chunk_bytes);
  ~FileQueryPlan();
  FileQueryPlan(const FileQueryPlan&) = delete;
  FileQueryPlan& operator=(const FileQueryPlan&) = delete;

  const std::vector<PlannedFile>& files() const { return files_; }
  const std::vector<FileChunk>& chunks() const { return chunks_; }
  uint64_t files_skipped() const { return files_skipped_; }  // entirely before the window
  uint64_t bytes_skipped() const { return bytes_skipped_; }  // before `since`, by bisection

 private:
  void split(size_t file, uint64_t begin, uint64_t size, uint64_t chunk_bytes);

  std::vector<PlannedFile> files_;
  std::vector<FileChunk> chunks_;
  uint64_t files_skipped_ = 0;
  uint64_t bytes_skipped_ = 0;
};

}  // namespace kj::file
