// The unit that moves through the pipeline: a run of consecutive records from one source and
// the source position right after the last of them. Exporters batch whole chunks, and a
// checkpoint advances chunk by chunk, so a committed position never splits a record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "agent/checkpoint_store.h"
#include "core/record.h"

namespace kj::agent {

struct RecordChunk {
  size_t source_index = 0;
  uint64_t sequence = 0;  // per source, from 1, no gaps
  std::vector<Record> records;
  Checkpoint position;    // resume point after records.back()
  size_t bytes = 0;       // estimated memory held by `records`
  int64_t sealed_ns = 0;  // steady clock, for batch latency
};

// Rough memory held by one record: its strings plus the fixed part. Used for the memory
// budget, so it must not undercount badly; exactness does not matter.
size_t estimate_record_bytes(const Record& r);

}  // namespace kj::agent
