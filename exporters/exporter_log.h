// How exporters report what the operator must see (a parked exporter, dropped batches).
// There is no logging library: an exporter takes a plain function, and the agent passes one
// that writes to stderr (journald captures it under systemd); tests pass one that records.
#pragma once

#include <functional>
#include <string_view>

namespace kj::exporters {

enum class LogLevel { debug, info, warning, error };

std::string_view log_level_name(LogLevel level);

using Logger = std::function<void(LogLevel level, std::string_view message)>;

// Writes "<level>: <message>\n" to stderr with one write(2), so lines from several
// threads never interleave.
void log_to_stderr(LogLevel level, std::string_view message);

}  // namespace kj::exporters
