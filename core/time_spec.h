// Time specifications for --since/--until, with journalctl's grammar (systemd.time(7)) plus
// a bare duration ("1h", "90m", "2d") meaning "that long ago", as kubectl users type it.
#pragma once

#include <cstdint>
#include <memory>
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

// One IANA time zone's UTC offsets, read from the zoneinfo database ($TZDIR or
// /usr/share/zoneinfo) once and then usable from any thread. Code that converts times of a zone
// other than the process's (klog headers written in a container's zone) needs this because
// swapping $TZ with setenv() races with localtime_r() in other threads.
class ZoneRules {
 public:
  // "Europe/Berlin", "UTC", ...; nullptr when the name is not a safe zone name or its file is
  // missing or unreadable.
  static std::shared_ptr<const ZoneRules> load(std::string_view name);
  ~ZoneRules();
  ZoneRules(const ZoneRules&) = delete;
  ZoneRules& operator=(const ZoneRules&) = delete;

  // Seconds east of UTC in force at `utc_seconds`.
  int32_t offset_at(int64_t utc_seconds) const;

 private:
  struct Data;
  explicit ZoneRules(std::unique_ptr<Data> data);
  std::unique_ptr<Data> data_;
};

}  // namespace kj
