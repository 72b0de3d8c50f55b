// What the timeline merge picks from: each source shows the place in time of its next entry,
// and the merge takes the earliest as formatted text. Most sources format a Record as it is
// taken; a large log file is read and formatted by worker threads ahead of time, and hands
// over only text, because handing whole Records between cores costs more than it saves.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cli/record_formatter.h"
#include "core/record_source.h"

namespace kj::cli {

// The instant used to order records: when the journal received an entry (journal order
// follows it), else the record's event time.
inline int64_t order_key(const Record& r) {
  return r.observed_time_ns ? r.observed_time_ns : r.time_ns;
}

// Whether an entry at `key` belongs to a run that ends at `limit` (see take_run).
inline bool in_run(int64_t key, int64_t limit, bool inclusive) {
  return key < limit || (inclusive && key == limit);
}

class EntrySource {
 public:
  virtual ~EntrySource() = default;
  // Makes the next entry ready and gives its order key; false when there is none now: the
  // source is finished(), or (follow mode) nothing new has arrived, then call wait(). Until
  // take(), calling it again gives the same entry.
  virtual bool peek(int64_t& key) = 0;
  // Appends the entry peek() made ready to `out` and moves past it.
  virtual void take(std::string& out) = 0;
  virtual bool finished() const = 0;
  virtual void wait(uint64_t timeout_us) = 0;

  // Takes the entry peek() made ready and then, while `out` is shorter than `max_bytes`, every
  // next entry whose key is before `limit` (or equal to it, when `inclusive`): what the merge
  // would take from this source anyway before the others' next entries. Returns how many it
  // took. Forward order only.
  virtual size_t take_run(std::string& out, int64_t limit, bool inclusive, size_t max_bytes) {
    size_t n = 0;
    int64_t key;
    do {
      take(out);
      ++n;
    } while (out.size() < max_bytes && peek(key) && in_run(key, limit, inclusive));
    return n;
  }
};

// A RecordSource whose records are formatted when they are taken, into the output buffer
// directly.
class FormattingSource final : public EntrySource {
 public:
  // `formatter` is shared by the sources of one output and must outlive them.
  FormattingSource(std::unique_ptr<RecordSource> source, RecordFormatter& formatter)
      : source_(std::move(source)), formatter_(formatter) {}

  bool peek(int64_t& key) override {
    if (!has_head_) has_head_ = source_->next(head_);
    if (has_head_) key = order_key(head_);
    return has_head_;
  }
  void take(std::string& out) override {
    formatter_.append(out, head_);
    has_head_ = false;
  }
  bool finished() const override { return !has_head_ && source_->finished(); }
  void wait(uint64_t timeout_us) override { source_->wait(timeout_us); }

 private:
  std::unique_ptr<RecordSource> source_;
  RecordFormatter& formatter_;
  Record head_;  // reused: its strings keep their capacity
  bool has_head_ = false;
};

}  // namespace kj::cli
