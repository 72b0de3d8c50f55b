// One time-ordered stream from several sources (the journal, each log file): a k-way merge
// that holds one entry per source, so memory does not grow with the window. In follow mode
// a source with nothing new does not hold the others back; order is then best effort.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/entry_source.h"

namespace kj::cli {

class TimelineMerger {
 public:
  // reverse: sources deliver newest first and the merge keeps that order. In query mode a
  // source returns false only when finished, so the merge is exact; in follow mode a quiet
  // source returns false too and simply does not take part in that pick.
  TimelineMerger(std::vector<std::unique_ptr<EntrySource>> sources, bool reverse);

  // Appends the next entry, formatted, to `out`; false when there is none now.
  bool next(std::string& out);
  // The same as calling next() until the source it picks would change or `out` reaches
  // `max_bytes`; returns the number of entries appended (0: none now). A large file read
  // ahead by threads hands over a run of entries at a time.
  size_t next_run(std::string& out, size_t max_bytes);
  bool finished() const;
  void wait(uint64_t timeout_us);

 private:
  std::vector<std::unique_ptr<EntrySource>> sources_;
  bool reverse_;
};

}  // namespace kj::cli
