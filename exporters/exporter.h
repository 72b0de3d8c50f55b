// What the pipeline sees of an exporter: it hands over a batch and gets back a final
// outcome for every record in it. Retries, backoff and splitting happen inside, so the
// pipeline's only decision is when a checkpoint may advance (all exporters final).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <stop_token>
#include <string>

#include "core/record.h"

namespace kj::exporters {

// Counters an exporter keeps; the agent's /metrics renders them. Atomics so the metrics
// endpoint reads them without taking the exporter's locks.
struct ExporterCounters {
  std::atomic<uint64_t> records_sent{0};
  std::atomic<uint64_t> records_dropped{0};
  std::atomic<uint64_t> bytes_sent{0};  // request bodies as sent (after compression)
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> parked{0};  // 1 while the exporter waits for an operator fix

  // Failed attempts by short, low-cardinality reason ("http_503", "timeout",
  // "clickhouse_code_27").
  void count_error(const std::string& reason) {
    std::lock_guard lock(mutex_);
    ++errors_[reason];
  }
  std::map<std::string, uint64_t> errors() const {
    std::lock_guard lock(mutex_);
    return errors_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> errors_;
};

struct DeliveryReport {
  uint64_t delivered = 0;  // accepted by the backend
  uint64_t dropped = 0;    // rejected for good (counted, not retried)
  // Stop was requested before every record had a final outcome: the batch is not done and
  // its checkpoint must not advance.
  bool aborted = false;
  std::string last_error;
};

class Exporter {
 public:
  virtual ~Exporter() = default;
  virtual const std::string& name() const = 0;
  // Blocks until every record has a final outcome (delivered or dropped), retrying inside
  // with the exporter's policy, or until `stop` is requested. Called from one thread.
  virtual DeliveryReport deliver(std::span<const Record> records, std::stop_token stop) = 0;
  virtual const ExporterCounters& counters() const = 0;
};

}  // namespace kj::exporters
