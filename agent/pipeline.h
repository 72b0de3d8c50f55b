// The agent's data path: every source on its own thread reads records into chunks; chunks
// are handed to every exporter's queue under one memory budget (backpressure); each exporter
// thread batches chunks (max_records / max_bytes / max_wait) and delivers them; a chunk's
// source position is committed once every exporter has a final outcome for it and for
// everything before it; committed positions are written to the state directory.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "agent/ack_tracker.h"
#include "agent/agent_source.h"
#include "agent/checkpoint_store.h"
#include "agent/memory_budget.h"
#include "agent/record_recycler.h"
#include "core/config/agent_config.h"
#include "exporters/exporter.h"
#include "exporters/exporter_log.h"

namespace kj::agent {

class ExporterWorker;

// Per source, read by /metrics from other threads.
struct SourceCounters {
  std::atomic<uint64_t> records_read{0};
  std::atomic<uint64_t> bytes_read{0};  // message bytes
  std::atomic<uint64_t> gaps{0};
  std::atomic<int64_t> estimated_lost{0};
  std::atomic<uint64_t> read_errors{0};
  std::atomic<bool> open{false};
  std::atomic<bool> checkpoint_loaded{false};
  std::atomic<int64_t> last_read_steady_ns{0};
};

struct PipelineOptions {
  config::PipelineConfig config;
  std::string node;  // set on every record (empty: keep what the source filled in)
  size_t chunk_records = 512;
  size_t chunk_bytes = size_t{256} << 10;
  std::chrono::milliseconds chunk_linger{100};
  std::vector<config::BatchConfig> batches;  // per exporter, same order as the exporters
  config::BatchConfig batch_for(size_t exporter) const {
    return exporter < batches.size() ? batches[exporter] : config::BatchConfig{};
  }
};

class Pipeline {
 public:
  // Takes the opened sources (their checkpoints already applied) and the exporters.
  Pipeline(PipelineOptions options, std::vector<std::unique_ptr<AgentSource>> sources,
           std::vector<std::unique_ptr<exporters::Exporter>> exporters, CheckpointStore& store,
           exporters::Logger log);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void start();
  // Graceful stop: sources stop reading, exporters deliver what is queued until `deadline`,
  // then in-flight deliveries are abandoned (not committed); final checkpoints are written.
  // Returns true if everything read was delivered in time.
  bool stop(std::chrono::steady_clock::time_point deadline);
  // Writes the committed positions that changed since the last call (the agent's main loop
  // calls it every checkpoint_interval).
  void write_checkpoints();

  // Observability.
  size_t source_count() const { return sources_.size(); }
  const std::string& source_name(size_t i) const { return sources_[i]->name(); }
  const SourceCounters& source_counters(size_t i) const { return *source_counters_[i]; }
  uint64_t source_unreadable_files(size_t i) const { return sources_[i]->unreadable_files(); }
  std::string source_not_ready_reason(size_t i) const { return sources_[i]->not_ready_reason(); }
  double checkpoint_lag_seconds(size_t source) const;
  size_t exporter_count() const { return exporters_.size(); }
  const exporters::Exporter& exporter(size_t i) const { return *exporters_[i]; }
  size_t buffered_bytes() const { return budget_.used(); }
  size_t buffer_limit() const { return budget_.limit(); }
  // Batch delivery latency observer: set before start(); called from exporter threads.
  void on_batch_delivered(std::function<void(size_t exporter, double seconds)> fn) {
    batch_observer_ = std::move(fn);
  }
  // True when every source thread is still running (not died on an error).
  bool sources_alive() const;
  uint64_t checkpoint_write_errors() const { return checkpoint_write_errors_.load(); }

 private:
  void run_source(size_t index, std::stop_token stop);
  // Hands records[0, count) over as a chunk and starts a new vector (count becomes 0).
  void seal(size_t index, std::vector<Record>& records, size_t& count, size_t bytes,
            int64_t newest_ns);
  std::vector<Record> fresh_records();

  PipelineOptions opt_;
  std::vector<std::unique_ptr<AgentSource>> sources_;
  std::vector<std::unique_ptr<exporters::Exporter>> exporters_;
  CheckpointStore& store_;
  exporters::Logger log_;
  MemoryBudget budget_;
  // Shared with the chunks' deleters, which may run after the pipeline is gone.
  std::shared_ptr<RecordRecycler> recycler_;
  AckTracker acks_;
  std::vector<std::unique_ptr<SourceCounters>> source_counters_;
  std::vector<uint64_t> next_sequence_;
  std::vector<uint64_t> written_version_;
  std::vector<std::unique_ptr<ExporterWorker>> workers_;
  std::vector<std::jthread> source_threads_;
  std::vector<std::unique_ptr<std::atomic<bool>>> source_running_;
  std::function<void(size_t, double)> batch_observer_;
  std::atomic<uint64_t> checkpoint_write_errors_{0};
  std::mutex checkpoint_mutex_;
  // Requested when the stop deadline passes: unblocks sources waiting for budget and
  // exporters in the middle of a delivery.
  std::stop_source abort_;
  std::mutex exit_mutex_;
  std::condition_variable exit_cv_;
  size_t sources_exited_ = 0;
};

}  // namespace kj::agent
