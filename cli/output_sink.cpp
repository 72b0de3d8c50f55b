#include "cli/output_sink.h"

#include <unistd.h>

#include <cerrno>

namespace kj::cli {

bool OutputSink::flush() {
  size_t off = 0;
  while (!broken_ && off < buf_.size()) {
    const ssize_t n = ::write(fd_, buf_.data() + off, buf_.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      broken_ = true;
      break;
    }
    off += static_cast<size_t>(n);
  }
  buf_.clear();
  return !broken_;
}

}  // namespace kj::cli
