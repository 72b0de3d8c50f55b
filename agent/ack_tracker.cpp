#include "agent/ack_tracker.h"

#include <stdexcept>

namespace kj::agent {

AckTracker::AckTracker(size_t sources, size_t exporters, std::function<void(size_t)> on_done)
    : exporters_(exporters), on_done_(std::move(on_done)), sources_(sources) {
  if (exporters_ == 0) throw std::invalid_argument("the pipeline needs at least one exporter");
}

void AckTracker::add(size_t source, uint64_t sequence, Checkpoint position, size_t bytes,
                     int64_t newest_record_ns, int64_t sealed_steady_ns) {
  std::lock_guard lock(mutex_);
  auto& s = sources_.at(source);
  if (!s.pending.empty() && s.pending.back().sequence >= sequence)
    throw std::logic_error("chunk sequence out of order");
  s.pending.push_back(
      {sequence, std::move(position), bytes, newest_record_ns, sealed_steady_ns, exporters_});
}

void AckTracker::ack(size_t source, uint64_t sequence) {
  size_t freed = 0;
  {
    std::lock_guard lock(mutex_);
    auto& s = sources_.at(source);
    if (s.pending.empty() || sequence < s.pending.front().sequence) return;
    const size_t index = sequence - s.pending.front().sequence;
    if (index >= s.pending.size() || s.pending[index].sequence != sequence)
      throw std::logic_error("ack for an unknown chunk");
    auto& p = s.pending[index];
    if (p.remaining == 0) throw std::logic_error("chunk acknowledged too often");
    if (--p.remaining == 0) freed += p.bytes;
    while (!s.pending.empty() && s.pending.front().remaining == 0) {
      auto& front = s.pending.front();
      const uint64_t version = s.committed ? s.committed->version + 1 : 1;
      s.committed = Committed{std::move(front.position), version, front.newest_record_ns};
      s.pending.pop_front();
    }
  }
  if (freed && on_done_) on_done_(freed);
}

std::optional<AckTracker::Committed> AckTracker::committed(size_t source) const {
  std::lock_guard lock(mutex_);
  return sources_.at(source).committed;
}

size_t AckTracker::pending() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& s : sources_) n += s.pending.size();
  return n;
}

int64_t AckTracker::oldest_pending_sealed_ns(size_t source) const {
  std::lock_guard lock(mutex_);
  const auto& s = sources_.at(source);
  return s.pending.empty() ? 0 : s.pending.front().sealed_ns;
}

}  // namespace kj::agent
