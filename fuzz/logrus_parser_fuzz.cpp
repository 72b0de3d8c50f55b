// libFuzzer target for parse_logrus (and detect_logrus_level, which shares its tokenizer).
// clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. fuzz/logrus_parser_fuzz.cpp \
//   core/logrus_parser.cpp core/logrus_level.cpp core/rfc3339.cpp core/severity.cpp \
//   core/time_format.cpp core/json_scanner.cpp core/utf8.cpp -o /tmp/logrus_fuzz
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/logrus_level.h"
#include "core/logrus_parser.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool same(const kj::ParsedLine& a, const kj::ParsedLine& b) {
  return a.format == b.format && a.severity == b.severity && a.level_raw == b.level_raw &&
         a.time_ns == b.time_ns && a.message == b.message && a.caller == b.caller &&
         a.fields == b.fields && !a.local_time && !b.local_time && a.thread_id == b.thread_id;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);

  kj::ParsedLine fresh;
  kj::LogrusDetails details;
  const bool ok = kj::parse_logrus(line, fresh, &details);

  // A reused output (the collector's way) gives exactly what a fresh one gives: nothing from
  // the previous line survives, whatever it was.
  static kj::ParsedLine reused;  // the fuzzer's own state, not the code under test's
  check(kj::parse_logrus(line, reused) == ok);
  check(same(fresh, reused));

  // The detector and the parser agree: what the detector calls logrus parses (with the same
  // level when the level text has no escapes to decode), and a strict parse is detected.
  std::string_view stripped = line;
  if (!stripped.empty() && stripped.back() == '\n') {
    stripped.remove_suffix(1);
    if (!stripped.empty() && stripped.back() == '\r') stripped.remove_suffix(1);
  }
  const auto detected = kj::detect_logrus_level(stripped);

  if (!ok) {
    check(!detected);
    check(fresh.format == kj::LineFormat::unknown && fresh.fields.empty() &&
          fresh.message.empty() && fresh.level_raw.empty() && !fresh.time_ns);
    return 0;
  }
  const bool json = details.layout == kj::LogrusLayout::json;
  check(fresh.format == (json ? kj::LineFormat::logrus_json : kj::LineFormat::logrus));
  check(!details.degraded || details.layout == kj::LogrusLayout::key_value);
  if (details.layout == kj::LogrusLayout::tty) {
    check(fresh.message.empty() || fresh.message.back() != ' ');
  }
  if (details.layout == kj::LogrusLayout::key_value && !details.degraded) {
    for (const auto& [key, value] : fresh.fields) {
      check(!key.empty() && key.find_first_of(" =\"") == std::string::npos);
    }
  }
  if (!json && !details.degraded) check(detected.has_value());
  if (detected) {
    check(!json);
    if (detected->raw.find('\\') == std::string_view::npos) {
      check(detected->severity == fresh.severity);
      check(detected->raw == fresh.level_raw);
    }
  }
  return 0;
}
