// Reads normalized Records from journald with journalctl's query semantics: the same seek
// strategy for --since/--until/-n/-r/--after-cursor, the same unit matches as `journalctl -u`,
// and follow mode that survives rotation and vacuum. Post-filters (severity, grep, component)
// are a predicate, so -n counts the entries that are actually shown.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "collectors/journal/journal_files.h"
#include "collectors/journal/journal_handle.h"
#include "core/klog_time.h"
#include "core/message_level.h"
#include "core/parsed_line.h"
#include "core/record.h"
#include "core/record_source.h"

namespace kj::journal {

struct JournalQuery {
  JournalSource source;
  std::vector<std::string> units;       // -u: names or globs; "kubelet" means kubelet.service
  std::vector<std::string> components;  // -c: normalized component names (narrows the matches)
  bool all = false;                     // no default Kubernetes filter
  // Extra "FIELD=value" matches ANDed with the unit/component filter (same field: ORed), as
  // journalctl's positional matches.
  std::vector<std::string> matches;
  std::optional<int64_t> since_us, until_us;
  std::optional<uint64_t> lines;  // -n
  bool reverse = false;
  bool follow = false;
  std::optional<std::string> after_cursor;
  std::vector<std::string> extra_fields;  // journal fields copied into attributes
  bool want_cursor = true;                // fill Record::position.cursor for every record
  // Split structured klog ("msg" key=value) and logrus (key=value) messages into message and
  // attributes. Off: the message is MESSAGE after the klog header, as written.
  bool parse_messages = true;
  // Copy every field of each entry into Record::journal_fields, led by the entry's
  // __REALTIME_TIMESTAMP, __MONOTONIC_TIMESTAMP and _BOOT_ID, for exporters that forward
  // entries with their original fields. Off: no per-field copies.
  bool keep_journal_fields = false;
};

struct JournalStats {
  uint64_t entries_read = 0;
  uint64_t unreadable_fields = 0;  // entries whose fields could not all be read
  std::string first_field_error;
  uint64_t recoveries = 0;  // follow mode: reopen after an iteration error
};

using RecordFilter = std::function<bool(const Record&)>;

// Unit name as `journalctl -u` mangles it: "kubelet" -> "kubelet.service"; globs unchanged.
std::string mangle_unit_name(const std::string& name);

class JournalReader : public RecordSource {
 public:
  // Opens the journal and positions it. Throws JournalError when nothing can be read: no
  // journal files (naming the directories searched), or every file unreadable (naming each
  // file and why). Problems with some files only are in inventory().problems.
  JournalReader(JournalQuery query, RecordFilter filter);

  // Fills `out` with the next record to show. Returns false when nothing is available now:
  // at the end of the query, or (follow mode) until the journal changes; then call wait().
  bool next(Record& out) override;
  // True once no further records can ever come (window passed, -n reached without -f).
  bool finished() const override { return finished_; }
  // Follow mode: waits up to `timeout_us` for the journal to change.
  void wait(uint64_t timeout_us) override;

  const JournalInventory& inventory() const { return inventory_; }
  const JournalStats& stats() const { return stats_; }
  // --after-cursor: whether the cursor's entry was still in the journal. False means it was
  // vacuumed (or never matched): entries between it and the first one read may be lost.
  bool after_cursor_found() const { return after_cursor_found_; }
  // Cursor of the last entry read (for --cursor-file), empty if none.
  std::string last_cursor();

 private:
  void add_filters();
  void add_unit_filters();
  void add_unit_matches(const std::string& unit);
  void position();
  int step();
  bool in_window_or_seek(bool* skip);
  void fill(Record& r, int64_t realtime_us);
  void begin_journal_fields(Record& r, int64_t realtime_us);
  void parse_message(Record& r, const MessageLevel& level);
  void recover(int error);
  int back_matching(uint64_t n);

  JournalQuery q_;
  RecordFilter filter_;
  JournalInventory inventory_;
  std::optional<JournalHandle> j_;
  JournalStats stats_;
  bool need_seek_ = false;
  bool since_seeked_ = false;
  bool finished_ = false;
  bool after_cursor_found_ = false;
  bool no_match_ = false;  // a unit glob matched nothing
  uint64_t shown_ = 0;
  int consecutive_recoveries_ = 0;
  std::string last_cursor_;
  std::string unit_field_;  // UNIT= of the entry being filled
  Record scratch_;          // for -n walking backwards with a predicate
  ParsedLine parsed_;
  KlogTimeResolver klog_time_;  // the host's zone: kubelet logs in it
  std::string time_text_;
  std::string boot_id_;  // _BOOT_ID of the entry being filled (keep_journal_fields)
};

}  // namespace kj::journal
