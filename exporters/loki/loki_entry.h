// One Loki entry of a record: its log line (the message) and its structured metadata (every
// record field that is not a stream label, BACKENDS.md §1.2, §1.8), both kept inside Loki's
// per-line limits (§1.5) so that the distributor never refuses an entry for its size:
//
// * the line is the message as valid UTF-8 (invalid bytes become U+FFFD), cut at a character
//   boundary to kLokiMaxLineBytes (Loki's default max_line_size, 256KB; above it Loki answers
//   400 line_too_long for that entry and the whole batch would be dropped here), with
//   line_truncated="true" in the metadata;
// * structured metadata is string -> string with label-style names: level (unless a label),
//   node, component, unit, identifier (those that are not labels), pid, caller, source,
//   record_id, then the record's attributes (klog/logrus key/values) under
//   loki_label_name(key), "attr_" + that when it collides with a name already written.
//   Empty values are left out. At most kLokiMaxMetadataEntries pairs and
//   kLokiMaxMetadataBytes of names and values (Loki's max_structured_metadata_entries_count
//   128 and max_structured_metadata_size 64KB, with room to spare); a value that does not
//   fit is cut, or left out when nothing of it fits, and metadata_truncated="true" says so.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/record.h"
#include "core/record_id.h"
#include "exporters/loki/loki_streams.h"

namespace kj::exporters {

inline constexpr size_t kLokiMaxLineBytes = 256 * 1024;
inline constexpr size_t kLokiMaxMetadataEntries = 128;
inline constexpr size_t kLokiMaxMetadataBytes = 60 * 1024;

class LokiEntryFormatter {
 public:
  using Pairs = std::vector<std::pair<std::string_view, std::string_view>>;

  // `structured_metadata` false: entries are the line alone, for a Loki that refuses
  // structured metadata (schemas before v13, or allow_structured_metadata: false, answer
  // every push that carries it with 400).
  explicit LokiEntryFormatter(const LokiStreamGrouper& labels, bool structured_metadata = true);

  // Formats `r`; the views returned by line() and metadata() stay valid until the next call.
  void format(const Record& r);
  std::string_view line() const { return line_; }
  const Pairs& metadata() const { return metadata_; }

 private:
  void add(std::string_view name, std::string_view value);
  std::string& scratch();
  bool has_name(std::string_view name) const;

  const LokiStreamGrouper& labels_;
  bool structured_metadata_;
  std::string_view line_;
  std::string line_buffer_;
  Pairs metadata_;
  size_t metadata_bytes_ = 0;
  bool metadata_cut_ = false;
  // Owned names and values (sanitized, replaced, cut). Sized once and never grown, so the
  // views into the strings stay valid while an entry is formatted.
  std::vector<std::string> scratch_;
  size_t scratch_used_ = 0;
  char record_id_[kRecordIdBytes];
  char pid_[24];
};

}  // namespace kj::exporters
