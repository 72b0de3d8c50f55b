// Severity from the message text. kubelet and containerd write to journald through stdout,
// so PRIORITY is 6 for everything they log; the real level is inside MESSAGE (a klog header
// `E1127 ...` or a logrus `level=error`). When one is found it wins over PRIORITY.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "core/severity.h"

namespace kj {

struct MessageLevel {
  Severity severity = Severity::unknown;
  std::string_view raw;       // "E", "error", ...
  std::string_view caller;    // klog "file.go:12", empty for logrus
  size_t message_offset = 0;  // bytes of header to strip (klog only; 0 for logrus)
  bool klog = false;
};

std::optional<MessageLevel> detect_message_level(std::string_view message);

}  // namespace kj
