#include "cli/query_command.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include "cli/grep_filter.h"
#include "cli/output_sink.h"
#include "cli/record_formatter.h"
#include "collectors/journal/journal_reader.h"

namespace kj::cli {
namespace {

constexpr uint64_t kFollowPollUs = 200'000;  // how fast a follow loop notices Ctrl-C

bool is_schema_key(std::string_view f) {
  for (auto k : kJsonKeys)
    if (k == f) return true;
  return false;
}

std::optional<std::string> read_cursor_file(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (in && std::getline(in, line) && !line.empty()) return line;
  return std::nullopt;
}

// Replaces the cursor file atomically so an interrupted run never leaves half a cursor.
bool write_cursor_file(const std::string& path, const std::string& cursor) {
  const std::string tmp = path + ".tmp";
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const std::string line = cursor + "\n";
  const bool ok =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && fsync(fd) == 0;
  close(fd);
  return ok && rename(tmp.c_str(), path.c_str()) == 0;
}

bool termination_requested() {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM);
}

}  // namespace

int run_query(const QueryOptions& o) {
  journal::JournalQuery q;
  q.source = o.source;
  q.units = o.units;
  q.components = o.components;
  q.all = o.all;
  q.since_us = o.since_us;
  q.until_us = o.until_us;
  q.lines = o.lines;
  q.reverse = o.reverse;
  q.follow = o.follow;
  q.after_cursor = o.after_cursor;
  if (o.cursor_file && !q.after_cursor) q.after_cursor = read_cursor_file(*o.cursor_file);
  for (const auto& f : o.format.fields)
    if (!is_schema_key(f)) q.extra_fields.push_back(f);
  // The cursor costs a formatted string per entry; only JSON shows it.
  q.want_cursor = is_json(o.format.mode);
  q.parse_messages = !o.raw_messages;

  std::unique_ptr<GrepFilter> grep;
  try {
    if (o.grep) grep = std::make_unique<GrepFilter>(*o.grep, o.case_sensitive);
  } catch (const std::invalid_argument& e) {
    fprintf(stderr, "kjournal: %s\n", e.what());
    return 1;
  }
  journal::RecordFilter filter;
  if (o.priority || grep || !o.components.empty()) {
    filter = [&o, g = grep.get()](const Record& r) {
      if (o.priority && !severity_in_range(r.severity, *o.priority)) return false;
      if (!o.components.empty()) {
        bool found = false;
        for (const auto& c : o.components) found = found || c == r.component;
        if (!found) return false;
      }
      if (!g || g->matches(r.message)) return true;
      // Structured pairs left the message for the attributes; users still grep for them
      // (pod=default/web-1), so match the line as short output shows it too.
      if (r.attributes.empty()) return false;
      thread_local std::string line;
      line.assign(r.message);
      append_attributes_text(line, r);
      return g->matches(line);
    };
  }

  // In follow mode Ctrl-C/SIGTERM end the loop cleanly (flush, store the cursor) instead of
  // killing the process mid-write; the loop polls for them between waits.
  if (o.follow) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, nullptr);
  }

  OutputSink out;
  RecordFormatter fmt(o.format);
  Record rec;
  uint64_t shown = 0;
  int status = 0;
  std::optional<journal::JournalReader> reader;
  try {
    reader.emplace(std::move(q), std::move(filter));
    for (const auto& p : reader->inventory().problems)
      fprintf(stderr, "kjournal: warning: skipping %s: %s\n", p.path.c_str(), p.reason.c_str());
    for (;;) {
      while (!out.broken() && reader->next(rec)) {
        fmt.append(out.buffer(), rec);
        ++shown;
        out.maybe_flush();
      }
      out.flush();
      if (!o.follow || out.broken() || reader->finished() || termination_requested()) break;
      reader->wait(kFollowPollUs);
    }
  } catch (const journal::JournalError& e) {
    out.flush();
    fprintf(stderr, "kjournal: %s\n", e.what());
    status = 1;
  }
  if (status == 0 && shown == 0 && !o.follow && !is_json(o.format.mode) && !out.broken()) {
    out.buffer().append("-- No entries --\n");
    out.flush();
  }
  if (reader) {
    const auto& st = reader->stats();
    if (st.unreadable_fields)
      fprintf(stderr,
              "kjournal: warning: %llu entries had fields that could not be read (first: %s)\n",
              static_cast<unsigned long long>(st.unreadable_fields), st.first_field_error.c_str());
    if (o.cursor_file) {
      const std::string c = reader->last_cursor();
      if (!c.empty() && !write_cursor_file(*o.cursor_file, c)) {
        fprintf(stderr, "kjournal: cannot write cursor file %s: %s\n", o.cursor_file->c_str(),
                strerror(errno));
        status = 1;
      }
    }
  }
  return status;
}

}  // namespace kj::cli
