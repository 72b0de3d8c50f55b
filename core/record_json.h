// kjournal's JSON record schema (README "JSON output"), one object per record: what
// `kjournal -o json` prints and what the stdout and file exporters write, from one function
// so the CLI and the agent can never drift apart.
#pragma once

#include <bitset>
#include <cstddef>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include "core/record.h"
#include "core/time_format.h"

namespace kj {

// The JSON keys a record can have, in output order.
inline constexpr std::string_view kRecordJsonKeys[] = {
    "time", "observed_time", "severity", "level",      "component", "unit",   "node", "identifier",
    "pid",  "message",       "caller",   "attributes", "source",    "cursor", "id"};

// Which of kRecordJsonKeys to write (bit i: kRecordJsonKeys[i]).
using RecordJsonKeys = std::bitset<std::size(kRecordJsonKeys)>;

inline RecordJsonKeys all_record_json_keys() {
  return RecordJsonKeys().set();
}

// Appends the record as one JSON object (no trailing newline). Empty strings, unknown
// severity, pid -1 and an observed time equal to the event time are left out; bytes that
// are not valid UTF-8 become U+FFFD, so the output is always valid JSON.
void append_record_json(std::string& out, const Record& r,
                        const RecordJsonKeys& keys = all_record_json_keys());

// The same for a stream of records (the CLI's -o json): it keeps what consecutive records
// share, the text of the current second and a buffer for records too large for the stack,
// which append_record_json sets up again for every record.
class RecordJsonWriter {
 public:
  void append(std::string& out, const Record& r,
              const RecordJsonKeys& keys = all_record_json_keys());

 private:
  Rfc3339UtcFormatter time_;
  std::unique_ptr<char[]> large_;
  size_t large_size_ = 0;
};

}  // namespace kj
