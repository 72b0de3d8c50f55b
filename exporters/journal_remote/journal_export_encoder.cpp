#include "exporters/journal_remote/journal_export_encoder.h"

#include <cstdint>
#include <optional>

#include "core/json_writer.h"
#include "core/record_id.h"
#include "core/severity.h"

namespace kj::exporters {
namespace {

constexpr size_t kMaxFieldNameBytes = 64;

void append_le64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool is_address_field(std::string_view name) {
  return name.starts_with("__");
}

// Writes fields of one entry, stopping quietly at journal-remote's per-entry limit.
class EntryWriter {
 public:
  explicit EntryWriter(std::string& out) : out_(out) {}
  void field(std::string_view name, std::string_view value) {
    if (count_ >= kMaxJournalEntryFields) return;
    ++count_;
    append_journal_export_field(out_, name, value);
  }
  void nonempty(std::string_view name, std::string_view value) {
    if (!value.empty()) field(name, value);
  }
  void end() { out_.push_back('\n'); }

 private:
  std::string& out_;
  size_t count_ = 0;
};

std::optional<std::string_view> find_field(const Record& r, std::string_view name) {
  for (const auto& [k, v] : r.journal_fields)
    if (k == name) return v;
  return std::nullopt;
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

void append_original_entry(EntryWriter& w, const Record& r) {
  // The address first. A record assembled elsewhere may lack parts of it; fall back to what
  // a file record would get rather than let the server stamp the arrival time.
  const auto realtime = find_field(r, "__REALTIME_TIMESTAMP");
  const auto monotonic = find_field(r, "__MONOTONIC_TIMESTAMP");
  const auto boot = find_field(r, "_BOOT_ID");
  const int64_t fallback_us = floor_div(r.observed_time_ns ? r.observed_time_ns : r.time_ns, 1000);
  const std::string fallback_text = std::to_string(fallback_us);
  w.field("__REALTIME_TIMESTAMP", realtime ? *realtime : std::string_view(fallback_text));
  if (monotonic && boot) {
    w.field("__MONOTONIC_TIMESTAMP", *monotonic);
    w.field("_BOOT_ID", *boot);
  } else {
    w.field("__MONOTONIC_TIMESTAMP", realtime ? *realtime : std::string_view(fallback_text));
    w.field("_BOOT_ID", synthetic_boot_id(r.node));
  }
  for (const auto& [name, value] : r.journal_fields) {
    if (is_address_field(name) || name == "_BOOT_ID") continue;
    if (!is_valid_journal_field_name(name)) continue;
    w.field(name, value);
  }
}

void append_synthesized_entry(EntryWriter& w, const Record& r, std::string& scratch) {
  const int64_t us = floor_div(r.time_ns, 1000);
  // A zero or negative time is not a valid journal timestamp; without one the server stamps
  // the arrival time, which beats rejecting the record.
  if (us > 0) {
    const std::string t = std::to_string(us);
    w.field("__REALTIME_TIMESTAMP", t);
    w.field("__MONOTONIC_TIMESTAMP", t);
  }
  w.field("_BOOT_ID", synthetic_boot_id(r.node));
  w.field("MESSAGE", r.message);
  if (const auto p = severity_syslog(r.severity)) w.field("PRIORITY", std::to_string(*p));
  w.nonempty("SYSLOG_IDENTIFIER", r.identifier.empty() ? r.component : r.identifier);
  if (r.pid >= 0) w.field("SYSLOG_PID", std::to_string(r.pid));
  w.nonempty("_HOSTNAME", r.node);
  w.nonempty("_SYSTEMD_UNIT", r.unit);
  w.nonempty("KJOURNAL_COMPONENT", r.component);
  w.nonempty("KJOURNAL_LEVEL", r.level_raw);
  w.nonempty("KJOURNAL_CALLER", r.caller);
  w.nonempty("KJOURNAL_SOURCE", r.source);
  if (!r.position.cursor.empty()) {
    scratch.clear();
    append_record_id(scratch, r.position.cursor);
    w.field("KJOURNAL_RECORD_ID", scratch);
  }
  for (const auto& [k, v] : r.attributes) {
    const std::string name = journal_attribute_field_name(k);
    if (is_valid_journal_field_name(name)) w.field(name, v);
  }
}

}  // namespace

bool is_valid_journal_field_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxFieldNameBytes) return false;
  if (name[0] >= '0' && name[0] <= '9') return false;
  for (char c : name)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool journal_text_form_ok(std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xc2 && i + 1 < value.size()) {
      const auto n = static_cast<unsigned char>(value[i + 1]);
      if (n >= 0x80 && n <= 0x9f) return false;
    }
  }
  return json::is_valid_utf8(value);
}

void append_journal_export_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  if (journal_text_form_ok(value)) {
    out.push_back('=');
    out.append(value);
  } else {
    out.push_back('\n');
    append_le64(out, value.size());
    out.append(value);
  }
  out.push_back('\n');
}

std::string journal_attribute_field_name(std::string_view key) {
  std::string name = "KLOG_";
  for (char c : key) {
    if (name.size() >= kMaxFieldNameBytes) break;
    if (c >= 'a' && c <= 'z') {
      name.push_back(static_cast<char>(c - 'a' + 'A'));
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      name.push_back(c);
    } else {
      name.push_back('_');
    }
  }
  return name;
}

std::string synthetic_boot_id(std::string_view node) {
  std::string key = "kjournal synthetic boot of node ";
  key.append(node);
  std::string id;
  append_record_id(id, key);
  return id;
}

void append_journal_export_entry(std::string& out, const Record& r) {
  EntryWriter w(out);
  if (!r.journal_fields.empty()) {
    append_original_entry(w, r);
  } else {
    std::string scratch;
    append_synthesized_entry(w, r, scratch);
  }
  w.end();
}

EncodedRequest JournalExportEncoder::encode(std::span<const Record> records) {
  EncodedRequest req;
  req.method = "POST";
  req.path_and_query = kJournalUploadPath;
  req.content_type = kJournalExportContentType;
  req.compress = false;
  req.headers.emplace_back("Accept", "text/plain");
  for (const auto& r : records) append_journal_export_entry(req.body, r);
  return req;
}

}  // namespace kj::exporters
