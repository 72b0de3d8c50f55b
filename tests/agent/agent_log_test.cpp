#include "agent/agent_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"

namespace kj::agent {
namespace {

// 2026-11-28T10:00:00.123456Z
std::chrono::system_clock::time_point fixed_time() {
  return std::chrono::system_clock::time_point(std::chrono::microseconds(1795860000123456));
}

// A file the logger writes to, read back whole.
class LogFile {
 public:
  LogFile() : dir_("kjt-log"), path_((dir_ / "stderr").string()) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  }
  ~LogFile() { ::close(fd_); }
  int fd() const { return fd_; }
  std::string text() const {
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string journal_stream() const {
    struct stat st {};
    ::fstat(fd_, &st);
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }

 private:
  kjt::TempDir dir_;
  std::string path_;
  int fd_ = -1;
};

LoggerOptions text_options(int fd, LogLevel min = LogLevel::info) {
  LoggerOptions o;
  o.fd = fd;
  o.min_level = min;
  o.format = LoggerOptions::Format::text;
  o.now = fixed_time;
  return o;
}

TEST(AgentLog, TextLinesAreLogfmt) {
  LogFile file;
  Logger log(text_options(file.fd()));
  log.info("agent started");
  log.warn("delivery failed", {{"exporter", "central"}, {"error", "HTTP 503"}});
  log.error("bad value",
            {{"path", "/etc/kjournal/agent.yaml"}, {"quoted", "say \"x\" \\ y"}, {"empty", ""}});
  EXPECT_EQ(file.text(),
            "2026-11-28T10:00:00.123456Z level=info msg=\"agent started\"\n"
            "2026-11-28T10:00:00.123456Z level=warn msg=\"delivery failed\" exporter=central "
            "error=\"HTTP 503\"\n"
            "2026-11-28T10:00:00.123456Z level=error msg=\"bad value\" "
            "path=/etc/kjournal/agent.yaml quoted=\"say \\\"x\\\" \\\\ y\" empty=\"\"\n");
}

TEST(AgentLog, OneEventIsOneLine) {
  LogFile file;
  Logger log(text_options(file.fd()));
  log.warn("backend said:\nline two\r\x01", {{"body", "a\nb"}, {"bad key", "v"}});
  EXPECT_EQ(file.text(),
            "2026-11-28T10:00:00.123456Z level=warn msg=\"backend said:\\nline two\\r\\u0001\" "
            "body=\"a\\nb\" bad_key=v\n");
}

TEST(AgentLog, JournalLinesCarryPriorityPrefixes) {
  LogFile file;
  LoggerOptions o = text_options(file.fd(), LogLevel::debug);
  o.format = LoggerOptions::Format::journal;
  Logger log(std::move(o));
  EXPECT_TRUE(log.writes_journal_prefixes());
  log.debug("tick");
  log.info("agent started", {{"version", "0.1.0"}});
  log.warn("delivery failed", {{"error", "HTTP 503"}});
  log.error("two\nlines");
  EXPECT_EQ(file.text(),
            "<7>tick\n"
            "<6>agent started version=0.1.0\n"
            "<4>delivery failed error=\"HTTP 503\"\n"
            "<3>two\\nlines\n");
}

TEST(AgentLog, MinimumLevelFilters) {
  LogFile file;
  Logger log(text_options(file.fd(), LogLevel::warning));
  EXPECT_FALSE(log.enabled(LogLevel::info));
  log.debug("no");
  log.info("no");
  log.warn("yes");
  log.set_min_level(LogLevel::debug);
  log.debug("now yes");
  EXPECT_EQ(file.text(),
            "2026-11-28T10:00:00.123456Z level=warn msg=yes\n"
            "2026-11-28T10:00:00.123456Z level=debug msg=\"now yes\"\n");
}

TEST(AgentLog, DetectsTheJournalStreamFromTheEnvironment) {
  LogFile file;
  const std::string mine = file.journal_stream();
  EXPECT_TRUE(fd_is_journal_stream(file.fd(), mine.c_str()));
  EXPECT_FALSE(fd_is_journal_stream(file.fd(), nullptr));
  EXPECT_FALSE(fd_is_journal_stream(file.fd(), "1:2"));
  EXPECT_FALSE(fd_is_journal_stream(file.fd(), "garbage"));
  EXPECT_FALSE(fd_is_journal_stream(file.fd(), (mine + "x").c_str()));
  EXPECT_FALSE(fd_is_journal_stream(file.fd(), ""));

  const char* old = std::getenv("JOURNAL_STREAM");
  const std::string saved = old ? old : "";
  ::setenv("JOURNAL_STREAM", mine.c_str(), 1);
  LoggerOptions o = text_options(file.fd());
  o.format = LoggerOptions::Format::automatic;
  Logger journal_log(std::move(o));
  ::setenv("JOURNAL_STREAM", "1:2", 1);
  LoggerOptions o2 = text_options(file.fd());
  o2.format = LoggerOptions::Format::automatic;
  Logger text_log(std::move(o2));
  if (old) {
    ::setenv("JOURNAL_STREAM", saved.c_str(), 1);
  } else {
    ::unsetenv("JOURNAL_STREAM");
  }
  EXPECT_TRUE(journal_log.writes_journal_prefixes());
  EXPECT_FALSE(text_log.writes_journal_prefixes());
  journal_log.warn("to the journal");
  text_log.warn("to a file");
  EXPECT_EQ(file.text(),
            "<4>to the journal\n"
            "2026-11-28T10:00:00.123456Z level=warn msg=\"to a file\"\n");
}

TEST(AgentLog, SinkAdapter) {
  LogFile file;
  Logger log(text_options(file.fd()));
  auto warn = log.sink(LogLevel::warning, "exporter", "loki");
  auto debug = log.sink(LogLevel::debug);
  warn("retrying in 2s");
  debug("filtered out");
  EXPECT_EQ(file.text(),
            "2026-11-28T10:00:00.123456Z level=warn msg=\"retrying in 2s\" exporter=loki\n");
}

TEST(AgentLog, LevelsParseAndMap) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("INFO"), LogLevel::info);
  EXPECT_EQ(parse_log_level("warn"), LogLevel::warning);
  EXPECT_EQ(parse_log_level("Warning"), LogLevel::warning);
  EXPECT_EQ(parse_log_level("error"), LogLevel::error);
  EXPECT_EQ(parse_log_level("verbose"), std::nullopt);
  EXPECT_EQ(log_level_name(LogLevel::warning), "warn");
  EXPECT_EQ(log_level_syslog_priority(LogLevel::debug), 7);
  EXPECT_EQ(log_level_syslog_priority(LogLevel::info), 6);
  EXPECT_EQ(log_level_syslog_priority(LogLevel::warning), 4);
  EXPECT_EQ(log_level_syslog_priority(LogLevel::error), 3);
}

TEST(AgentLog, LinesFromThreadsDoNotMix) {
  LogFile file;
  Logger log(text_options(file.fd()));
  const std::string long_value(3000, 'x');
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i)
        log.info("event", {{"thread", std::to_string(t)}, {"v", long_value}});
    });
  }
  for (auto& t : threads) t.join();
  std::istringstream lines(file.text());
  std::string line;
  int count = 0;
  const std::string tail = " v=" + long_value;
  while (std::getline(lines, line)) {
    ++count;
    ASSERT_TRUE(line.starts_with("2026-11-28T10:00:00.123456Z level=info msg=event thread="))
        << line.substr(0, 100);
    ASSERT_TRUE(line.ends_with(tail)) << line.substr(0, 100);
  }
  EXPECT_EQ(count, 800);
}

}  // namespace
}  // namespace kj::agent
