// A source that keeps trying to open. A node agent must not give up (or crash-loop) because
// the journal is not readable yet: the directory may not be mounted, the journal files may be
// of a format this libsystemd does not know, or the group membership may be missing. Until
// the source opens, it delivers nothing, /readyz says why, and the reason is logged once per
// change; opening is retried every `retry_interval`.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "agent/agent_source.h"
#include "exporters/exporter_log.h"

namespace kj::agent {

class RetryingSource final : public AgentSource, private RecordSource {
 public:
  RetryingSource(config::SourceConfig config, CheckpointStore::LoadResult checkpoint,
                 SourceOpenOptions options, exporters::Logger log,
                 std::chrono::milliseconds retry_interval = std::chrono::seconds(30));

  RecordSource& reader() override { return *this; }
  void observe(const Record& record) override;
  Checkpoint position() override;
  const JournalGap* gap() const override;
  uint64_t unreadable_files() const override;
  // Empty when open; otherwise why not (for /readyz).
  std::string not_ready_reason() const override;

 private:
  bool next(Record& out) override;
  bool finished() const override;
  void wait(uint64_t timeout_us) override;
  void try_open();

  config::SourceConfig config_;
  CheckpointStore::LoadResult checkpoint_;
  SourceOpenOptions options_;
  exporters::Logger log_;
  std::chrono::milliseconds retry_interval_;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::unique_ptr<AgentSource> inner_;
  mutable std::mutex mutex_;  // guards reason_ (read by the status server)
  std::string reason_;
};

}  // namespace kj::agent
