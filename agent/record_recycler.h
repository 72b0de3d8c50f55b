// Record vectors whose chunks went through the pipeline, kept for the next chunks: their
// Records keep their strings' capacity, so in steady state reading a record into a chunk
// allocates nothing (a moved-from Record would start with empty strings every time).
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "core/record.h"

namespace kj::agent {

class RecordRecycler {
 public:
  // Keeps at most `max_vectors`: memory held here is outside the pipeline's budget.
  explicit RecordRecycler(size_t max_vectors) : max_vectors_(max_vectors) {}

  // A vector of used Records (their contents are stale), or an empty vector.
  std::vector<Record> take();
  // Called from whichever thread releases a chunk last.
  void give(std::vector<Record> records);

 private:
  const size_t max_vectors_;
  std::mutex mutex_;
  std::vector<std::vector<Record>> free_;
};

}  // namespace kj::agent
