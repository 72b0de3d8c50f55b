#include "collectors/file/file_query_plan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "collectors/file/file_identity.h"
#include "collectors/file/file_query_options.h"
#include "collectors/file/multiline_grouper.h"
#include "collectors/file/since_bisection.h"

namespace kj::file {
namespace {

// mtime bounds a file's records only up to how wrong a klog zone setting can make them look
// (offsets span -12h..+14h), so a file is skipped as too old only with that much slack.
constexpr int64_t kMtimeSlackNs = int64_t{26} * 3600 * 1'000'000'000;
// Plain files larger than this are bisected to find where `since` begins.
constexpr uint64_t kBisectMinBytes = uint64_t{4} << 20;
// How far past a cut point a record start is looked for at a time.
constexpr size_t kScanBytes = 64 * 1024;

bool starts_klog_record(std::string_view line) {
  return record_start_format(line) == LineFormat::klog;
}

// The first line start at or after `from` (a line start itself when `at_line_start`) whose
// line starts a klog record, before `limit`; `limit` when there is none.
uint64_t next_klog_record(int fd, uint64_t from, uint64_t limit, bool at_line_start) {
  uint64_t pos = from;
  while (pos < limit) {
    const std::string window = read_at(fd, pos, kScanBytes);
    if (window.empty()) return limit;
    size_t i = 0;
    if (!at_line_start) {
      const size_t nl = window.find('\n');
      if (nl == std::string::npos) {
        pos += window.size();
        continue;
      }
      i = nl + 1;
    }
    // Lines that end inside the window; a line cut by its end is looked at in the next one.
    for (;;) {
      const size_t nl = window.find('\n', i);
      if (nl == std::string::npos) break;
      if (starts_klog_record(std::string_view(window).substr(i, nl - i))) {
        return std::min(limit, pos + i);
      }
      i = nl + 1;
    }
    if (i == 0) {  // a line longer than the window: skip past it
      pos += window.size();
      at_line_start = false;
    } else {
      pos += i;
      at_line_start = true;
    }
  }
  return limit;
}

}  // namespace

std::vector<RotatedFile> files_to_query(const std::filesystem::path& live, bool include_rotated) {
  std::vector<RotatedFile> files;
  if (include_rotated) files = rotated_siblings(live);
  std::error_code ec;
  if (std::filesystem::exists(live, ec)) files.push_back({live, live.extension() == ".gz"});
  return files;
}

FileQueryPlan::FileQueryPlan(const std::vector<RotatedFile>& files, const FileQueryOptions& opt,
                             KlogTimeResolver& klog_time, uint64_t chunk_bytes) {
  for (const RotatedFile& f : files) {
    PlannedFile p;
    p.path = f.path;
    p.path_text = f.path.string();
    p.gzip = f.gzip;
    p.fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (p.fd < 0 || fstat(p.fd, &st) != 0) {
      p.error = std::strerror(errno);
      if (p.fd >= 0) ::close(p.fd);
      p.fd = -1;
      files_.push_back(std::move(p));
      chunks_.push_back({files_.size() - 1, 0, SequentialFile::kToEnd, true});  // reports it
      continue;
    }
    const int64_t mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
    if (opt.since_ns && mtime_ns + kMtimeSlackNs < *opt.since_ns) {
      ++files_skipped_;
      ::close(p.fd);
      continue;
    }
    const auto size = static_cast<uint64_t>(st.st_size);
    uint64_t begin = 0;
    if (opt.since_ns && !p.gzip && size > kBisectMinBytes) {
      begin = find_since_offset(p.fd, size, mtime_ns, klog_time, *opt.since_ns - kUntilSlackNs);
      bytes_skipped_ += begin;
    }
    files_.push_back(std::move(p));
    const size_t index = files_.size() - 1;
    if (chunk_bytes == 0 || files_.back().gzip || size - begin <= chunk_bytes) {
      chunks_.push_back({index, begin, SequentialFile::kToEnd, true});
    } else {
      split(index, begin, size, chunk_bytes);
    }
  }
}

FileQueryPlan::~FileQueryPlan() {
  for (const PlannedFile& f : files_)
    if (f.fd >= 0) ::close(f.fd);
}

void FileQueryPlan::split(size_t file, uint64_t begin, uint64_t size, uint64_t chunk_bytes) {
  const int fd = files_[file].fd;
  // Only a file whose reading starts with a klog record is cut: its envelope is plain text,
  // as it is for every chunk that starts at a klog header (container logs start with their
  // own time stamp or JSON and are never cut).
  if (next_klog_record(fd, begin, begin + 1, true) != begin) {
    chunks_.push_back({file, begin, SequentialFile::kToEnd, true});
    return;
  }
  uint64_t chunk_begin = begin;
  for (;;) {
    const uint64_t target = chunk_begin + chunk_bytes;
    // The size at planning: the last chunk reads on to wherever the file ends when it is read.
    const uint64_t cut = target < size ? next_klog_record(fd, target, size, false) : size;
    if (cut >= size) {
      chunks_.push_back({file, chunk_begin, SequentialFile::kToEnd, chunk_begin == begin});
      return;
    }
    chunks_.push_back({file, chunk_begin, cut, chunk_begin == begin});
    chunk_begin = cut;
  }
}

}  // namespace kj::file
