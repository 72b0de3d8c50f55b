// The one outcome type every exporter's response classifier returns: the pipeline and the
// retry loop act on it without knowing the backend.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace kj::exporters {

enum class Outcome {
  success,  // every record accepted (duplicates of earlier deliveries count as accepted)
  retry,    // transient: send the same bytes again after a backoff
  split,    // too large for the backend: halve the batch and send the halves
  drop,     // the backend will never accept these records: count them and move on
  park,     // operator error (auth, schema, URL): keep the batch, probe slowly, raise a flag
};

const char* outcome_name(Outcome o);

struct SendResult {
  Outcome outcome = Outcome::success;
  std::chrono::milliseconds retry_after{0};  // from Retry-After, if any
  std::vector<size_t> retry_items;           // per-item results: indexes to send again
  std::vector<size_t> dropped_items;         // per-item results: indexes rejected for good
  uint64_t rejected_count = 0;               // records the backend says it rejected (partial)
  int http_status = 0;                       // 0: no HTTP response (transport error)
  int backend_code = 0;                      // e.g. ClickHouse "Code: N"
  std::string reason;  // short, low-cardinality, for the errors-by-reason metric
  std::string detail;  // first ~1 KiB of the response body or the transport error
};

}  // namespace kj::exporters
