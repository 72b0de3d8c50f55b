// The `kjournal` query command line, parsed once into typed options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/record_formatter.h"
#include "collectors/journal/journal_handle.h"
#include "core/severity.h"

namespace kj::cli {

struct QueryOptions {
  journal::JournalSource source;
  std::vector<std::string> units;
  std::vector<std::string> components;
  bool all = false;
  std::optional<int64_t> since_us, until_us;
  std::optional<uint64_t> lines;
  bool reverse = false;
  bool follow = false;
  std::optional<SyslogRange> priority;
  std::optional<std::string> grep;
  std::optional<bool> case_sensitive;
  FormatOptions format;
  std::optional<std::string> after_cursor;
  std::optional<std::string> cursor_file;
  bool show_version = false;
  bool raw_messages = false;
};

// Thrown for a command line that cannot be run; what() is the one-line reason.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses argv (argv[0] included). Returns nullopt when --help was printed to `help_out`.
// Throws UsageError. `now_us` anchors relative --since/--until.
std::optional<QueryOptions> parse_query_options(int argc, const char* const* argv, int64_t now_us,
                                                std::string* help_out);

}  // namespace kj::cli
