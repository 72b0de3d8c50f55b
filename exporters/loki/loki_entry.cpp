#include "exporters/loki/loki_entry.h"

#include <algorithm>
#include <charconv>

#include "core/json_writer.h"
#include "core/severity.h"

namespace kj::exporters {
namespace {

constexpr std::string_view kMetadataCutName = "metadata_truncated";
constexpr std::string_view kTrue = "true";
// Kept free for metadata_truncated, which is written last.
constexpr size_t kReservedEntries = 1;
constexpr size_t kReservedBytes = kMetadataCutName.size() + kTrue.size();
// Each add() takes at most three owned strings (a sanitized name, its "attr_" form, a value).
constexpr size_t kScratchStrings = 3 * kLokiMaxMetadataEntries;

}  // namespace

LokiEntryFormatter::LokiEntryFormatter(const LokiStreamGrouper& labels, bool structured_metadata)
    : labels_(labels), structured_metadata_(structured_metadata), scratch_(kScratchStrings) {
  metadata_.reserve(kLokiMaxMetadataEntries);
}

std::string& LokiEntryFormatter::scratch() {
  std::string& s = scratch_[scratch_used_++];
  s.clear();
  return s;
}

bool LokiEntryFormatter::has_name(std::string_view name) const {
  return std::any_of(metadata_.begin(), metadata_.end(),
                     [name](const auto& p) { return p.first == name; });
}

void LokiEntryFormatter::add(std::string_view name, std::string_view value) {
  if (value.empty()) return;
  if (metadata_.size() + kReservedEntries >= kLokiMaxMetadataEntries ||
      scratch_used_ + 3 > scratch_.size()) {
    metadata_cut_ = true;
    return;
  }
  if (!is_valid_loki_label_name(name) || name.size() > kLokiMaxLabelNameBytes) {
    std::string& s = scratch();
    s = loki_label_name(name);
    name = s;
  }
  if (has_name(name)) {
    std::string& s = scratch();
    s = "attr_";
    s += name;
    name = s;
    if (has_name(name)) {
      metadata_cut_ = true;
      return;
    }
  }
  const size_t used = metadata_bytes_ + kReservedBytes + name.size();
  if (used >= kLokiMaxMetadataBytes) {
    metadata_cut_ = true;
    return;
  }
  const size_t room = kLokiMaxMetadataBytes - used;
  if (value.size() > room || !json::is_valid_utf8(value)) {
    std::string& s = scratch();
    if (append_loki_value(s, value, room)) metadata_cut_ = true;
    if (s.empty()) return;
    value = s;
  }
  metadata_.emplace_back(name, value);
  metadata_bytes_ += name.size() + value.size();
}

void LokiEntryFormatter::format(const Record& r) {
  metadata_.clear();
  metadata_bytes_ = 0;
  metadata_cut_ = false;
  scratch_used_ = 0;

  bool line_cut = false;
  if (r.message.size() <= kLokiMaxLineBytes && json::is_valid_utf8(r.message)) {
    line_ = r.message;
  } else {
    line_buffer_.clear();
    line_cut = append_loki_value(line_buffer_, r.message, kLokiMaxLineBytes);
    line_ = line_buffer_;
  }
  if (!structured_metadata_) return;

  static constexpr std::pair<std::string_view, LokiLabelField> kFields[] = {
      {"level", LokiLabelField::level},
      {"node", LokiLabelField::node},
      {"component", LokiLabelField::component},
      {"unit", LokiLabelField::unit},
      {"identifier", LokiLabelField::identifier}};
  for (const auto& [name, field] : kFields)
    if (!labels_.is_label(field)) add(name, loki_label_value(r, field));
  if (r.pid >= 0) {
    auto [end, ec] = std::to_chars(pid_, pid_ + sizeof pid_, r.pid);
    (void)ec;  // 24 bytes always hold an int64
    add("pid", std::string_view(pid_, static_cast<size_t>(end - pid_)));
  }
  add("caller", r.caller);
  add("source", r.source);
  if (!r.position.cursor.empty()) {
    write_record_id(record_id_, r.position.cursor);
    add("record_id", std::string_view(record_id_, kRecordIdBytes));
  }
  if (line_cut) add("line_truncated", kTrue);
  for (const auto& [key, value] : r.attributes) add(key, value);
  if (metadata_cut_) metadata_.emplace_back(kMetadataCutName, kTrue);
}

}  // namespace kj::exporters
