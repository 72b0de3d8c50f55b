// What every collector looks like to its consumers: a pull source of Records. The CLI k-way
// merges several sources by time (journal, each log file), the agent drains them into its
// pipeline; neither needs to know what kind of source it holds.
#pragma once

#include <cstdint>

#include "core/record.h"

namespace kj {

// Ordering contract: in query mode the records of one source come in non-decreasing
// `time_ns` order, so a k-way merge of sources is a correct global order. In follow mode the
// order is best effort (records are delivered as they are written; a file's records follow
// the file, and several files are interleaved as they grow).
class RecordSource {
 public:
  virtual ~RecordSource() = default;

  // Fills `out` with the next record. Returns false when nothing is available now: either the
  // source is finished(), or (follow mode) nothing new has arrived; then call wait(). `out` is
  // overwritten and its strings keep their capacity, so reusing one Record avoids allocating.
  virtual bool next(Record& out) = 0;
  // True once no further record can ever come (query window exhausted). A follow-mode
  // source is never finished.
  virtual bool finished() const = 0;
  // Blocks up to `timeout_us` until new records may be available (returns early when they
  // are). Cheap to call in a loop; a finished source returns at once.
  virtual void wait(uint64_t timeout_us) = 0;
};

}  // namespace kj
