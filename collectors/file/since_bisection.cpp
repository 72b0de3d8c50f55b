#include "collectors/file/since_bisection.h"

#include <optional>
#include <string>
#include <string_view>

#include "collectors/file/file_identity.h"
#include "collectors/file/multiline_grouper.h"
#include "core/cri_parser.h"
#include "core/docker_json_parser.h"
#include "core/klog_json_parser.h"
#include "core/klog_parser.h"
#include "core/logrus_parser.h"

namespace kj::file {
namespace {

constexpr size_t kProbeBytes = 64 * 1024;

struct PlainFile {
  int fd;
  int64_t mtime_ns;
};

// The time of the first dated record that starts at or after `offset`, and where it starts.
std::optional<int64_t> record_time_at(const PlainFile& file, KlogTimeResolver& klog_time,
                                      ParsedLine& probe, uint64_t offset, uint64_t* record_offset) {
  const std::string chunk = read_at(file.fd, offset, kProbeBytes);
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
        if (parse_klog(line, probe) && probe.local_time) {
          t = klog_time.resolve(*probe.local_time, file.mtime_ns);
        }
        break;
      case LineFormat::klog_json:
        if (parse_klog_json(line, probe)) t = probe.time_ns;
        break;
      case LineFormat::logrus:
      case LineFormat::logrus_json:
        if (parse_logrus(line, probe)) t = probe.time_ns;
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

}  // namespace

uint64_t find_since_offset(int fd, uint64_t size, int64_t mtime_ns, KlogTimeResolver& klog_time,
                           int64_t since_ns) {
  const PlainFile file{fd, mtime_ns};
  // Invariant: everything before `lo` is older than since_ns (records are in time order up to
  // a small disorder, which the slack the caller subtracted covers).
  ParsedLine probe;
  uint64_t lo = 0, hi = size;
  while (hi - lo > kProbeBytes) {
    const uint64_t mid = lo + (hi - lo) / 2;
    uint64_t at = 0;
    const auto t = record_time_at(file, klog_time, probe, mid, &at);
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

}  // namespace kj::file
