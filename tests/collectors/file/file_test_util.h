// Helpers for the file collector tests: real files in temporary directories.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kjt {

inline void write_file(const std::filesystem::path& p, std::string_view content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

inline void append_file(const std::filesystem::path& p, std::string_view content) {
  std::ofstream out(p, std::ios::binary | std::ios::app);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot append to " + p.string());
}

// Compressed with zlib, as logrotate/the kubelet would have left it.
inline void write_gzip(const std::filesystem::path& p, std::string_view content) {
  gzFile gz = gzopen(p.c_str(), "wb");
  if (gz == nullptr) throw std::runtime_error("cannot create " + p.string());
  if (!content.empty() && gzwrite(gz, content.data(), static_cast<unsigned>(content.size())) <= 0) {
    gzclose(gz);
    throw std::runtime_error("gzwrite failed");
  }
  gzclose(gz);
}

inline void set_mtime(const std::filesystem::path& p, int64_t unix_seconds) {
  timespec times[2] = {{unix_seconds, 0}, {unix_seconds, 0}};
  if (utimensat(AT_FDCWD, p.c_str(), times, 0) != 0) throw std::runtime_error("utimensat");
}

// `I1127 10:00:00.000000       1 main.go:10] <msg>\n` for a date and time of day.
inline std::string klog_line(char sev, int month, int day, int hour, int minute, int second,
                             std::string_view msg, int micros = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%c%02d%02d %02d:%02d:%02d.%06d       1 main.go:10] ", sev, month,
                day, hour, minute, second, micros);
  return std::string(buf) + std::string(msg) + "\n";
}

inline int open_fd_count() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

}  // namespace kjt
