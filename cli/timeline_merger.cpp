#include "cli/timeline_merger.h"

#include <algorithm>
#include <utility>

namespace kj::cli {

TimelineMerger::TimelineMerger(std::vector<std::unique_ptr<RecordSource>> sources, bool reverse)
    : reverse_(reverse) {
  for (auto& s : sources) slots_.push_back(Slot{std::move(s), Record{}, false});
}

bool TimelineMerger::next(Record& out) {
  // One source (only the journal, or one log file) needs no merge: read straight into `out`,
  // which keeps its buffers, instead of moving a whole Record through the slot per record.
  if (slots_.size() == 1 && !slots_[0].has_head) return slots_[0].source->next(out);
  // A linear scan beats a heap for the handful of sources a node has (journal plus a dozen
  // files), and keeps each head in place without moving Records around.
  Slot* best = nullptr;
  for (auto& s : slots_) {
    if (!s.has_head) s.has_head = s.source->next(s.head);
    if (!s.has_head) continue;
    if (!best) {
      best = &s;
      continue;
    }
    const int64_t a = order_key(s.head), b = order_key(best->head);
    if (reverse_ ? a > b : a < b) best = &s;
  }
  if (!best) return false;
  std::swap(out, best->head);  // hands over the strings; the slot refills on the next call
  best->has_head = false;
  return true;
}

bool TimelineMerger::finished() const {
  return std::all_of(slots_.begin(), slots_.end(),
                     [](const Slot& s) { return !s.has_head && s.source->finished(); });
}

void TimelineMerger::wait(uint64_t timeout_us) {
  // Only the journal can block on a change notification; file sources poll. Give each a
  // share of the timeout so a quiet journal does not delay file lines by the full period.
  if (slots_.empty()) return;
  const uint64_t share = timeout_us / slots_.size();
  for (auto& s : slots_)
    if (!s.source->finished()) s.source->wait(share);
}

}  // namespace kj::cli
