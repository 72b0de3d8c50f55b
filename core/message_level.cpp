#include "core/message_level.h"

#include "core/klog_header.h"
#include "core/logrus_level.h"

namespace kj {

std::optional<MessageLevel> detect_message_level(std::string_view message) {
  if (message.empty()) return std::nullopt;
  // Cheap first-byte dispatch: this runs for every journal entry.
  const char c = message[0];
  if (c == 'I' || c == 'W' || c == 'E' || c == 'F') {
    if (auto h = parse_klog_header(message)) {
      MessageLevel m;
      m.severity = h->severity;
      m.raw = message.substr(h->letter_offset, 1);
      m.caller = h->caller;
      m.message_offset = h->message_offset;
      m.klog = true;
      return m;
    }
  }
  if (c == 't' || c == 'l' || c == '\x1b' || (c >= 'A' && c <= 'Z')) {
    // An unrecognized level name (level=verbose) says nothing; PRIORITY then decides.
    if (auto l = detect_logrus_level(message); l && l->severity != Severity::unknown) {
      MessageLevel m;
      m.severity = l->severity;
      m.raw = l->raw;
      return m;
    }
  }
  return std::nullopt;
}

}  // namespace kj
