#include "agent/exporter_worker.h"

#include <span>
#include <utility>
#include <vector>

namespace kj::agent {

ExporterWorker::ExporterWorker(exporters::Exporter& exporter, config::BatchConfig batch,
                               bool exclusive, Ack ack, Observer observer)
    : exporter_(exporter),
      batch_(batch),
      exclusive_(exclusive),
      ack_(std::move(ack)),
      observer_(std::move(observer)) {}

ExporterWorker::~ExporterWorker() {
  abort();
  if (thread_.joinable()) thread_.join();
}

void ExporterWorker::start() {
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void ExporterWorker::push(std::shared_ptr<RecordChunk> chunk) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(chunk));
  }
  cv_.notify_one();
}

void ExporterWorker::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  cv_.notify_one();
}

void ExporterWorker::abort() {
  thread_.request_stop();
}

bool ExporterWorker::join_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return exited_cv_.wait_until(lock, deadline, [&] { return exited_; });
}

void ExporterWorker::run(std::stop_token stop) {
  std::vector<std::shared_ptr<RecordChunk>> chunks;
  std::vector<Record> joined;
  for (;;) {
    chunks.clear();
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, stop, [&] { return !queue_.empty() || closed_; });
      if (stop.stop_requested() || queue_.empty()) break;
      // The batch's linger starts with its first chunk: a trickle is still sent every
      // max_wait, a flood fills batches to their limits.
      const auto deadline = std::chrono::steady_clock::now() + batch_.max_wait;
      uint64_t records = 0, bytes = 0;
      for (;;) {
        while (!queue_.empty() && records < batch_.max_records && bytes < batch_.max_bytes) {
          records += queue_.front()->records.size();
          bytes += queue_.front()->bytes;
          chunks.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        if (records >= batch_.max_records || bytes >= batch_.max_bytes || closed_) break;
        if (!cv_.wait_until(lock, stop, deadline, [&] { return !queue_.empty() || closed_; }))
          break;  // linger over, or stop requested
      }
      if (stop.stop_requested()) break;
    }

    std::span<const Record> batch;
    if (chunks.size() == 1) {
      batch = chunks.front()->records;
    } else {
      // `joined` keeps its Records between batches: swapping (exclusive) or assigning into
      // them reuses string capacity on both sides, and the chunk gets Records back that the
      // source can read into again once the chunk is recycled.
      size_t n = 0;
      for (auto& c : chunks) {
        for (auto& r : c->records) {
          if (n == joined.size()) {
            if (exclusive_)
              joined.push_back(std::move(r));
            else
              joined.push_back(r);
          } else if (exclusive_) {
            swap(joined[n], r);
          } else {
            joined[n] = r;
          }
          ++n;
        }
      }
      batch = std::span<const Record>(joined.data(), n);
    }
    const auto t0 = std::chrono::steady_clock::now();
    const auto report = exporter_.deliver(batch, stop);
    if (report.aborted) break;  // not final: these chunks must not be acknowledged
    if (observer_)
      observer_(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    for (const auto& c : chunks) ack_(c->source_index, c->sequence);
  }
  {
    std::lock_guard lock(mutex_);
    exited_ = true;
  }
  exited_cv_.notify_all();
}

}  // namespace kj::agent
