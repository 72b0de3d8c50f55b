#include "core/severity.h"

#include <array>
#include <cstddef>
#include <utility>

namespace kj {
namespace {

// One row per Severity; every mapping in this file reads from here (FORMATS.md §6.2).
struct SeverityRow {
  Severity severity;
  std::string_view name;       // canonical JSON `severity`
  int8_t syslog;               // -1: none
  uint8_t otel_number;         // OTel SeverityNumber
  std::string_view otel_text;  // OTel short name for otel_number
  std::string_view ecs;
  std::string_view loki;
  std::string_view short_tag;
};

// Choices the spec leaves open, made here once:
// - fatal -> syslog 2 (crit), not 0: emerg means "system is unusable" and journald broadcasts
//   it to all terminals by default; a crashed daemon is not that.
// - panic -> OTel 24 (FATAL4) as the otellogrus bridge does, syslog 1 (alert).
// - critical/alert -> Loki "error": Loki's own OTLP path does the same for 18/19, and Grafana
//   colours "error" correctly; "critical" would only help Grafana's word list.
constexpr std::array<SeverityRow, 12> kRows = {{
    {Severity::unknown, "unknown", -1, 0, "UNSPECIFIED", "unknown", "unknown", "-"},
    {Severity::trace, "trace", 7, 1, "TRACE", "trace", "trace", "TRACE"},
    {Severity::debug, "debug", 7, 5, "DEBUG", "debug", "debug", "DEBUG"},
    {Severity::info, "info", 6, 9, "INFO", "info", "info", "INFO"},
    {Severity::notice, "info", 5, 10, "INFO2", "notice", "info", "NOTICE"},
    {Severity::warning, "warning", 4, 13, "WARN", "warning", "warn", "WARN"},
    {Severity::error, "error", 3, 17, "ERROR", "error", "error", "ERROR"},
    {Severity::critical, "error", 2, 18, "ERROR2", "critical", "error", "CRIT"},
    {Severity::alert, "error", 1, 19, "ERROR3", "alert", "error", "ALERT"},
    {Severity::emergency, "fatal", 0, 21, "FATAL", "emergency", "fatal", "EMERG"},
    {Severity::fatal, "fatal", 2, 21, "FATAL", "fatal", "fatal", "FATAL"},
    {Severity::panic, "panic", 1, 24, "FATAL4", "panic", "fatal", "PANIC"},
}};

constexpr bool rows_indexed_by_enum() {
  for (size_t i = 0; i < kRows.size(); ++i) {
    if (static_cast<size_t>(kRows[i].severity) != i) return false;
  }
  return static_cast<size_t>(Severity::panic) + 1 == kRows.size();
}
static_assert(rows_indexed_by_enum(), "kRows must list every Severity in enum order");

constexpr bool rows_ordered_by_otel_number() {
  for (size_t i = 1; i < kRows.size(); ++i) {
    if (kRows[i].otel_number < kRows[i - 1].otel_number) return false;
  }
  return true;
}
static_assert(rows_ordered_by_otel_number(), "severity_from_otel_number relies on this order");

constexpr const SeverityRow& row(Severity s) {
  const auto i = static_cast<size_t>(s);
  // A value cast from a corrupt byte must not index past the table.
  return i < kRows.size() ? kRows[i] : kRows[0];
}

// journald PRIORITY -> Severity; the round trip through kRows is checked below so the two
// directions cannot drift apart.
constexpr std::array<Severity, 8> kFromSyslog = {
    Severity::emergency, Severity::alert,  Severity::critical, Severity::error,
    Severity::warning,   Severity::notice, Severity::info,     Severity::debug,
};

constexpr bool syslog_round_trips() {
  for (size_t p = 0; p < kFromSyslog.size(); ++p) {
    if (row(kFromSyslog[p]).syslog != static_cast<int>(p)) return false;
  }
  return true;
}
static_assert(syslog_round_trips(), "kFromSyslog disagrees with kRows");

struct NameAlias {
  std::string_view name;  // lowercase
  Severity severity;
};

// logrus, zap, slog and syslog(3) spellings. dpanic is zap's development panic, which OTel's
// appendix B places at 18 (ERROR2), i.e. critical.
constexpr std::array<NameAlias, 17> kNames = {{
    {"trace", Severity::trace},
    {"debug", Severity::debug},
    {"info", Severity::info},
    {"notice", Severity::notice},
    {"warn", Severity::warning},
    {"warning", Severity::warning},
    {"error", Severity::error},
    {"err", Severity::error},
    {"crit", Severity::critical},
    {"critical", Severity::critical},
    {"dpanic", Severity::critical},
    {"alert", Severity::alert},
    {"emerg", Severity::emergency},
    {"emergency", Severity::emergency},
    {"fatal", Severity::fatal},
    {"panic", Severity::panic},
    {"informational", Severity::info},
}};

// What journalctl -p accepts by name, plus the long spellings people type anyway. Kept apart
// from kNames: "trace" or "fatal" are not journald priorities and journalctl rejects them.
struct PriorityAlias {
  std::string_view name;
  int priority;
};
constexpr std::array<PriorityAlias, 12> kPriorityNames = {{
    {"emerg", 0},
    {"emergency", 0},
    {"alert", 1},
    {"crit", 2},
    {"critical", 2},
    {"err", 3},
    {"error", 3},
    {"warning", 4},
    {"warn", 4},
    {"notice", 5},
    {"info", 6},
    {"debug", 7},
}};

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// `lower` must already be lowercase.
constexpr bool iequals(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (ascii_lower(s[i]) != lower[i]) return false;
  }
  return true;
}

std::optional<int> parse_priority(std::string_view s) {
  // journalctl reads numbers with strtol, so "07" is 7 too; leading zeros are the only part of
  // that leniency worth keeping (hex and leading blanks are accidents of strtol).
  while (s.size() > 1 && s[0] == '0') s.remove_prefix(1);
  if (s.size() == 1 && s[0] >= '0' && s[0] <= '7') return s[0] - '0';
  for (const auto& alias : kPriorityNames) {
    if (iequals(s, alias.name)) return alias.priority;
  }
  return std::nullopt;
}

}  // namespace

