// Level detection for logrus / slog text lines as containerd, dockerd and CRI-O write them
// (`time="..." level=error msg="..."`), and the TTY form (`ERRO[0001] ...`).
#pragma once

#include <optional>
#include <string_view>

#include "core/severity.h"

namespace kj {

struct LogrusLevel {
  Severity severity = Severity::unknown;
  std::string_view raw;  // the level text as written ("error", "WARN", "ERRO")
};

// Finds `level=<name>` among the first keys of a logfmt-style line whose first key is `time`
// or `level` (quoted level values accepted), or a leading TTY tag. nullopt otherwise:
// a message that merely contains "level=error" somewhere in free text does not count.
// Level values are logrus/zap/syslog names (severity_from_name) or slog levels with offsets
// ("INFO+2", severity_from_slog_level). A logfmt line whose level value is none of these
// still yields a result, with Severity::unknown and the raw text, since it is a logrus line.
std::optional<LogrusLevel> detect_logrus_level(std::string_view line);

}  // namespace kj
