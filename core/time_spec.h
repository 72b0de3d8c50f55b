// Time specifications for --since/--until, with journalctl's grammar (systemd.time(7)) plus
// a bare duration ("1h", "90m", "2d") meaning "that long ago", as kubectl users type it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kj {

class TimeSpecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns µs since the epoch. `now_us` is the reference for relative specs; local dates and
// times are interpreted in the process's time zone (TZ / /etc/localtime) unless the spec
// names a zone ("UTC", "Z", "+02:00"). Throws TimeSpecError whose what() names the problem,
// e.g. `unknown unit "hourr"` or `"2026-13-01": month out of range`.
int64_t parse_time_spec(std::string_view spec, int64_t now_us);

}  // namespace kj
