#include "collectors/file/line_reader.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace kj::file {

LineReader::LineReader(size_t buffer_bytes, size_t max_line_bytes)
    : buf_(new char[std::max<size_t>(buffer_bytes, 64)]),
      cap_(std::max<size_t>(buffer_bytes, 64)),
      max_line_(max_line_bytes == 0 ? cap_ : std::min(max_line_bytes, cap_)) {}

void LineReader::reset(uint64_t offset) {
  base_ = offset;
  begin_ = end_ = scanned_ = 0;
  in_line_ = false;
}

void LineReader::make_room() {
  // Compact only when the tail is short of room: moving a few leftover bytes once per MiB is
  // cheap, moving them on every fill is not.
  if (begin_ == 0 || cap_ - end_ >= cap_ / 4) return;
  const size_t keep = end_ - begin_;
  if (keep != 0) std::memmove(buf_.get(), buf_.get() + begin_, keep);
  base_ += begin_;
  end_ = keep;
  begin_ = 0;
}

bool LineReader::next(Line& out) {
  const size_t avail = end_ - begin_;
  if (avail == 0) return false;
  const char* start = buf_.get() + begin_;
  const size_t limit = std::min(avail, max_line_);
  if (scanned_ < limit) {
    const void* nl = std::memchr(start + scanned_, '\n', limit - scanned_);
    if (nl != nullptr) {
      const size_t len = static_cast<size_t>(static_cast<const char*>(nl) - start);
      out.text = std::string_view(start, len);
      out.offset = base_ + begin_;
      out.more = false;
      out.continued = in_line_;
      out.unterminated = false;
      in_line_ = false;
      begin_ += len + 1;
      scanned_ = 0;
      return true;
    }
    scanned_ = limit;
  }
  if (avail < max_line_) return false;
  // No newline within max_line_ bytes: hand out a piece rather than grow without bound.
  out.text = std::string_view(start, max_line_);
  out.offset = base_ + begin_;
  out.more = true;
  out.continued = in_line_;
  out.unterminated = false;
  in_line_ = true;
  begin_ += max_line_;
  scanned_ = 0;
  return true;
}

bool LineReader::take_partial(Line& out) {
  const size_t avail = end_ - begin_;
  if (avail == 0) return false;
  out.text = std::string_view(buf_.get() + begin_, avail);
  out.offset = base_ + begin_;
  out.more = false;
  out.continued = in_line_;
  out.unterminated = true;
  in_line_ = true;
  begin_ = end_;
  scanned_ = 0;
  return true;
}

void LineReader::unread_from(uint64_t offset) {
  if (offset < base_ + begin_ || offset >= base_ + end_) return;
  end_ = static_cast<size_t>(offset - base_);
  scanned_ = std::min(scanned_, end_ - begin_);
}

GzipInput::~GzipInput() {
  close();
}

bool GzipInput::open(int fd) {
  close();
  gz_ = gzdopen(fd, "rb");
  if (gz_ == nullptr) {
    ::close(fd);
    return false;
  }
  gzbuffer(gz_, 256 * 1024);
  return true;
}

long GzipInput::read(char* dst, size_t n) {
  if (gz_ == nullptr) return -1;
  const int got = gzread(gz_, dst, static_cast<unsigned>(std::min<size_t>(n, INT_MAX)));
  if (got < 0) return -1;
  if (got == 0) {
    // gzread returns 0 both at a clean end and when the input stops mid-stream.
    int err = Z_OK;
    gzerror(gz_, &err);
    if (err != Z_OK && err != Z_STREAM_END) return -1;
  }
  return got;
}

std::string GzipInput::error() const {
  if (gz_ == nullptr) return "not open";
  int err = Z_OK;
  const char* msg = gzerror(gz_, &err);
  return msg != nullptr ? msg : "unknown gzip error";
}

bool GzipInput::rewind() {
  return gz_ != nullptr && gzrewind(gz_) == 0;
}

void GzipInput::close() {
  if (gz_ != nullptr) gzclose(gz_);
  gz_ = nullptr;
}

}  // namespace kj::file
