// Renders Records for the terminal or for machines: journalctl's short formats with the
// normalized level added, `cat`, and kjournal's JSON record schema (README "JSON output").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/record_json.h"
#include "core/time_format.h"

namespace kj::cli {

enum class OutputMode { short_, short_iso, short_precise, json, json_pretty, cat };

// "short" -> OutputMode::short_, ...; nullopt for an unknown name.
std::optional<OutputMode> parse_output_mode(std::string_view name);
bool is_json(OutputMode m);

struct FormatOptions {
  OutputMode mode = OutputMode::short_;
  bool utc = false;
  bool color = false;
  // --output-fields: JSON keys to keep (empty: all). Journal field names (upper case) are
  // read from the entry and appear under "attributes".
  std::vector<std::string> fields;
};

// The JSON keys a record can have, in output order (core/record_json.h).
inline constexpr const auto& kJsonKeys = kRecordJsonKeys;

// The record's attributes as ` key=value` pairs (values quoted when they hold blanks,
// quotes, `=` or nothing), the way short output shows them after the message and -g sees
// them. Attributes that only repeat what the line already shows (klog_time) are skipped.
void append_attributes_text(std::string& out, const Record& r);

class RecordFormatter {
 public:
  explicit RecordFormatter(FormatOptions opts);
  void append(std::string& out, const Record& r);

 private:
  void append_short(std::string& out, const Record& r);

  FormatOptions opts_;
  ShortTimeFormatter time_;  // short outputs' timestamp, rendered once per second
  RecordJsonKeys keep_;
  RecordJsonWriter json_;
  std::string scratch_;
  std::string host_;  // shown for records without a node (log files)
};

}  // namespace kj::cli
