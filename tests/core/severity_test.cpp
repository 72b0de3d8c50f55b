#include "core/severity.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kj {
namespace {

// Expected values restated by hand from FORMATS.md §6.2 and the task's table, not derived
// from the implementation's table.
struct Row {
  Severity severity;
  std::string_view name;
  std::optional<int> syslog;
  int otel_number;
  std::string_view otel_text;
  std::string_view ecs;
  std::string_view loki;
  std::string_view short_tag;
};

const std::vector<Row>& expected_rows() {
  static const std::vector<Row> rows = {
      {Severity::unknown, "unknown", std::nullopt, 0, "UNSPECIFIED", "unknown", "unknown", "-"},
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
  };
  return rows;
}

TEST(SeverityTable, EveryLevelMapsToEveryScale) {
  ASSERT_EQ(expected_rows().size(), static_cast<size_t>(Severity::panic) + 1);
  for (const Row& r : expected_rows()) {
    SCOPED_TRACE(std::string(r.name) + "/" + std::string(r.ecs));
    EXPECT_EQ(severity_name(r.severity), r.name);
    EXPECT_EQ(severity_syslog(r.severity), r.syslog);
    EXPECT_EQ(severity_otel_number(r.severity), r.otel_number);
    EXPECT_EQ(severity_otel_text(r.severity), r.otel_text);
    EXPECT_EQ(severity_ecs(r.severity), r.ecs);
    EXPECT_EQ(severity_loki(r.severity), r.loki);
    EXPECT_EQ(severity_short(r.severity), r.short_tag);
  }
}

TEST(SeverityTable, OrderingIsLeastToMostSevere) {
  EXPECT_LT(Severity::unknown, Severity::trace);
  EXPECT_LT(Severity::trace, Severity::debug);
  EXPECT_LT(Severity::info, Severity::notice);
  EXPECT_LT(Severity::warning, Severity::error);
  EXPECT_LT(Severity::error, Severity::critical);
  EXPECT_LT(Severity::emergency, Severity::fatal);
  EXPECT_LT(Severity::fatal, Severity::panic);
}

TEST(SeverityTable, OutOfRangeEnumValueReadsAsUnknown) {
  const auto garbage = static_cast<Severity>(200);
  EXPECT_EQ(severity_name(garbage), "unknown");
  EXPECT_EQ(severity_syslog(garbage), std::nullopt);
  EXPECT_EQ(severity_otel_number(garbage), 0);
  EXPECT_EQ(severity_short(garbage), "-");
}

// The §6.2 rows, each from its source value through to the scales it lists.
struct SourceRow {
  std::string_view label;
  Severity severity;
  std::string_view canonical;
  int otel_number;
  std::string_view otel_text;
  int syslog;
  std::string_view loki;
};

void expect_source_row(const SourceRow& r) {
  SCOPED_TRACE(std::string(r.label));
  EXPECT_EQ(severity_name(r.severity), r.canonical);
  EXPECT_EQ(severity_otel_number(r.severity), r.otel_number);
  EXPECT_EQ(severity_otel_text(r.severity), r.otel_text);
  EXPECT_EQ(severity_syslog(r.severity), r.syslog);
  EXPECT_EQ(severity_loki(r.severity), r.loki);
}

TEST(SeverityFromKlog, LettersFollowSpecTable) {
  const std::vector<std::pair<char, SourceRow>> rows = {
      {'I', {"klog I", Severity::info, "info", 9, "INFO", 6, "info"}},
      {'W', {"klog W", Severity::warning, "warning", 13, "WARN", 4, "warn"}},
      {'E', {"klog E", Severity::error, "error", 17, "ERROR", 3, "error"}},
      {'F', {"klog F", Severity::fatal, "fatal", 21, "FATAL", 2, "fatal"}},
  };
  for (const auto& [letter, row] : rows) {
    const auto s = severity_from_klog_letter(letter);
    ASSERT_TRUE(s.has_value()) << letter;
    EXPECT_EQ(*s, row.severity) << letter;
    expect_source_row(row);
  }
}

TEST(SeverityFromKlog, OtherLettersAreRejected) {
  for (char c : std::string_view("iwefXDVT0 \0", 11)) {
    EXPECT_EQ(severity_from_klog_letter(c), std::nullopt) << static_cast<int>(c);
  }
}

TEST(SeverityFromName, LogrusNamesFollowSpecTable) {
  const std::vector<SourceRow> rows = {
      {"trace", Severity::trace, "trace", 1, "TRACE", 7, "trace"},
      {"debug", Severity::debug, "debug", 5, "DEBUG", 7, "debug"},
      {"info", Severity::info, "info", 9, "INFO", 6, "info"},
      {"warning", Severity::warning, "warning", 13, "WARN", 4, "warn"},
      {"warn", Severity::warning, "warning", 13, "WARN", 4, "warn"},
      {"error", Severity::error, "error", 17, "ERROR", 3, "error"},
      {"fatal", Severity::fatal, "fatal", 21, "FATAL", 2, "fatal"},
      {"panic", Severity::panic, "panic", 24, "FATAL4", 1, "fatal"},
  };
  for (const SourceRow& r : rows) {
    EXPECT_EQ(severity_from_name(r.label), r.severity) << r.label;
    expect_source_row(r);
  }
}

TEST(SeverityFromName, SyslogZapAndCaseVariants) {
  EXPECT_EQ(severity_from_name("emerg"), Severity::emergency);
  EXPECT_EQ(severity_from_name("emergency"), Severity::emergency);
  EXPECT_EQ(severity_from_name("alert"), Severity::alert);
  EXPECT_EQ(severity_from_name("crit"), Severity::critical);
  EXPECT_EQ(severity_from_name("critical"), Severity::critical);
  EXPECT_EQ(severity_from_name("err"), Severity::error);
  EXPECT_EQ(severity_from_name("notice"), Severity::notice);
  EXPECT_EQ(severity_from_name("dpanic"), Severity::critical);
  EXPECT_EQ(severity_from_name("INFO"), Severity::info);
  EXPECT_EQ(severity_from_name("WARN"), Severity::warning);
  EXPECT_EQ(severity_from_name("Error"), Severity::error);
  EXPECT_EQ(severity_from_name("DPANIC"), Severity::critical);
}

TEST(SeverityFromName, UnknownNamesAreRejected) {
  for (std::string_view bad :
       {"", "inf", "warnings", "error ", " error", "e", "INFO+2", "6", "verbose", "information"}) {
    EXPECT_EQ(severity_from_name(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(severity_from_name(std::string_view("info\0", 5)), std::nullopt);
}

TEST(SeverityFromSyslog, JournaldPriorityRows) {
  const std::vector<std::pair<int, SourceRow>> rows = {
      {0, {"PRIORITY 0", Severity::emergency, "fatal", 21, "FATAL", 0, "fatal"}},
      {1, {"PRIORITY 1", Severity::alert, "error", 19, "ERROR3", 1, "error"}},
      {2, {"PRIORITY 2", Severity::critical, "error", 18, "ERROR2", 2, "error"}},
      {3, {"PRIORITY 3", Severity::error, "error", 17, "ERROR", 3, "error"}},
      {4, {"PRIORITY 4", Severity::warning, "warning", 13, "WARN", 4, "warn"}},
      {5, {"PRIORITY 5", Severity::notice, "info", 10, "INFO2", 5, "info"}},
      {6, {"PRIORITY 6", Severity::info, "info", 9, "INFO", 6, "info"}},
      {7, {"PRIORITY 7", Severity::debug, "debug", 5, "DEBUG", 7, "debug"}},
  };
  for (const auto& [priority, row] : rows) {
    EXPECT_EQ(severity_from_syslog(priority), row.severity) << priority;
    expect_source_row(row);
  }
}

TEST(SeverityFromSyslog, OutOfRangeIsUnknown) {
  for (int p : {-1, 8, 9, 255, -2147483647 - 1, 2147483647}) {
    EXPECT_EQ(severity_from_syslog(p), Severity::unknown) << p;
  }
}

TEST(SeverityFromKlogVerbosity, FollowsKubernetesConvention) {
  EXPECT_EQ(severity_from_klog_verbosity(0), Severity::info);
  EXPECT_EQ(severity_from_klog_verbosity(1), Severity::info);
  EXPECT_EQ(severity_from_klog_verbosity(2), Severity::info);
  EXPECT_EQ(severity_from_klog_verbosity(3), Severity::info);
  EXPECT_EQ(severity_from_klog_verbosity(4), Severity::debug);
  EXPECT_EQ(severity_from_klog_verbosity(5), Severity::trace);
  EXPECT_EQ(severity_from_klog_verbosity(10), Severity::trace);
  EXPECT_EQ(severity_from_klog_verbosity(-1), Severity::info);
}

TEST(SeverityFromOtelNumber, StaysInsideTheOtelRange) {
  EXPECT_EQ(severity_from_otel_number(0), Severity::unknown);
  EXPECT_EQ(severity_from_otel_number(-3), Severity::unknown);
  EXPECT_EQ(severity_from_otel_number(1), Severity::trace);
  EXPECT_EQ(severity_from_otel_number(4), Severity::trace);
  EXPECT_EQ(severity_from_otel_number(5), Severity::debug);
  EXPECT_EQ(severity_from_otel_number(8), Severity::debug);
  EXPECT_EQ(severity_from_otel_number(9), Severity::info);
  EXPECT_EQ(severity_from_otel_number(10), Severity::notice);
  EXPECT_EQ(severity_from_otel_number(12), Severity::notice);
  EXPECT_EQ(severity_from_otel_number(13), Severity::warning);
  EXPECT_EQ(severity_from_otel_number(16), Severity::warning);
  EXPECT_EQ(severity_from_otel_number(17), Severity::error);
  EXPECT_EQ(severity_from_otel_number(18), Severity::critical);
  EXPECT_EQ(severity_from_otel_number(19), Severity::alert);
  EXPECT_EQ(severity_from_otel_number(20), Severity::alert);
  EXPECT_EQ(severity_from_otel_number(21), Severity::fatal);
  EXPECT_EQ(severity_from_otel_number(23), Severity::fatal);
  EXPECT_EQ(severity_from_otel_number(24), Severity::panic);
  EXPECT_EQ(severity_from_otel_number(99), Severity::panic);
}

TEST(SeverityFromSlogLevel, NamedLevelsAndOffsets) {
  EXPECT_EQ(severity_from_slog_level("DEBUG"), Severity::debug);
  EXPECT_EQ(severity_from_slog_level("INFO"), Severity::info);
  EXPECT_EQ(severity_from_slog_level("WARN"), Severity::warning);
  EXPECT_EQ(severity_from_slog_level("ERROR"), Severity::error);
  EXPECT_EQ(severity_from_slog_level("warn"), Severity::warning);
  // level + 9 = OTel number, then the named level at or below it.
  EXPECT_EQ(severity_from_slog_level("DEBUG-4"), Severity::trace);   // -8 -> 1
  EXPECT_EQ(severity_from_slog_level("DEBUG-20"), Severity::trace);  // clamped
  EXPECT_EQ(severity_from_slog_level("DEBUG+2"), Severity::debug);   // -2 -> 7
  EXPECT_EQ(severity_from_slog_level("INFO+1"), Severity::notice);   // 1 -> 10
  EXPECT_EQ(severity_from_slog_level("INFO+2"), Severity::notice);   // 2 -> 11
  EXPECT_EQ(severity_from_slog_level("INFO+3"), Severity::notice);   // 3 -> 12, not WARN
  EXPECT_EQ(severity_from_slog_level("WARN+2"), Severity::warning);  // 6 -> 15
  EXPECT_EQ(severity_from_slog_level("ERROR+1"), Severity::critical);
  EXPECT_EQ(severity_from_slog_level("ERROR+2"), Severity::alert);
  EXPECT_EQ(severity_from_slog_level("ERROR+4"), Severity::fatal);  // 12 -> 21
  EXPECT_EQ(severity_from_slog_level("ERROR+7"), Severity::panic);  // 15 -> 24
  EXPECT_EQ(severity_from_slog_level("ERROR+100"), Severity::panic);
  EXPECT_EQ(severity_from_slog_level("WARN-4"), Severity::info);
}

TEST(SeverityFromSlogLevel, MalformedIsRejected) {
  for (std::string_view bad : {"", "+2", "INFO+", "INFO-", "INFO+x", "INFO+2+2", "INFO 2",
                               "INFO+1234", "WARNING+2", "NOTICE", "info++1", "TRACE"}) {
    EXPECT_EQ(severity_from_slog_level(bad), std::nullopt) << bad;
  }
}

struct RangeCase {
  std::string_view arg;
  int most;
  int least;
};

void expect_range(const RangeCase& c) {
  const auto r = parse_priority_range(c.arg);
  ASSERT_TRUE(r.has_value()) << c.arg;
  EXPECT_EQ(r->most_severe, c.most) << c.arg;
  EXPECT_EQ(r->least_severe, c.least) << c.arg;
}

TEST(SeverityPriorityRange, SingleNamesMeanThatLevelAndMoreSevere) {
  const std::vector<RangeCase> cases = {
      {"emerg", 0, 0},   {"alert", 0, 1},   {"crit", 0, 2},     {"err", 0, 3},
      {"warning", 0, 4}, {"notice", 0, 5},  {"info", 0, 6},     {"debug", 0, 7},
      {"error", 0, 3},   {"warn", 0, 4},    {"critical", 0, 2}, {"emergency", 0, 0},
      {"ERR", 0, 3},     {"Warning", 0, 4}, {"DEBUG", 0, 7},    {"eMeRg", 0, 0},
  };
  for (const auto& c : cases) expect_range(c);
}

TEST(SeverityPriorityRange, Digits) {
  for (int p = 0; p <= 7; ++p) {
    const std::string arg(1, static_cast<char>('0' + p));
    expect_range({arg, 0, p});
  }
  // journalctl parses numbers with strtol, so leading zeros are accepted there too.
  expect_range({"07", 0, 7});
  expect_range({"0003", 0, 3});
  expect_range({"00", 0, 0});
  expect_range({"00..03", 0, 3});
}

TEST(SeverityPriorityRange, RangesInEitherOrderAndOpenEnds) {
  const std::vector<RangeCase> cases = {
      {"err..warning", 3, 4}, {"warning..err", 3, 4},
      {"3..4", 3, 4},         {"4..3", 3, 4},
      {"emerg..debug", 0, 7}, {"debug..emerg", 0, 7},
      {"info..info", 6, 6},   {"..err", 0, 3},
      {"warning..", 4, 7},    {"..0", 0, 0},
      {"7..", 7, 7},          {"ERR..Warn", 3, 4},
      {"crit..5", 2, 5},      {"error..critical", 2, 3},
  };
  for (const auto& c : cases) expect_range(c);
}

TEST(SeverityPriorityRange, MalformedValuesAreRejected) {
  for (std::string_view bad : {"",
                               "..",
                               "...",
                               "8",
                               "-1",
                               "08",
                               "10",
                               "0x3",
                               "+3",
                               "3.0",
                               " err",
                               "err ",
                               "err,warning",
                               "err...warning",
                               "err..warning..",
                               "err..8",
                               "x..err",
                               "trace",
                               "fatal",
                               "panic",
                               "information",
                               "e",
                               "err-warning",
                               "err . . warning",
                               "info\n"}) {
    EXPECT_EQ(parse_priority_range(bad), std::nullopt) << '"' << bad << '"';
  }
  EXPECT_EQ(parse_priority_range(std::string_view("err\0", 4)), std::nullopt);
}

TEST(SeverityInRange, KnownLevelsUseTheirSyslogNumber) {
  const SyslogRange up_to_err{0, 3};
  EXPECT_TRUE(severity_in_range(Severity::emergency, up_to_err));
  EXPECT_TRUE(severity_in_range(Severity::fatal, up_to_err));  // syslog 2
  EXPECT_TRUE(severity_in_range(Severity::panic, up_to_err));  // syslog 1
  EXPECT_TRUE(severity_in_range(Severity::error, up_to_err));
  EXPECT_FALSE(severity_in_range(Severity::warning, up_to_err));
  EXPECT_FALSE(severity_in_range(Severity::trace, up_to_err));

  const SyslogRange warn_to_notice{4, 5};
  EXPECT_FALSE(severity_in_range(Severity::error, warn_to_notice));
  EXPECT_TRUE(severity_in_range(Severity::warning, warn_to_notice));
  EXPECT_TRUE(severity_in_range(Severity::notice, warn_to_notice));
  EXPECT_FALSE(severity_in_range(Severity::info, warn_to_notice));

  const SyslogRange debug_only{7, 7};
  EXPECT_TRUE(severity_in_range(Severity::trace, debug_only));
  EXPECT_TRUE(severity_in_range(Severity::debug, debug_only));
  EXPECT_FALSE(severity_in_range(Severity::info, debug_only));
}

TEST(SeverityInRange, UnknownPassesOnlyFiltersOpenAtDebug) {
  EXPECT_TRUE(severity_in_range(Severity::unknown, *parse_priority_range("debug")));
  EXPECT_TRUE(severity_in_range(Severity::unknown, *parse_priority_range("warning..")));
  EXPECT_FALSE(severity_in_range(Severity::unknown, *parse_priority_range("info")));
  EXPECT_FALSE(severity_in_range(Severity::unknown, *parse_priority_range("err")));
  EXPECT_FALSE(severity_in_range(Severity::unknown, *parse_priority_range("err..warning")));
}

}  // namespace
}  // namespace kj
