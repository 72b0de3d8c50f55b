// One time-ordered stream from several sources (the journal, each log file): a k-way merge
// that holds one record per source, so memory does not grow with the window. In follow mode
// a source with nothing new does not hold the others back; order is then best effort.
#pragma once

#include <memory>
#include <vector>

#include "core/record_source.h"

namespace kj::cli {

class TimelineMerger {
 public:
  // reverse: sources deliver newest first and the merge keeps that order. In query mode a
  // source returns false only when finished, so the merge is exact; in follow mode a quiet
  // source returns false too and simply does not take part in that pick.
  TimelineMerger(std::vector<std::unique_ptr<RecordSource>> sources, bool reverse);

  bool next(Record& out);
  bool finished() const;
  void wait(uint64_t timeout_us);

  // The instant used to order records: when the journal received an entry (journal order
  // follows it), else the record's event time.
  static int64_t order_key(const Record& r) {
    return r.observed_time_ns ? r.observed_time_ns : r.time_ns;
  }

 private:
  struct Slot {
    std::unique_ptr<RecordSource> source;
    Record head;
    bool has_head = false;
  };
  std::vector<Slot> slots_;
  bool reverse_;
};

}  // namespace kj::cli
