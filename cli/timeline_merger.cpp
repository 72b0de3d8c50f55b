#include "cli/timeline_merger.h"

#include <algorithm>
#include <utility>

namespace kj::cli {

TimelineMerger::TimelineMerger(std::vector<std::unique_ptr<EntrySource>> sources, bool reverse)
    : sources_(std::move(sources)), reverse_(reverse) {}

bool TimelineMerger::next(std::string& out) {
  // A linear scan beats a heap for the handful of sources a node has (journal plus a dozen
  // files). Equal keys: the earlier source first.
  EntrySource* best = nullptr;
  int64_t best_key = 0;
  for (auto& s : sources_) {
    int64_t key;
    if (!s->peek(key)) continue;
    if (!best || (reverse_ ? key > best_key : key < best_key)) {
      best = s.get();
      best_key = key;
    }
  }
  if (!best) return false;
  best->take(out);
  return true;
}

size_t TimelineMerger::next_run(std::string& out, size_t max_bytes) {
  if (reverse_) return next(out) ? 1 : 0;
  // The best source keeps being picked while its next key is before every other source's
  // (or equal to it, when the best is the earlier source): the run's limit.
  size_t best = SIZE_MAX, other = SIZE_MAX;
  int64_t best_key = 0, other_key = INT64_MAX;
  for (size_t i = 0; i < sources_.size(); ++i) {
    int64_t key;
    if (!sources_[i]->peek(key)) continue;
    if (best == SIZE_MAX || key < best_key) {
      if (best != SIZE_MAX) {
        other = best;
        other_key = best_key;
      }
      best = i;
      best_key = key;
    } else if (other == SIZE_MAX || key < other_key) {
      other = i;
      other_key = key;
    }
  }
  if (best == SIZE_MAX) return 0;
  return sources_[best]->take_run(out, other_key, best < other, max_bytes);
}

bool TimelineMerger::finished() const {
  return std::all_of(sources_.begin(), sources_.end(), [](const auto& s) { return s->finished(); });
}

void TimelineMerger::wait(uint64_t timeout_us) {
  // Only the journal can block on a change notification; file sources poll. Give each a
  // share of the timeout so a quiet journal does not delay file lines by the full period.
  if (sources_.empty()) return;
  const uint64_t share = timeout_us / sources_.size();
  for (auto& s : sources_)
    if (!s->finished()) s->wait(share);
}

}  // namespace kj::cli
