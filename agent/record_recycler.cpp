#include "agent/record_recycler.h"

namespace kj::agent {

std::vector<Record> RecordRecycler::take() {
  std::lock_guard lock(mutex_);
  if (free_.empty()) return {};
  auto records = std::move(free_.back());
  free_.pop_back();
  return records;
}

void RecordRecycler::give(std::vector<Record> records) {
  if (records.empty()) return;
  std::lock_guard lock(mutex_);
  if (free_.size() < max_vectors_) free_.push_back(std::move(records));
}

}  // namespace kj::agent
