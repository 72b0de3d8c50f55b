#include "core/klog_time.h"

#include <ctime>
#include <optional>
#include <stdexcept>

#include "core/time_format.h"

namespace kj {
namespace {

constexpr int64_t kSecPerDay = 86'400;
constexpr int64_t kNsPerSec = 1'000'000'000;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

KlogTimeResolver::KlogTimeResolver(std::string_view zone) : zone_(zone) {
  if (zone_.empty()) return;
  rules_ = ZoneRules::load(zone_);
  if (!rules_) throw std::invalid_argument("unknown time zone \"" + zone_ + "\"");
}

int32_t KlogTimeResolver::offset_at(int64_t utc_seconds) const {
  if (rules_) return rules_->offset_at(utc_seconds);
  // glibc's localtime_r() serializes on its own lock and never re-reads $TZ behind our back
  // in a way that could race: the process zone is fixed for the process's lifetime.
  const auto tt = static_cast<time_t>(utc_seconds);
  struct tm tm {};
  if (localtime_r(&tt, &tm) == nullptr) return 0;
  return static_cast<int32_t>(tm.tm_gmtoff);
}

int64_t KlogTimeResolver::wall_to_utc_uncached(int64_t wall) const {
  // Every offset in force within a day either side is a candidate; a reading is valid when the
  // zone really has that offset at the resulting instant. Real zones never switch twice a day.
  std::optional<int64_t> best;
  for (const int64_t probe : {wall - kSecPerDay, wall, wall + kSecPerDay}) {
    const int32_t off = offset_at(probe);
    const int64_t t = wall - off;
    if (offset_at(t) == off && (!best || t < *best)) best = t;
  }
  if (best) return *best;
  return wall - offset_at(wall - kSecPerDay);
}

int64_t KlogTimeResolver::wall_to_utc(int64_t wall) {
  const int64_t hour = floor_div(wall, 3600);
  if (hour == cached_hour_) return wall - cached_offset_;
  const int64_t t = wall_to_utc_uncached(wall);
  // Cache only when both ends of the hour read with the same offset; an hour that contains a
  // switch (or a gap) is converted exactly every time.
  const int64_t first = hour * 3600;
  const int64_t last = first + 3599;
  const int64_t off_first = first - wall_to_utc_uncached(first);
  const int64_t off_last = last - wall_to_utc_uncached(last);
  if (off_first == off_last && off_first == wall - t) {
    cached_hour_ = hour;
    cached_offset_ = static_cast<int32_t>(off_first);
  }
  return t;
}

int KlogTimeResolver::local_year(int64_t utc_seconds) {
  if (utc_seconds >= year_begin_ && utc_seconds < year_end_) return cached_year_;
  const int year = civil_from_unix_seconds(utc_seconds + offset_at(utc_seconds)).year;
  year_begin_ = wall_to_utc_uncached(days_from_civil(year, 1, 1) * kSecPerDay);
  year_end_ = wall_to_utc_uncached(days_from_civil(year + 1, 1, 1) * kSecPerDay);
  cached_year_ = year;
  return year;
}

int64_t KlogTimeResolver::resolve(const LocalStamp& s, int64_t reference_ns) {
  const int64_t time_of_day = int64_t{s.hour} * 3600 + int64_t{s.minute} * 60 + s.second;
  auto at_year = [&](int year) {
    if (year != date_year_ || s.month != date_month_ || s.day != date_day_) {
      date_days_ = days_from_civil(year, s.month, s.day);
      date_year_ = year;
      date_month_ = s.month;
      date_day_ = s.day;
    }
    const int64_t wall = date_days_ * kSecPerDay + time_of_day;
    return wall_to_utc(wall) * kNsPerSec + s.nanos;
  };
  if (s.year != 0) return at_year(s.year);
  const int year = local_year(floor_div(reference_ns, kNsPerSec));
  const int64_t t = at_year(year);
  if (t > reference_ns + kSecPerDay * kNsPerSec) return at_year(year - 1);
  return t;
}

}  // namespace kj
