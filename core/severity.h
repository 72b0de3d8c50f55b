// One severity scale for every source. The enum keeps syslog's eight levels plus the levels
// other formats add (trace, fatal, panic), so no distinction is lost; every target scale
// (canonical name, syslog number, OTel SeverityNumber/Text, ECS log.level, Loki level) is
// derived from it through one table in severity.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kj {

// Ordered from least to most severe, so `a < b` means "a is less severe than b".
enum class Severity : uint8_t {
  unknown = 0,  // the source carried no level (a missing PRIORITY is not "emerg")
  trace,
  debug,
  info,
  notice,
  warning,
  error,
  critical,
  alert,
  emergency,
  fatal,  // process-level fatal (klog F, logrus fatal)
  panic,  // logrus panic
};

// Canonical lowercase name used in kjournal's JSON `severity`: one of trace, debug, info,
// warning, error, fatal, panic (notice folds into info, critical/alert into error, emergency
// into fatal); "unknown" for Severity::unknown.
std::string_view severity_name(Severity s);
// syslog / journald PRIORITY number 0..7; nullopt for unknown.
std::optional<int> severity_syslog(Severity s);
// OpenTelemetry SeverityNumber (1..24, 0 = unspecified) and SeverityText.
int severity_otel_number(Severity s);
std::string_view severity_otel_text(Severity s);
// ECS `log.level`: the finer lowercase name (notice, critical, alert, emergency kept);
// "unknown" for Severity::unknown.
std::string_view severity_ecs(Severity s);
// Loki / Grafana `level` value: trace, debug, info, warn, error, fatal, unknown.
std::string_view severity_loki(Severity s);
// Four/five-letter upper-case tag for terminal output: TRACE DEBUG INFO NOTICE WARN ERROR
// CRIT ALERT EMERG FATAL PANIC, "-" for unknown.
std::string_view severity_short(Severity s);

// Source scales -> Severity.
Severity severity_from_syslog(int priority);                // 0..7, anything else: unknown
std::optional<Severity> severity_from_klog_letter(char c);  // I W E F
// logrus / slog / zap names, case-insensitive: trace, debug, info, warn, warning, error,
// fatal, panic, dpanic; also syslog names (emerg, alert, crit, err, notice).
std::optional<Severity> severity_from_name(std::string_view name);
// klog verbosity (component-base JSON "v"): 0-3 info, 4 debug, >=5 trace.
Severity severity_from_klog_verbosity(int v);
// OTel SeverityNumber -> the most severe level whose number is <= n (values between named
// levels stay in their OTel range: 11 INFO3 -> notice, 20 -> alert, 21 -> fatal); values
// above 24 count as 24, 0 and below are unknown.
Severity severity_from_otel_number(int n);
// slog level text, case-insensitive: DEBUG, INFO, WARN, ERROR, optionally with a signed
// offset as slog prints levels between named ones ("INFO+2", "DEBUG-4", "ERROR+4"). Mapped
// through the OTel slog bridge's arithmetic (SeverityNumber = level + 9, clamped to 1..24).
std::optional<Severity> severity_from_slog_level(std::string_view text);

// journalctl's -p argument: a name (emerg..debug) or number (0..7), or a range "FROM..TO"
// (either side may be empty). Returns the inclusive syslog range [most_severe, least_severe],
// e.g. "warning" -> {0,4}, "warning..err" -> {3,4}. nullopt on a malformed value.
struct SyslogRange {
  int most_severe = 0;   // numerically smallest
  int least_severe = 7;  // numerically largest
};
std::optional<SyslogRange> parse_priority_range(std::string_view arg);

// Whether a record of severity `s` passes a -p filter. Records with unknown severity pass
// only a filter that admits every level (least_severe == 7), so `-p debug` shows everything
// and `-p err` never shows entries whose level could not be determined.
bool severity_in_range(Severity s, SyslogRange r);

}  // namespace kj
