// Physical lines of one file in, grouped text records out: unwraps container log envelopes
// (CRI, Docker json-file) and joins their partial chunks first, then groups multi-line records
// per stream (FORMATS.md §1.3: reassemble P...F, then apply the klog boundary rule).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "collectors/file/line_reader.h"
#include "collectors/file/multiline_grouper.h"
#include "core/cri_parser.h"
#include "core/docker_json_parser.h"

namespace kj::file {

enum class Envelope : uint8_t {
  undecided,  // no non-empty line seen yet
  none,       // plain log file
  cri,        // CRI container log (/var/log/pods)
  docker,     // Docker json-file
};

class RecordAssembler {
 public:
  explicit RecordAssembler(size_t max_record_bytes = size_t{1} << 20);

  // Forgets all pending and ready data (a file restarted from its beginning).
  void reset();

  // Feeds one physical line (or piece of one). The envelope is decided on the first non-empty
  // line, as the kubelet does (§5.5), and then kept for the file.
  void push(const Line& line);
  // Emits partial container lines still waiting for their final chunk (end of input, idle).
  void flush_partials();
  // Emits pending multi-line records (end of input, idle writer).
  void flush_groups();
  void flush() {
    flush_partials();
    flush_groups();
  }

  // The next completed record, oldest first; false when none is ready.
  bool pop(GroupedRecord& out);
  bool has_ready() const { return count_ != 0; }
  // Whether anything is buffered that a flush would emit.
  bool has_pending() const;
  // The smallest file offset of data that has been pushed but not yet popped: a checkpoint
  // taken now must resume there, or before.
  std::optional<uint64_t> oldest_pending_offset() const;

  Envelope envelope() const { return envelope_; }
  // Lines of a container log file that did not parse as its envelope (kept as plain text).
  uint64_t unwrap_failures() const { return unwrap_failures_; }

 private:
  void group(const GroupLine& line);
  void group_joined(std::span<const JoinedLine> lines);
  GroupedRecord& slot_for_push();
  void commit_push() { ++count_; }
  void push_container(const Line& line);

  size_t max_record_;
  Envelope envelope_ = Envelope::undecided;
  CriReassembler reassembler_;
  MultilineGrouper groupers_[3];  // by LogStream
  // Completed records: a ring (power-of-two size) whose slots keep their text buffers.
  std::vector<GroupedRecord> ring_;
  size_t head_ = 0, count_ = 0;
  // A physical container line longer than the line limit arrives in pieces; the first piece
  // carries the envelope, the others are more content of the same chunk.
  bool in_piece_ = false;
  bool piece_is_envelope_ = false;
  int64_t piece_time_ = 0;
  LogStream piece_stream_ = LogStream::other;
  bool piece_partial_ = false;
  DockerLine docker_;
  uint64_t unwrap_failures_ = 0;
};

}  // namespace kj::file
