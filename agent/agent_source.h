// A configured source as the pipeline sees it: a RecordSource in follow mode plus the
// position to checkpoint after the records it returned. Built from the source's config and
// its loaded checkpoint; start_at applies only when there is no checkpoint.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/checkpoint_store.h"
#include "core/config/agent_config.h"
#include "core/record.h"
#include "core/record_source.h"

namespace kj::agent {

// A resumed journal source whose checkpoint entry was vacuumed: what could not be read.
struct JournalGap {
  std::string checkpoint_cursor;
  std::string resumed_cursor;
  // From the cursors' sequence numbers (same journal file set only); -1 when unknown. Counts
  // every entry in between, including those the source's filter would not have selected.
  int64_t estimated_lost = -1;
};

class AgentSource {
 public:
  virtual ~AgentSource() = default;
  const std::string& name() const { return name_; }
  virtual RecordSource& reader() = 0;
  // Called with every record reader() returned, in order, before it enters the pipeline.
  virtual void observe(const Record& record) = 0;
  // Resume point after the last observed record.
  virtual Checkpoint position() = 0;
  // Set once a gap was detected (journal sources); the pipeline reports it.
  virtual const JournalGap* gap() const { return nullptr; }
  // Files in the source that could not be read (journal files of an unknown format, no
  // permission), for the journal_files_unreadable metric.
  virtual uint64_t unreadable_files() const { return 0; }
  // Empty while the source reads; otherwise why it cannot (for /readyz). Thread-safe.
  virtual std::string not_ready_reason() const { return {}; }
  // Human-readable notes from opening (unreadable files, start position), for the log.
  const std::vector<std::string>& notes() const { return notes_; }

 protected:
  explicit AgentSource(std::string name) : name_(std::move(name)) {}
  std::vector<std::string> notes_;

 private:
  std::string name_;
};

struct SourceOpenOptions {
  bool keep_journal_fields = false;  // an exporter forwards the original journal fields
  int64_t now_us = 0;                // reference for start_at time specs
};

// Throws std::runtime_error naming the source when it cannot be opened at all.
std::unique_ptr<AgentSource> open_agent_source(const config::SourceConfig& config,
                                               const CheckpointStore::LoadResult& checkpoint,
                                               const SourceOpenOptions& options);

// "s=...;i=1a2f;b=..." -> (seqnum id, seqnum); false when the cursor has no such fields.
bool parse_cursor_seqnum(const std::string& cursor, std::string& seqnum_id, uint64_t& seqnum);

}  // namespace kj::agent
