#include "agent/memory_budget.h"

namespace kj::agent {

bool MemoryBudget::acquire(size_t bytes, std::stop_token stop) {
  std::unique_lock lock(mutex_);
  const bool ok = cv_.wait(lock, stop, [&] { return used_ == 0 || used_ + bytes <= limit_; });
  if (!ok) return false;
  used_ += bytes;
  return true;
}

void MemoryBudget::release(size_t bytes) {
  {
    std::lock_guard lock(mutex_);
    used_ = bytes > used_ ? 0 : used_ - bytes;
  }
  cv_.notify_all();
}

size_t MemoryBudget::used() const {
  std::lock_guard lock(mutex_);
  return used_;
}

}  // namespace kj::agent
