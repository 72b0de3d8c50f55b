// klog header times carry neither a year nor a zone (FORMATS.md §1.2): `I1231 23:59:59.123456`
// is the writer's local wall clock. Resolving them needs a reference instant (the file's mtime,
// or now when following) to pick the year and the writer's zone to reach UTC.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/parsed_line.h"
#include "core/time_spec.h"

namespace kj {

// Not thread-safe (it caches the last hour and year it converted, which is what makes one
// conversion per record cheap): use one resolver per reading thread. Copies share the zone
// data read from disk.
class KlogTimeResolver {
 public:
  // `zone`: an IANA name ("Europe/Berlin", "UTC"), or empty for the process's zone (TZ,
  // /etc/localtime). Throws std::invalid_argument naming the zone when it cannot be loaded.
  explicit KlogTimeResolver(std::string_view zone = {});

  // ns since the epoch (UTC) of `stamp`. A stamp without a year (year == 0) takes the year
  // of `reference_ns` in the zone, or the year before when that would put it more than one
  // day after the reference: a line written Dec 31 and read on Jan 1 belongs to the old year.
  // Out-of-range fields (Feb 30) roll over like mktime() would, never fail.
  int64_t resolve(const LocalStamp& stamp, int64_t reference_ns);

  // Wall-clock seconds in the zone (days since 1970-01-01 * 86400 + time of day) to UTC
  // seconds. A wall time that occurs twice (DST ends) reads as the earlier instant; one that
  // does not exist (DST starts) is read with the offset from before the jump.
  int64_t wall_to_utc(int64_t wall_seconds);
  // Seconds east of UTC in force at `utc_seconds`.
  int32_t offset_at(int64_t utc_seconds) const;

  const std::string& zone() const { return zone_; }

 private:
  int64_t wall_to_utc_uncached(int64_t wall_seconds) const;
  int local_year(int64_t utc_seconds);

  std::string zone_;
  std::shared_ptr<const ZoneRules> rules_;  // nullptr: the process's zone via localtime_r
  // The offset of the last wall-clock hour converted, when it is the same for the whole hour
  // (log lines arrive in time order, so nearly every conversion hits it).
  int64_t cached_hour_ = INT64_MIN;
  int32_t cached_offset_ = 0;
  // UTC range [year_begin_, year_end_) of the last reference year computed.
  int64_t year_begin_ = 1, year_end_ = 0;
  int cached_year_ = 0;
  // The last calendar date converted to days since the epoch.
  int date_year_ = 0, date_month_ = 0, date_day_ = 0;
  int64_t date_days_ = 0;
};

}  // namespace kj