std::string_view severity_name(Severity s) {
  return row(s).name;
}

std::optional<int> severity_syslog(Severity s) {
  const int p = row(s).syslog;
  if (p < 0) return std::nullopt;
  return p;
}

int severity_otel_number(Severity s) {
  return row(s).otel_number;
}
std::string_view severity_otel_text(Severity s) {
  return row(s).otel_text;
}
std::string_view severity_ecs(Severity s) {
  return row(s).ecs;
}
std::string_view severity_loki(Severity s) {
  return row(s).loki;
}
std::string_view severity_short(Severity s) {
  return row(s).short_tag;
}

Severity severity_from_syslog(int priority) {
  if (priority < 0 || priority >= static_cast<int>(kFromSyslog.size())) return Severity::unknown;
  return kFromSyslog[static_cast<size_t>(priority)];
}

std::optional<Severity> severity_from_klog_letter(char c) {
  switch (c) {
    case 'I':
      return Severity::info;
    case 'W':
      return Severity::warning;
    case 'E':
      return Severity::error;
    case 'F':
      return Severity::fatal;
    default:
      return std::nullopt;
  }
}

std::optional<Severity> severity_from_name(std::string_view name) {
  for (const auto& alias : kNames) {
    if (iequals(name, alias.name)) return alias.severity;
  }
  return std::nullopt;
}

Severity severity_from_klog_verbosity(int v) {
  // Kubernetes convention (FORMATS.md §6.4): V1-V3 are production verbosities and must
  // survive an "info and above" filter; V4 is debug, V5+ trace.
  if (v <= 3) return Severity::info;
  if (v == 4) return Severity::debug;
  return Severity::trace;
}

Severity severity_from_otel_number(int n) {
  if (n <= 0) return Severity::unknown;
  if (n > 24) n = 24;
  // The last row at or below n (kRows is ordered by OTel number), so a value between two
  // named levels keeps its OTel range: INFO3 stays info-class and never rounds up into WARN.
  // For 21 that is fatal rather than emergency, the meaning a log library intends.
  Severity best = Severity::unknown;
  for (const auto& r : kRows) {
    if (r.otel_number > 0 && r.otel_number <= n) best = r.severity;
  }
  return best;
}

std::optional<Severity> severity_from_slog_level(std::string_view text) {
  // slog prints a level as the nearest named level at or below it plus a signed offset:
  // DEBUG=-4, INFO=0, WARN=4, ERROR=8, e.g. "INFO+2", "DEBUG-4", "ERROR+4".
  struct Base {
    std::string_view name;
    int level;
  };
  constexpr std::array<Base, 4> kBases = {{{"debug", -4}, {"info", 0}, {"warn", 4}, {"error", 8}}};
  size_t sign_at = text.find_first_of("+-");
  std::string_view base = text.substr(0, sign_at);
  int level = 0;
  bool found = false;
  for (const auto& b : kBases) {
    if (iequals(base, b.name)) {
      level = b.level;
      found = true;
      break;
    }
  }
  if (!found) return std::nullopt;
  if (sign_at != std::string_view::npos) {
    std::string_view digits = text.substr(sign_at + 1);
    // Three digits are far beyond any real custom level and keep the sum from overflowing.
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    int offset = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      offset = offset * 10 + (c - '0');
    }
    level += text[sign_at] == '-' ? -offset : offset;
  }
  // The OTel slog bridge's arithmetic: SeverityNumber = slog level + 9.
  const int otel = level + 9;
  return severity_from_otel_number(otel < 1 ? 1 : otel);
}

std::optional<SyslogRange> parse_priority_range(std::string_view arg) {
  const size_t dots = arg.find("..");
  if (dots == std::string_view::npos) {
    auto p = parse_priority(arg);
    if (!p) return std::nullopt;
    return SyslogRange{0, *p};
  }
  const std::string_view from_text = arg.substr(0, dots);
  const std::string_view to_text = arg.substr(dots + 2);
  // ".." alone names no level at all; reject it like any other empty argument.
  if (from_text.empty() && to_text.empty()) return std::nullopt;
  // An empty side is open-ended; which end it opens depends on the other side's position, so
  // "..err" means up to err from the severe end and "warning.." everything from warning down.
  std::optional<int> from = from_text.empty() ? std::optional<int>(0) : parse_priority(from_text);
  std::optional<int> to = to_text.empty() ? std::optional<int>(7) : parse_priority(to_text);
  if (!from || !to) return std::nullopt;
  // journalctl accepts the bounds in either order and normalizes them.
  if (*from > *to) std::swap(from, to);
  return SyslogRange{*from, *to};
}

bool severity_in_range(Severity s, SyslogRange r) {
  const auto p = severity_syslog(s);
  if (!p) return r.least_severe == 7;
  return *p >= r.most_severe && *p <= r.least_severe;
}

}  // namespace kj
