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
