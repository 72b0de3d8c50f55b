// One exporter's thread: takes chunks in order from its queue, groups them into batches by
// the exporter's limits, delivers each batch, and acknowledges its chunks. Chunks are never
// split across batches, so acknowledgements stay in chunk order.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "agent/record_chunk.h"
#include "core/config/agent_config.h"
#include "exporters/exporter.h"

namespace kj::agent {

class ExporterWorker {
 public:
  using Ack = std::function<void(size_t source, uint64_t sequence)>;
  using Observer = std::function<void(double seconds)>;

  // `exclusive`: this is the only exporter, so it may move records out of the chunks instead
  // of copying them.
  ExporterWorker(exporters::Exporter& exporter, config::BatchConfig batch, bool exclusive, Ack ack,
                 Observer observer);
  ~ExporterWorker();

  void start();
  void push(std::shared_ptr<RecordChunk> chunk);
  // No more chunks will come; the thread exits once its queue is delivered.
  void close();
  // Abandons queued and in-flight batches (deliver() sees the stop request).
  void abort();
  // Waits until the thread exited or `deadline` passed; true if it exited.
  bool join_until(std::chrono::steady_clock::time_point deadline);

 private:
  void run(std::stop_token stop);

  exporters::Exporter& exporter_;
  const config::BatchConfig batch_;
  const bool exclusive_;
  Ack ack_;
  Observer observer_;
  std::mutex mutex_;
  std::condition_variable_any cv_;
  std::deque<std::shared_ptr<RecordChunk>> queue_;
  bool closed_ = false;
  bool exited_ = false;
  std::condition_variable exited_cv_;
  std::jthread thread_;
};

}  // namespace kj::agent
