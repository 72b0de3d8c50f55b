// Records as the Journal Export Format that systemd-journal-remote reads from `POST /upload`
// (https://systemd.io/JOURNAL_EXPORT_FORMATS/). Journal records read with their original
// fields travel unchanged, so the central journal holds the node's entries as journald wrote
// them; records without them (log files) get journal fields made from the normalized record.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/record.h"
#include "exporters/http/http_exporter.h"

namespace kj::exporters {

inline constexpr std::string_view kJournalUploadPath = "/upload";
inline constexpr std::string_view kJournalExportContentType = "application/vnd.fdo.journal";
// journal-remote's ENTRY_FIELD_COUNT_MAX: a longer entry makes it abort the connection.
inline constexpr size_t kMaxJournalEntryFields = 1024;

// journald's field name rule: A-Z, 0-9 and '_', not starting with a digit, 1..64 bytes.
bool is_valid_journal_field_name(std::string_view name);

// Whether `value` may use the text form `NAME=value`: valid UTF-8 without control
// characters (C0 except TAB, DEL, C1), so in particular without a newline. Anything else
// needs the binary form. This is systemd-journal-upload's printable test.
bool journal_text_form_ok(std::string_view value);

// Appends one field: `NAME=value\n`, or `NAME\n` + little-endian uint64 length + value + `\n`.
void append_journal_export_field(std::string& out, std::string_view name, std::string_view value);

// "KLOG_" + the attribute key upper-cased, with every byte outside [A-Z0-9_] replaced by
// '_' and cut to journald's 64-byte limit ("podUID" -> "KLOG_PODUID").
std::string journal_attribute_field_name(std::string_view key);

// The _BOOT_ID given to records that have no journal boot (log files): 32 hex digits derived
// from the node name, the same on every run, so a node's file records form one boot in the
// central journal and `journalctl -b` style grouping stays stable across agent restarts.
std::string synthetic_boot_id(std::string_view node);

// Appends one entry (its fields and the empty line that ends it).
//
// With journal_fields: __REALTIME_TIMESTAMP, __MONOTONIC_TIMESTAMP and _BOOT_ID first, then
// every original field in order; __CURSOR and other "__" address fields are not fields and
// are skipped, as are names journald would reject (the importer ignores them anyway).
//
// Without: __REALTIME_TIMESTAMP from time_ns; __MONOTONIC_TIMESTAMP equal to it (the
// synthetic boot "started" at the epoch, so the two clocks agree and sd-journal, which orders
// entries of one boot by the monotonic clock, keeps them in time order); _BOOT_ID from
// synthetic_boot_id(node); MESSAGE; PRIORITY (syslog number, when the severity is known);
// SYSLOG_IDENTIFIER (identifier, else component); SYSLOG_PID; _HOSTNAME (node);
// _SYSTEMD_UNIT (unit); KJOURNAL_COMPONENT, KJOURNAL_LEVEL (level as written),
// KJOURNAL_CALLER, KJOURNAL_SOURCE (file path or "journal"), KJOURNAL_RECORD_ID (the id
// `kjournal -o json` prints); and each attribute as journal_attribute_field_name(key).
// Empty values are left out. Either way at most kMaxJournalEntryFields fields are written.
void append_journal_export_entry(std::string& out, const Record& r);

class JournalExportEncoder final : public HttpEncoder {
 public:
  // POST /upload, application/vnd.fdo.journal, uncompressed: journal-remote before systemd
  // 258 accepts no Content-Encoding at all.
  EncodedRequest encode(std::span<const Record> records) override;
};

}  // namespace kj::exporters
