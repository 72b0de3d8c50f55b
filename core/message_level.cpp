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
      // The letter sits right before the month digits; with the old glog prefix it is not
      // at offset 0, so take it from the parsed header.
      const size_t letter_at = message.find(h->letter);
      m.raw = message.substr(letter_at, 1);
      m.caller = h->caller;
      m.message_offset = h->message_offset;
      m.klog = true;
      return m;
    }
  }
  if (c == 't' || c == 'l' || c == '\x1b' || (c >= 'A' && c <= 'Z')) {
    if (auto l = detect_logrus_level(message)) {
      MessageLevel m;
      m.severity = l->severity;
      m.raw = l->raw;
      return m;
    }
  }
  return std::nullopt;
}

}  // namespace kj
