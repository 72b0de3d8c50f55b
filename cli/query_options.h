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
  // Log files merged with the journal (the klog component logs and static pods' CRI logs).
  bool journal = true;                // --no-journal clears
  bool files = true;                  // --no-files clears
  bool journal_source_given = false;  // -D/--file/--namespace: the journal must be readable
  std::string log_dir = "/var/log";
  std::vector<std::string> file_globs;  // --file-glob
  std::string timezone;                 // zone of klog header times in files; empty: TZ
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
