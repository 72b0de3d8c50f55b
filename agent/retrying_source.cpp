#include "agent/retrying_source.h"

#include <thread>

namespace kj::agent {

RetryingSource::RetryingSource(config::SourceConfig config, CheckpointStore::LoadResult checkpoint,
                               SourceOpenOptions options, exporters::Logger log,
                               std::chrono::milliseconds retry_interval)
    : AgentSource(config.name),
      config_(std::move(config)),
      checkpoint_(std::move(checkpoint)),
      options_(options),
      log_(std::move(log)),
      retry_interval_(retry_interval) {
  try_open();
}

void RetryingSource::try_open() {
  next_attempt_ = std::chrono::steady_clock::now() + retry_interval_;
  std::string reason;
  try {
    inner_ = open_agent_source(config_, checkpoint_, options_);
  } catch (const std::exception& e) {
    reason = e.what();
  }
  std::string previous;
  {
    std::lock_guard lock(mutex_);
    previous = reason_;
    reason_ = reason;
  }
  if (inner_) {
    for (const auto& note : inner_->notes())
      log_(exporters::LogLevel::info, "source " + name() + ": " + note);
    if (!previous.empty()) log_(exporters::LogLevel::info, "source " + name() + " is open now");
  } else if (reason != previous) {
    log_(exporters::LogLevel::error, "source " + name() + " cannot be read (retrying every " +
                                         std::to_string(retry_interval_.count() / 1000) +
                                         " s; /readyz fails until then): " + reason);
  }
}

bool RetryingSource::next(Record& out) {
  if (!inner_) {
    if (std::chrono::steady_clock::now() < next_attempt_) return false;
    try_open();
    if (!inner_) return false;
  }
  return inner_->reader().next(out);
}

bool RetryingSource::finished() const {
  return inner_ && inner_->reader().finished();
}

void RetryingSource::wait(uint64_t timeout_us) {
  if (inner_) return inner_->reader().wait(timeout_us);
  std::this_thread::sleep_for(std::chrono::microseconds(timeout_us));
}

void RetryingSource::observe(const Record& record) {
  if (inner_) inner_->observe(record);
}

Checkpoint RetryingSource::position() {
  return inner_ ? inner_->position() : checkpoint_.checkpoint;
}

const JournalGap* RetryingSource::gap() const {
  return inner_ ? inner_->gap() : nullptr;
}

uint64_t RetryingSource::unreadable_files() const {
  return inner_ ? inner_->unreadable_files() : 0;
}

std::string RetryingSource::not_ready_reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

}  // namespace kj::agent
