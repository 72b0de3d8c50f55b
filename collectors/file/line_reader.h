// Splits a byte stream into lines without copying them: lines are views into one large buffer
// that is refilled by big reads (1 MiB by default), so the hot path is one memchr per line and
// no syscall or allocation per line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <zlib.h>

namespace kj::file {

struct Line {
  std::string_view text;  // without the '\n'
  uint64_t offset = 0;    // stream offset of text's first byte
  // An over-long line is delivered in pieces of at most max_line_bytes: `more` says another
  // piece of the same physical line follows, `continued` that this piece continues the
  // previous one (no newline between them).
  bool more = false;
  bool continued = false;
  // Delivered without its newline by take_partial() (end of a static file, or a writer that
  // left a line unfinished for longer than the flush timeout).
  bool unterminated = false;
};

class LineReader {
 public:
  // `max_line_bytes` is clamped to the buffer size.
  explicit LineReader(size_t buffer_bytes = size_t{1} << 20, size_t max_line_bytes = 0);

  // Forgets everything buffered; the next byte read is at stream offset `offset`.
  void reset(uint64_t offset);

  // Reads more bytes with `read(char* dst, size_t n) -> ssize_t` (one call) into the free end
  // of the buffer, moving unconsumed bytes to the front first when needed. Returns what `read`
  // returned (0: end of input for now, <0: error). Invalidates views from next().
  template <typename ReadFn>
  long fill(ReadFn&& read) {
    make_room();
    const long n = static_cast<long>(read(buf_.get() + end_, cap_ - end_));
    if (n > 0) end_ += static_cast<size_t>(n);
    return n;
  }

  // The next complete line (or piece of an over-long line) in the buffer; false when the
  // buffer holds no complete line (call fill()).
  bool next(Line& out);
  // The buffered bytes of an unfinished last line, as an `unterminated` line; false when
  // there are none. Bytes that arrive later for the same line come as a `continued` line.
  bool take_partial(Line& out);

  // Stream offset of the first byte not yet returned by next()/take_partial().
  uint64_t consumed_offset() const { return base_ + begin_; }
  // Stream offset just past the last byte read.
  uint64_t read_offset() const { return base_ + end_; }
  size_t unconsumed() const { return end_ - begin_; }
  // The read but unconsumed bytes (an unfinished last line), valid until the next fill().
  std::string_view unconsumed_bytes() const {
    return std::string_view(buf_.get() + begin_, end_ - begin_);
  }
  // Drops read but unconsumed bytes from stream offset `offset` on (>= consumed_offset()), as
  // if they had never been read: used when the file turned out to change under the read.
  void unread_from(uint64_t offset);
  size_t free_space() const { return cap_ - end_ + begin_; }

 private:
  void make_room();

  std::unique_ptr<char[]> buf_;
  size_t cap_;
  size_t max_line_;
  uint64_t base_ = 0;     // stream offset of buf_[0]
  size_t begin_ = 0;      // first unconsumed byte
  size_t end_ = 0;        // end of valid data
  size_t scanned_ = 0;    // bytes after begin_ known to hold no '\n'
  bool in_line_ = false;  // the last delivered piece did not end its line
};

// Reads a gzip file (every member of a multi-member file) through zlib's gzread.
class GzipInput {
 public:
  GzipInput() = default;
  ~GzipInput();
  GzipInput(const GzipInput&) = delete;
  GzipInput& operator=(const GzipInput&) = delete;

  // Takes ownership of `fd`. False (fd closed) when zlib cannot set up the stream.
  bool open(int fd);
  // Like read(2): bytes, 0 at the end, -1 on a corrupt or truncated stream (see error()).
  long read(char* dst, size_t n);
  std::string error() const;
  // Back to the first byte of the uncompressed stream.
  bool rewind();
  void close();

 private:
  gzFile gz_ = nullptr;
};

}  // namespace kj::file
