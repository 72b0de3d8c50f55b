#include "collectors/file/file_chunk_reader.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace kj::file {

FileChunkReader::FileChunkReader(const FileQueryOptions& options, std::string component,
                                 bool fill_file_fields)
    : opt_(options), file_(opt_.buffer_bytes, opt_.max_record_bytes), decoder_(opt_.klog_zone) {
  ctx_.component = std::move(component);
  ctx_.fill_file_fields = fill_file_fields;
}

void FileChunkReader::start(const FileQueryPlan& plan, size_t chunk, int64_t previous_time_ns) {
  file_.close();
  open_ = past_until_ = needs_previous_time_ = file_read_ = false;
  records_ = bytes_read_ = unwrap_failures_ = 0;
  problem_.clear();
  ctx_.last_time_ns = previous_time_ns;

  const FileChunk& c = plan.chunks()[chunk];
  const PlannedFile& f = plan.files()[c.file];
  path_ = &f.path_text;
  if (f.fd < 0) {
    problem_ = f.path_text + ": " + f.error;
    return;
  }
  // An own descriptor per reader: the plan's stays open for the other chunks of the file.
  const int fd = fcntl(f.fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    problem_ = f.path_text + ": " + std::strerror(errno);
    return;
  }
  if (!file_.open_descriptor(fd, f.gzip)) {
    problem_ = f.path_text + ": " + file_.error();
    return;
  }
  file_read_ = c.file_start;
  if (c.begin != 0) file_.seek(c.begin);
  if (c.end != SequentialFile::kToEnd) file_.set_end(c.end);
  open_ = true;
  ctx_.path = f.path_text;
  ctx_.device = file_.device();
  ctx_.inode = file_.inode();
  ctx_.reference_ns = file_.mtime_ns();
}

void FileChunkReader::finish() {
  if (!file_.error().empty()) problem_ = *path_ + ": " + file_.error();
  bytes_read_ = file_.bytes_read();
  unwrap_failures_ = file_.assembler().unwrap_failures();
  file_.close();
  open_ = false;
}

bool FileChunkReader::next(Record& out) {
  while (open_) {
    if (!file_.next(grouped_)) break;
    ++records_;
    ctx_.fingerprint = file_.fingerprint().hash;
    decoder_.decode(grouped_, ctx_, out);
    if (out.time_ns == kUnknownTime) {
      needs_previous_time_ = true;
      break;
    }
    if (opt_.since_ns && out.time_ns < *opt_.since_ns) continue;
    if (opt_.until_ns && out.time_ns > *opt_.until_ns) {
      // Past the window for good: this file's rest and every newer file are later still.
      if (out.time_ns > *opt_.until_ns + kUntilSlackNs) {
        past_until_ = true;
        break;
      }
      continue;
    }
    return true;
  }
  if (open_) finish();
  return false;
}

}  // namespace kj::file
