// The rotated predecessors of a live log file, so a query still finds what was written before
// the last rotations: logrotate's `x.log.1`, `x.log.2.gz`, dateext `x.log-20261127[.gz]`, and
// the kubelet's container-log rotation `0.log.20261127-101010[.gz]` (FORMATS.md §5.4).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kj::file {

struct RotatedFile {
  std::filesystem::path path;
  bool gzip = false;
};

// What a file name says about rotation, relative to a live file named `live_name`.
struct RotationSuffix {
  enum class Kind { numbered, dated };
  Kind kind = Kind::numbered;
  uint64_t number = 0;  // numbered: 1 is the newest
  std::string date;     // dated: the date text, which sorts chronologically within one scheme
  bool gzip = false;
};
std::optional<RotationSuffix> parse_rotation_suffix(std::string_view live_name,
                                                    std::string_view name);

// True for names that are rotated copies or rotation leftovers of some log file (`*.gz`,
// `*.tmp`, `*.log.1`, `*.log-20261127`, `*.log.20261127-101010`): follow mode tails live files
// only, and reading these too would deliver their lines twice.
bool is_rotated_name(std::string_view name);

// Rotated siblings of `live` in its directory, oldest first; `live` itself is not included.
// Numbered files order by number (higher is older), dated ones by date; when a directory holds
// both schemes, the two sequences are merged by modification time. A file that exists both
// plain and compressed (the kubelet compresses to `.gz` and then removes the original) is
// listed once, plain. `.tmp` files are ignored. Unreadable directory: empty list.
std::vector<RotatedFile> rotated_siblings(const std::filesystem::path& live);

}  // namespace kj::file
