#include "agent/agent_log.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <utility>

#include "core/time_format.h"

namespace kj::agent {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_unicode_escape(std::string& out, unsigned char c) {
  out += "\\u00";
  out += kHex[c >> 4];
  out += kHex[c & 0xf];
}

// Control characters as escapes; everything else (UTF-8 included) as is.
void append_escaped_controls(std::string& out, std::string_view text) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      append_unicode_escape(out, c);
    } else {
      out += ch;
    }
  }
}

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f || c == '=' || c == '"' || c == '\\') return true;
  }
  return false;
}

// logfmt value: bare when it has no blank, '=', quote, backslash or control character;
// otherwise double-quoted with \" and \\ escaped (go-logfmt's rules).
void append_logfmt_value(std::string& out, std::string_view value) {
  if (!needs_quotes(value)) {
    out += value;
    return;
  }
  out += '"';
  for (char ch : value) {
    if (ch == '"') {
      out += "\\\"";
    } else if (ch == '\\') {
      out += "\\\\";
    } else {
      append_escaped_controls(out, std::string_view(&ch, 1));
    }
  }
  out += '"';
}

// Keys are written bare; characters a logfmt key cannot hold become '_'.
void append_logfmt_key(std::string& out, std::string_view key) {
  if (key.empty()) {
    out += '_';
    return;
  }
  for (char ch : key) {
    const auto c = static_cast<unsigned char>(ch);
    out += (c <= 0x20 || c == 0x7f || c == '=' || c == '"') ? '_' : ch;
  }
}

bool parse_u64(std::string_view text, uint64_t& value) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warning:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "debug") return LogLevel::debug;
  if (lower == "info") return LogLevel::info;
  if (lower == "warn" || lower == "warning") return LogLevel::warning;
  if (lower == "error") return LogLevel::error;
  return std::nullopt;
}

int log_level_syslog_priority(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return 7;
    case LogLevel::info:
      return 6;
    case LogLevel::warning:
      return 4;
    case LogLevel::error:
      return 3;
  }
  return 6;
}

bool fd_is_journal_stream(int fd, const char* journal_stream) {
  if (journal_stream == nullptr) return false;
  // "<st_dev>:<st_ino>" in decimal, of the stream systemd connected to the service.
  const std::string_view text(journal_stream);
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  uint64_t dev = 0;
  uint64_t ino = 0;
  if (!parse_u64(text.substr(0, colon), dev) || !parse_u64(text.substr(colon + 1), ino)) {
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return static_cast<uint64_t>(st.st_dev) == dev && static_cast<uint64_t>(st.st_ino) == ino;
}

Logger::Logger(LoggerOptions options)
    : fd_(options.fd),
      journal_(options.format == LoggerOptions::Format::journal ||
               (options.format == LoggerOptions::Format::automatic &&
                fd_is_journal_stream(options.fd, std::getenv("JOURNAL_STREAM")))),
      min_level_(options.min_level),
      now_(options.now ? std::move(options.now) : [] { return std::chrono::system_clock::now(); }) {
}

std::string Logger::format(LogLevel level, std::string_view message,
                           std::initializer_list<LogField> fields) const {
  std::string line;
  line.reserve(64 + message.size());
  if (journal_) {
    line += '<';
    line += static_cast<char>('0' + log_level_syslog_priority(level));
    line += '>';
    append_escaped_controls(line, message);
  } else {
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(now_().time_since_epoch()).count();
    append_rfc3339_utc_us(line, us);
    line += " level=";
    line += log_level_name(level);
    line += " msg=";
    append_logfmt_value(line, message);
  }
  for (const LogField& field : fields) {
    line += ' ';
    append_logfmt_key(line, field.key);
    line += '=';
    append_logfmt_value(line, field.value);
  }
  line += '\n';
  return line;
}

void Logger::log(LogLevel level, std::string_view message,
                 std::initializer_list<LogField> fields) const {
  if (!enabled(level)) return;
  const std::string line = format(level, message, fields);
  std::lock_guard lock(write_mutex_);
  // A log line has nowhere to report its own failure; give up on errors other than EINTR.
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return;
    }
  }
}

std::function<void(std::string_view)> Logger::sink(LogLevel level, std::string context_key,
                                                   std::string context_value) const {
  return [this, level, key = std::move(context_key),
          value = std::move(context_value)](std::string_view message) {
    if (key.empty()) {
      log(level, message);
    } else {
      log(level, message, {{key, value}});
    }
  };
}

}  // namespace kj::agent
