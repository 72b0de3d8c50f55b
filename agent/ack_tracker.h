// Decides when a source's checkpoint may advance: a chunk is done once every exporter has a
// final outcome for it (delivered or dropped), and the committed position is that of the
// newest chunk whose predecessors are all done. Exporters finish chunks in order, but
// different exporters run at different speeds, so completion is tracked per chunk.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "agent/checkpoint_store.h"

namespace kj::agent {

class AckTracker {
 public:
  // `on_done(bytes)` runs (outside the lock) when a chunk is done for every exporter, to
  // return its memory to the budget.
  AckTracker(size_t sources, size_t exporters, std::function<void(size_t bytes)> on_done);

  void add(size_t source, uint64_t sequence, Checkpoint position, size_t bytes,
           int64_t newest_record_ns, int64_t sealed_steady_ns);
  // One exporter's final outcome for one chunk.
  void ack(size_t source, uint64_t sequence);

  struct Committed {
    Checkpoint position;
    uint64_t version = 0;  // increases with every advance
    int64_t newest_record_ns = 0;
  };
  // The committed position of `source`, if any chunk of it is done.
  std::optional<Committed> committed(size_t source) const;
  // Chunks handed over but not yet done, all sources.
  size_t pending() const;
  // Steady-clock time the oldest chunk not yet done was sealed (0: none pending): how far
  // the checkpoint lags behind reading.
  int64_t oldest_pending_sealed_ns(size_t source) const;

 private:
  struct Pending {
    uint64_t sequence;
    Checkpoint position;
    size_t bytes;
    int64_t newest_record_ns;
    int64_t sealed_ns;
    size_t remaining;
  };
  struct PerSource {
    std::deque<Pending> pending;  // by sequence
    std::optional<Committed> committed;
  };
  const size_t exporters_;
  std::function<void(size_t)> on_done_;
  mutable std::mutex mutex_;
  std::vector<PerSource> sources_;
};

}  // namespace kj::agent
