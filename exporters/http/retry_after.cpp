#include "exporters/http/retry_after.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/String.h>

#include <charconv>
#include <ctime>
#include <string>

namespace kj::exporters {

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           int64_t now_unix_seconds) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    uint64_t seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    // An absurd delta (overflow) is treated as "a very long time", capped by the caller.
    if (ec == std::errc::result_out_of_range || seconds > 100ULL * 365 * 86400)
      seconds = 100ULL * 365 * 86400;
    else if (ec != std::errc() || end != value.data() + value.size())
      return std::nullopt;
    return std::chrono::milliseconds(static_cast<int64_t>(seconds) * 1000);
  }
  // IMF-fixdate is what servers must send; the obsolete RFC 850 and asctime forms may be
  // received too (RFC 9110 section 5.6.7).
  static const std::string kFormats[] = {Poco::DateTimeFormat::HTTP_FORMAT,
                                         Poco::DateTimeFormat::RFC850_FORMAT,
                                         Poco::DateTimeFormat::ASCTIME_FORMAT};
  const std::string text(value);
  for (const auto& format : kFormats) {
    Poco::DateTime when;
    int tzd = 0;
    // Poco's parser is lenient (it accepts "soon"); a real HTTP-date, always GMT, formats
    // back to itself.
    if (!Poco::DateTimeParser::tryParse(format, text, when, tzd) || tzd != 0 ||
        Poco::DateTimeFormatter::format(when, format) != text)
      continue;
    const int64_t at = when.timestamp().epochTime();
    const int64_t delta = at - now_unix_seconds;
    return std::chrono::milliseconds(delta > 0 ? delta * 1000 : 0);
  }
  return std::nullopt;
}

std::chrono::milliseconds retry_after_of(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (Poco::icompare(name, "Retry-After") != 0) continue;
    auto delay = parse_retry_after(value, static_cast<int64_t>(std::time(nullptr)));
    return delay ? *delay : std::chrono::milliseconds(0);
  }
  return std::chrono::milliseconds(0);
}

}  // namespace kj::exporters
