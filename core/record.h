// The normalized log record every collector produces and every consumer (CLI formatter,
// exporters) reads. Collectors fill one Record in place and reuse it, so its strings keep
// their capacity across entries and the hot path does not allocate.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/severity.h"

namespace kj {

// Where a record came from, precise enough to resume after it.
struct Position {
  std::string cursor;   // journal cursor (journal records)
  std::string file;     // file path (file records)
  uint64_t device = 0;  // file identity: device and inode
  uint64_t inode = 0;
  uint64_t offset = 0;  // byte offset of the record's first byte
};

struct Record {
  // ns since the epoch (UTC): CRI and logrus carry ns, journald µs, OTLP and Loki want ns.
  int64_t time_ns = 0;           // event time
  int64_t observed_time_ns = 0;  // when the source received it (journald), 0 if unknown
  Severity severity = Severity::unknown;
  std::string level_raw;  // level as the source wrote it ("E", "error", "6")
  std::string message;
  std::string component;  // kubelet, containerd, kube-scheduler, ...
  std::string unit;       // systemd unit, if any
  std::string node;
  std::string identifier;  // SYSLOG_IDENTIFIER or process name (journalctl's short output)
  int64_t pid = -1;        // -1: unknown
  std::string caller;      // file.go:123 from a klog header
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string source;  // "journal" or the file path
  Position position;
  // The journal entry's own fields, name -> value bytes, in the order sd-journal returned
  // them (trusted `_` fields included, plus __REALTIME_TIMESTAMP, __MONOTONIC_TIMESTAMP and
  // _BOOT_ID first), for exporters that forward entries unchanged (journal-remote). Filled
  // only when the journal reader is asked to keep them; empty for file records.
  std::vector<std::pair<std::string, std::string>> journal_fields;

  void clear() {
    time_ns = observed_time_ns = 0;
    severity = Severity::unknown;
    level_raw.clear();
    message.clear();
    component.clear();
    unit.clear();
    node.clear();
    identifier.clear();
    pid = -1;
    caller.clear();
    attributes.clear();
    source.clear();
    position.cursor.clear();
    position.file.clear();
    position.device = position.inode = position.offset = 0;
    journal_fields.clear();
  }

  // Member by member, so both sides keep their buffers (std::swap would move through a
  // temporary Record): the agent's exporters join chunks into one batch by swapping.
  friend void swap(Record& a, Record& b) noexcept {
    using std::swap;
    swap(a.time_ns, b.time_ns);
    swap(a.observed_time_ns, b.observed_time_ns);
    swap(a.severity, b.severity);
    a.level_raw.swap(b.level_raw);
    a.message.swap(b.message);
    a.component.swap(b.component);
    a.unit.swap(b.unit);
    a.node.swap(b.node);
    a.identifier.swap(b.identifier);
    swap(a.pid, b.pid);
    a.caller.swap(b.caller);
    a.attributes.swap(b.attributes);
    a.source.swap(b.source);
    a.position.cursor.swap(b.position.cursor);
    a.position.file.swap(b.position.file);
    swap(a.position.device, b.position.device);
    swap(a.position.inode, b.position.inode);
    swap(a.position.offset, b.position.offset);
    a.journal_fields.swap(b.journal_fields);
  }
};
// time_ns, observed_time_ns, pid and the (padded) severity; ten strings (two in Position), the
// attribute and field vectors and three integers of Position. A new member fails this until
// swap() above handles it.
static_assert(sizeof(Record) == 4 * sizeof(int64_t) + 10 * sizeof(std::string) +
                                    sizeof(Record::attributes) + 3 * sizeof(uint64_t) +
                                    sizeof(Record::journal_fields),
              "Record changed: update swap()");

}  // namespace kj
