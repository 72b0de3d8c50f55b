#include "collectors/file/sequential_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace kj::file {

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

bool SequentialFile::open_descriptor(int fd, bool gzip) {
  close();
  error_.clear();
  eof_ = false;
  gz_ = gzip;
  head_.clear();
  fingerprint_ = {};
  reader_.reset(0);
  start_offset_ = 0;
  end_ = kToEnd;
  assembler_.reset();
  fd_ = fd;
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
  posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  // zlib reads from the descriptor's offset, which a dup() shares with earlier readers.
  if (gz_ && lseek(fd_, 0, SEEK_SET) != 0) {
    error_ = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  if (gz_ && !gzip_.open(fd_)) {
    fd_ = -1;
    error_ = "cannot read as gzip";
    return false;
  }
  return true;
}

bool SequentialFile::seek(uint64_t offset) {
  if (!seekable()) return false;
  // The fingerprint is of the file's first bytes, which reading will now not pass.
  if (const auto head = read_head(fd_)) {
    head_ = *head;
    fingerprint_ = fingerprint_of(head_);
  }
  reader_.reset(offset);
  start_offset_ = offset;
  return true;
}

long SequentialFile::read_some(char* dst, size_t n) {
  long got = 0;
  if (gz_) {
    got = gzip_.read(dst, n);
  } else {
    // pread at the reader's own offset: descriptors shared through dup() share the file
    // offset, and several readers of one file must not move each other's.
    const uint64_t at = reader_.read_offset();
    if (at >= end_) return 0;
    n = static_cast<size_t>(std::min<uint64_t>(n, end_ - at));
    do {
      got = ::pread(fd_, dst, n, static_cast<off_t>(at));
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

}  // namespace kj::file
