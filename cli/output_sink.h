// Buffered writer for stdout. Records are appended to one reusable buffer and written in
// large chunks; a closed pipe (`kjournal ... | head`) ends output quietly instead of
// killing the process with SIGPIPE.
#pragma once

#include <string>

namespace kj::cli {

class OutputSink {
 public:
  // The buffer is written out once it holds this much.
  static constexpr size_t kChunk = 1 << 16;

  explicit OutputSink(int fd = 1) : fd_(fd) { buf_.reserve(kChunk * 2); }
  ~OutputSink() { flush(); }
  std::string& buffer() { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= kChunk) flush();
  }
  // Returns false once the reader went away (EPIPE) or another write error occurred.
  bool flush();
  bool broken() const { return broken_; }

 private:
  int fd_;
  bool broken_ = false;
  std::string buf_;
};

}  // namespace kj::cli
