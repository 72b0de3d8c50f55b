// The pipeline's bound on buffered records. Sources acquire before handing a chunk over and
// block when the budget is spent, which is the backpressure: a slow or absent backend stops
// reading, and the journal and the log files keep the data instead of our heap.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stop_token>

namespace kj::agent {

class MemoryBudget {
 public:
  explicit MemoryBudget(size_t limit) : limit_(limit) {}

  // Blocks until `bytes` fit (a request larger than the whole budget waits for an empty
  // budget, so one huge chunk cannot deadlock). False if `stop` was requested first.
  bool acquire(size_t bytes, std::stop_token stop);
  void release(size_t bytes);

  size_t used() const;
  size_t limit() const { return limit_; }

 private:
  const size_t limit_;
  mutable std::mutex mutex_;
  std::condition_variable_any cv_;
  size_t used_ = 0;
};

}  // namespace kj::agent
