#include "exporters/exporter_log.h"

#include <unistd.h>

#include <cerrno>
#include <string>

namespace kj::exporters {

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warning:
      return "warning";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

void log_to_stderr(LogLevel level, std::string_view message) {
  std::string line;
  line.reserve(message.size() + 16);
  line.append(log_level_name(level));
  line.append(": ");
  line.append(message);
  line.push_back('\n');
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere left to report to
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace kj::exporters
