#include "cli/query_command.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <memory>
#include <optional>

#include "cli/grep_filter.h"
#include "cli/output_sink.h"
#include "cli/record_formatter.h"
#include "cli/source_set.h"
#include "cli/timeline_merger.h"
#include "collectors/journal/journal_reader.h"

namespace kj::cli {
namespace {

constexpr uint64_t kFollowPollUs = 200'000;  // how fast a follow loop notices Ctrl-C

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
  std::optional<QueryOptions> with_cursor;
  const QueryOptions* opts = &o;
  if (o.cursor_file && !o.after_cursor) {
    with_cursor = o;
    with_cursor->after_cursor = read_cursor_file(*o.cursor_file);
    opts = &*with_cursor;
  }

  // Each thread that filters gets its own filter: a -g matcher keeps per-match state.
  RecordFilterFactory filters;
  if (o.priority || o.grep || !o.components.empty()) {
    filters = [&o]() -> journal::RecordFilter {
      std::shared_ptr<const GrepFilter> g;
      if (o.grep) g = std::make_shared<const GrepFilter>(*o.grep, o.case_sensitive);
      return [&o, g](const Record& r) {
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
    };
  }
  try {
    if (o.grep) GrepFilter check(*o.grep, o.case_sensitive);  // a bad pattern fails here
  } catch (const std::invalid_argument& e) {
    fprintf(stderr, "kjournal: %s\n", e.what());
    return 1;
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
  uint64_t shown = 0;
  int status = 0;
  SourceSet sources;
  try {
    sources = open_sources(*opts, filters, fmt);
  } catch (const journal::JournalError& e) {
    fprintf(stderr, "kjournal: %s\n", e.what());
    return 1;
  } catch (const std::invalid_argument& e) {  // e.g. an unknown --timezone
    fprintf(stderr, "kjournal: %s\n", e.what());
    return 1;
  }
  for (const auto& w : sources.warnings) fprintf(stderr, "kjournal: warning: %s\n", w.c_str());
  journal::JournalReader* journal = sources.journal;
  const std::vector<const file::FileQueryStats*> file_stats = sources.file_stats;
  // Files are read forward only, so with files in the merge -n and -r are applied to the
  // merged window here: a ring of the last N records, reversed at the end for -r.
  const bool files = wants_files(*opts);  // then the journal was opened forward, too
  const bool buffered = files && !o.follow && (o.lines || o.reverse);
  TimelineMerger merged(std::move(sources.sources), o.reverse && !files);
  try {
    if (buffered) {
      // Formatted entries: a few hundred bytes each, where a Record holds a dozen strings.
      std::deque<std::string> window;
      std::string entry;
      while (merged.next(entry)) {
        window.push_back(std::move(entry));
        entry.clear();
        if (o.lines && window.size() > *o.lines) {
          entry = std::move(window.front());  // reuses its buffer
          entry.clear();
          window.pop_front();
        }
      }
      if (o.reverse) std::reverse(window.begin(), window.end());
      for (const auto& e : window) {
        out.buffer().append(e);
        ++shown;
        out.maybe_flush();
        if (out.broken()) break;
      }
      out.flush();
    } else {
      for (;;) {
        while (!out.broken()) {
          const size_t n = merged.next_run(out.buffer(), OutputSink::kChunk);
          if (n == 0) break;
          shown += n;
          out.maybe_flush();
        }
        out.flush();
        if (!o.follow || out.broken() || merged.finished() || termination_requested()) break;
        merged.wait(kFollowPollUs);
      }
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
  // Records of a file that cannot be read to its end (a truncated .gz, an I/O error) are
  // missing from the output: say which file, after the records so the warning is not lost in
  // a pager's first screen. journalctl likewise warns and goes on.
  for (const auto* stats : file_stats)
    for (const auto& problem : stats->problems)
      fprintf(stderr, "kjournal: warning: could not read all of a log file: %s\n", problem.c_str());
  if (journal) {
    const auto& st = journal->stats();
    if (st.unreadable_fields)
      fprintf(stderr,
              "kjournal: warning: %llu entries had fields that could not be read (first: %s)\n",
              static_cast<unsigned long long>(st.unreadable_fields), st.first_field_error.c_str());
    if (o.cursor_file) {
      const std::string c = journal->last_cursor();
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
