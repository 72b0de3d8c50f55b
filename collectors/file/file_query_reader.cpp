#include "collectors/file/file_query_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/cri_parser.h"
#include "core/docker_json_parser.h"
#include "core/klog_json_parser.h"
#include "core/klog_parser.h"
#include "core/logrus_parser.h"

namespace kj::file {
namespace {

// mtime bounds a file's records only up to how wrong a klog zone setting can make them look
// (offsets span -12h..+14h), so a file is skipped as too old only with that much slack.
constexpr int64_t kMtimeSlackNs = int64_t{26} * 3600 * 1'000'000'000;
// Once a file shows a record this far past `until`, nothing later in it (or in newer files)
// can fall inside the window: in-file disorder is far smaller than this.
constexpr int64_t kUntilSlackNs = int64_t{300} * 1'000'000'000;
// Plain files larger than this are bisected to find where `since` begins.
constexpr uint64_t kBisectMinBytes = uint64_t{4} << 20;
constexpr size_t kProbeBytes = 64 * 1024;

// Hands a buffered record to the caller: the per-record strings are swapped (both sides keep
// their buffers for reuse), the per-file ones are set only when they differ from what `out`
// holds, which in a run of records from one file they do not. Every member of Record must be
// handled here: the size checks make a new member fail to compile until it is.
void deliver(Record& out, Record& slot, const std::string& path, const std::string& component) {
  out.time_ns = slot.time_ns;
  out.observed_time_ns = slot.observed_time_ns;
  out.severity = slot.severity;
  out.level_raw.swap(slot.level_raw);
  out.message.swap(slot.message);
  if (out.component != component) out.component = component;
  out.unit.clear();
  out.node.clear();
  out.identifier.clear();
  out.pid = slot.pid;
  out.caller.swap(slot.caller);
  out.attributes.swap(slot.attributes);
  if (out.source != path) out.source = path;
  out.position.cursor.swap(slot.position.cursor);
  if (out.position.file != path) out.position.file = path;
  out.position.device = slot.position.device;
  out.position.inode = slot.position.inode;
  out.position.offset = slot.position.offset;
  out.journal_fields.clear();  // journal entries only
}
static_assert(sizeof(Position) == 2 * sizeof(std::string) + 3 * sizeof(uint64_t),
              "Position changed: update deliver()");
// time_ns, observed_time_ns, pid and the (padded) severity; eight strings.
static_assert(sizeof(Record) == 4 * sizeof(int64_t) + 8 * sizeof(std::string) +
                                    sizeof(Record::attributes) + sizeof(Position) +
                                    sizeof(Record::journal_fields),
              "Record changed: update deliver()");

bool heap_after(const auto& a, const auto& b) {
  return a.time_ns != b.time_ns ? a.time_ns > b.time_ns : a.seq > b.seq;
}

}  // namespace

SequentialFile::SequentialFile(size_t buffer_bytes, size_t max_record_bytes)
    : reader_(buffer_bytes), assembler_(max_record_bytes) {}

SequentialFile::~SequentialFile() {
  close();
}

void SequentialFile::close() {
  gzip_.close();  // owns the descriptor when open
  if (fd_ >= 0 && !gz_) ::close(fd_);
  fd_ = -1;
}

bool SequentialFile::open(const std::filesystem::path& path, bool gzip) {
  close();
  error_.clear();
  eof_ = false;
  gz_ = gzip;
  head_.clear();
  fingerprint_ = {};
  reader_.reset(0);
  start_offset_ = 0;
  assembler_.reset();
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    error_ = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (fstat(fd_, &st) != 0) {
    error_ = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  device_ = st.st_dev;
  inode_ = st.st_ino;
  mtime_ns_ = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  size_ = static_cast<uint64_t>(st.st_size);
  posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  if (gz_ && !gzip_.open(fd_)) {
    fd_ = -1;
    error_ = "cannot read as gzip";
    return false;
  }
  return true;
}

bool SequentialFile::seek(uint64_t offset) {
  if (!seekable() || lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) return false;
  // The fingerprint is of the file's first bytes, which reading will now not pass.
  if (const auto head = read_head(fd_)) {
    head_ = *head;
    fingerprint_ = fingerprint_of(head_);
  }
  reader_.reset(offset);
  start_offset_ = offset;
  return true;
}

std::string SequentialFile::peek(uint64_t offset, size_t n) const {
  std::string out(n, '\0');
  ssize_t got;
  do {
    got = pread(fd_, out.data(), n, static_cast<off_t>(offset));
  } while (got < 0 && errno == EINTR);
  out.resize(got > 0 ? static_cast<size_t>(got) : 0);
  return out;
}

long SequentialFile::read_some(char* dst, size_t n) {
  long got = 0;
  if (gz_) {
    got = gzip_.read(dst, n);
  } else {
    do {
      got = ::read(fd_, dst, n);
    } while (got < 0 && errno == EINTR);
  }
  if (got > 0 && !fingerprint_.complete) {
    head_.append(dst, std::min(static_cast<size_t>(got), kFingerprintMaxBytes - head_.size()));
    fingerprint_ = fingerprint_of(head_);
  }
  return got;
}

bool SequentialFile::next(GroupedRecord& out) {
  Line line;
  for (;;) {
    if (assembler_.pop(out)) return true;
    if (eof_) return false;
    bool ready = false;
    while (reader_.next(line)) {
      assembler_.push(line);
      if (assembler_.has_ready()) {
        ready = true;
        break;
      }
    }
    if (ready) continue;
    const long n = reader_.fill([this](char* dst, size_t k) { return read_some(dst, k); });
    if (n > 0) continue;
    if (n < 0) error_ = gz_ ? "gzip: " + gzip_.error() : std::strerror(errno);
    // End of the file: its unfinished last line and everything still pending are records.
    if (reader_.take_partial(line)) assembler_.push(line);
    assembler_.flush();
    eof_ = true;
  }
}

FileQueryReader::FileQueryReader(std::filesystem::path live, FileQueryOptions options)
    : opt_(std::move(options)),
      component_(component_from_path(live.string())),
      file_(opt_.buffer_bytes, opt_.max_record_bytes),
      decoder_(opt_.klog_zone) {
  if (opt_.include_rotated) files_ = rotated_siblings(live);
  std::error_code ec;
  if (std::filesystem::exists(live, ec)) {
    files_.push_back({live, live.extension() == ".gz"});
  }
  pool_.reserve(opt_.reorder_records + 1);
  fifo_.resize(16);  // a power of two, doubled as needed
  for (const RotatedFile& f : files_) file_paths_.push_back(f.path.string());
  ctx_.fill_file_fields = false;
}

bool FileQueryReader::open_next_file() {
  while (next_file_ < files_.size()) {
    current_file_ = next_file_++;
    const RotatedFile& f = files_[current_file_];
    if (!file_.open(f.path, f.gzip)) {
      stats_.problems.push_back(f.path.string() + ": " + file_.error());
      continue;
    }
    if (opt_.since_ns && file_.mtime_ns() + kMtimeSlackNs < *opt_.since_ns) {
      ++stats_.files_skipped;
      file_.close();
      continue;
    }
    ++stats_.files_read;
    if (opt_.since_ns && file_.seekable() && file_.size() > kBisectMinBytes) {
      const uint64_t start = since_offset(*opt_.since_ns - kUntilSlackNs);
      if (start != 0 && file_.seek(start)) stats_.bytes_skipped += start;
    }
    ctx_.path = f.path.string();
    ctx_.component = component_;
    ctx_.device = file_.device();
    ctx_.inode = file_.inode();
    ctx_.reference_ns = file_.mtime_ns();
    // last_time_ns carries over: leading lines without a time follow the previous file.
    return true;
  }
  return false;
}

std::optional<int64_t> FileQueryReader::record_time_at(uint64_t offset, uint64_t* record_offset) {
  const std::string chunk = file_.peek(offset, kProbeBytes);
  size_t pos = 0;
  if (offset != 0) {
    // `offset` may be inside a line: start at the next one.
    pos = chunk.find('\n');
    if (pos == std::string::npos) return std::nullopt;
    ++pos;
  }
  while (pos < chunk.size()) {
    const size_t nl = chunk.find('\n', pos);
    if (nl == std::string::npos) break;  // a line cut by the chunk's end
    const std::string_view line(chunk.data() + pos, nl - pos);
    std::optional<int64_t> t;
    CriLine cri;
    switch (record_start_format(line)) {
      case LineFormat::cri:
        if (parse_cri(line, cri)) t = cri.time_ns;
        break;
      case LineFormat::docker_json: {
        DockerLine d;
        if (parse_docker_json(line, d)) t = d.time_ns;
        break;
      }
      case LineFormat::klog:
        if (parse_klog(line, probe_) && probe_.local_time) {
          t = decoder_.klog_time().resolve(*probe_.local_time, file_.mtime_ns());
        }
        break;
      case LineFormat::klog_json:
        if (parse_klog_json(line, probe_)) t = probe_.time_ns;
        break;
      case LineFormat::logrus:
      case LineFormat::logrus_json:
        if (parse_logrus(line, probe_)) t = probe_.time_ns;
        break;
      default:
        break;
    }
    if (t) {
      *record_offset = offset + pos;
      return t;
    }
    pos = nl + 1;
  }
  return std::nullopt;
}

uint64_t FileQueryReader::since_offset(int64_t since_ns) {
  // Bisection over byte offsets, on the time of the first record that starts after each probe.
  // Invariant: everything before `lo` is older than since_ns (records are in time order up to
  // a small disorder, which the slack the caller subtracted covers).
  uint64_t lo = 0, hi = file_.size();
  while (hi - lo > kProbeBytes) {
    const uint64_t mid = lo + (hi - lo) / 2;
    uint64_t at = 0;
    const auto t = record_time_at(mid, &at);
    if (!t || at >= hi) break;  // no dated record near there (a huge record): read from lo
    if (*t < since_ns) {
      if (at <= lo) break;
      lo = at;
    } else {
      hi = mid;
    }
  }
  return lo;
}

bool FileQueryReader::read_one() {
  for (;;) {
    if (!file_open_) {
      if (!open_next_file()) {
        input_done_ = true;
        return false;
      }
      file_open_ = true;
    }
    if (!file_.next(grouped_)) {
      if (!file_.error().empty()) stats_.problems.push_back(ctx_.path + ": " + file_.error());
      stats_.bytes_read += file_.bytes_read();
      stats_.unwrap_failures += file_.assembler().unwrap_failures();
      file_.close();
      file_open_ = false;
      continue;
    }
    ++stats_.records;
    size_t slot;
    if (free_.empty()) {
      slot = pool_.size();
      pool_.emplace_back();
    } else {
      slot = free_.back();
      free_.pop_back();
    }
    Record& r = pool_[slot];
    ctx_.fingerprint = file_.fingerprint().hash;
    decoder_.decode(grouped_, ctx_, r);
    if (opt_.since_ns && r.time_ns < *opt_.since_ns) {
      free_.push_back(slot);
      continue;
    }
    if (opt_.until_ns && r.time_ns > *opt_.until_ns) {
      free_.push_back(slot);
      if (r.time_ns > *opt_.until_ns + kUntilSlackNs) {
        // Past the window for good: this file's rest and every newer file are later still.
        stats_.bytes_read += file_.bytes_read();
        file_.close();
        file_open_ = false;
        next_file_ = files_.size();
      }
      continue;
    }
    push_window(slot);
    return true;
  }
}

void FileQueryReader::push_window(size_t slot) {
  const WindowEntry e{pool_[slot].time_ns, seq_++, slot, current_file_};
  window_bytes_ += pool_[slot].message.size();
  const size_t mask = fifo_.size() - 1;
  if (fifo_count_ == 0 || e.time_ns >= fifo_[(fifo_head_ + fifo_count_ - 1) & mask].time_ns) {
    if (fifo_count_ == fifo_.size()) {
      std::rotate(fifo_.begin(), fifo_.begin() + static_cast<ptrdiff_t>(fifo_head_), fifo_.end());
      fifo_head_ = 0;
      fifo_.resize(fifo_.size() * 2);
    }
    fifo_[(fifo_head_ + fifo_count_) & (fifo_.size() - 1)] = e;
    ++fifo_count_;
    return;
  }
  heap_.push_back(e);
  std::push_heap(heap_.begin(), heap_.end(),
                 [](const WindowEntry& a, const WindowEntry& b) { return heap_after(a, b); });
}

const FileQueryReader::WindowEntry& FileQueryReader::pop_window() {
  if (heap_.empty() || (fifo_count_ != 0 && !heap_after(fifo_[fifo_head_], heap_.front()))) {
    popped_ = fifo_[fifo_head_];
    fifo_head_ = (fifo_head_ + 1) & (fifo_.size() - 1);
    --fifo_count_;
  } else {
    std::pop_heap(heap_.begin(), heap_.end(),
                  [](const WindowEntry& a, const WindowEntry& b) { return heap_after(a, b); });
    popped_ = heap_.back();
    heap_.pop_back();
  }
  window_bytes_ -= pool_[popped_.slot].message.size();
  return popped_;
}

bool FileQueryReader::next(Record& out) {
  for (;;) {
    if (window_size() != 0 && (input_done_ || window_size() > opt_.reorder_records ||
                               window_bytes_ > opt_.reorder_bytes)) {
      const WindowEntry& e = pop_window();
      deliver(out, pool_[e.slot], file_paths_[e.file], component_);
      free_.push_back(e.slot);
      if (out.time_ns < last_out_ns_) {
        ++stats_.out_of_order;
      } else {
        last_out_ns_ = out.time_ns;
      }
      return true;
    }
    if (input_done_) {
      finished_ = true;
      return false;
    }
    read_one();
  }
}

}  // namespace kj::file
