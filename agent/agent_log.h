// The agent's own log: one line per event on stderr, with a level.
//
// Two line formats, chosen once when the Logger is made:
//  - stderr is connected to journald (systemd sets JOURNAL_STREAM=<dev>:<ino> to the stream
//    it gave the service; sd-daemon(3)): the line starts with the sd-daemon priority prefix
//    "<N>" so journald stores the level as PRIORITY, and carries no time stamp (the journal
//    has its own):
//      <4>delivery failed exporter=central error="HTTP 503"
//  - anything else (a terminal, kubectl logs, a file): logfmt, so the same line is readable
//    and machine-parseable:
//      2026-11-28T10:00:00.123456Z level=warn msg="delivery failed" exporter=central error="HTTP
//      503"
// Every event is one line: line feeds and other control characters in messages and values
// are escaped, so a backend's multi-line error body cannot split or forge entries.
//
// The Logger is an object the agent owns and passes to what needs it; it is thread-safe and
// each line is written with one write(2) under a mutex, so lines from threads never mix.
#pragma once

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace kj::agent {

enum class LogLevel : uint8_t { debug, info, warning, error };

// debug, info, warn, error (the names the text format writes).
std::string_view log_level_name(LogLevel level);
// debug, info, warn, warning, error; case-insensitive. nullopt for anything else.
std::optional<LogLevel> parse_log_level(std::string_view text);
// The syslog priority journald stores: debug 7, info 6, warning 4, error 3.
int log_level_syslog_priority(LogLevel level);

// True when JOURNAL_STREAM (its value passed in; nullptr when unset) names the file `fd` is
// open on, i.e. what is written to fd lands in the journal.
bool fd_is_journal_stream(int fd, const char* journal_stream);

struct LogField {
  std::string_view key;
  std::string_view value;
};

struct LoggerOptions {
  int fd = STDERR_FILENO;  // not owned
  LogLevel min_level = LogLevel::info;
  enum class Format { automatic, journal, text } format = Format::automatic;
  // The text format's time stamps; tests pin it.
  std::function<std::chrono::system_clock::time_point()> now;
};

class Logger {
 public:
  // Format::automatic looks at JOURNAL_STREAM and the fd now, once.
  explicit Logger(LoggerOptions options = {});
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void log(LogLevel level, std::string_view message,
           std::initializer_list<LogField> fields = {}) const;
  void debug(std::string_view message, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::debug, message, fields);
  }
  void info(std::string_view message, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::info, message, fields);
  }
  void warn(std::string_view message, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::warning, message, fields);
  }
  void error(std::string_view message, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::error, message, fields);
  }

  bool enabled(LogLevel level) const { return level >= min_level(); }
  LogLevel min_level() const { return min_level_.load(std::memory_order_relaxed); }
  // A config reload may change the level while other threads log.
  void set_min_level(LogLevel level) { min_level_.store(level, std::memory_order_relaxed); }
  bool writes_journal_prefixes() const { return journal_; }

  // The line this logger would write for the event, with its line feed.
  std::string format(LogLevel level, std::string_view message,
                     std::initializer_list<LogField> fields = {}) const;

  // A plain text sink for code that only knows how to report a string (an exporter's
  // warning callback): each call logs one event at `level`, with the field
  // `context_key=context_value` added when the key is not empty ("exporter=central"). The
  // Logger must outlive the function.
  std::function<void(std::string_view)> sink(LogLevel level, std::string context_key = {},
                                             std::string context_value = {}) const;

 private:
  int fd_;
  bool journal_;
  std::atomic<LogLevel> min_level_;
  std::function<std::chrono::system_clock::time_point()> now_;
  mutable std::mutex write_mutex_;
};

}  // namespace kj::agent
