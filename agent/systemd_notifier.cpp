#include "agent/systemd_notifier.h"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace kj::agent {

SystemdNotifier::SystemdNotifier(ErrorSink on_error)
    : on_error_(std::move(on_error)), last_ping_(std::numeric_limits<Clock::rep>::min()) {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket != nullptr && *socket != '\0';
  if (enabled_) socket_ = socket;
  uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID, if set, is this process (a child
  // that inherited the variables must not ping for its parent).
  const int r = sd_watchdog_enabled(0, &usec);
  if (r > 0 && enabled_) {
    watchdog_interval_ = std::chrono::microseconds(usec);
  } else if (r < 0 && on_error_) {
    on_error_(std::string("ignoring the systemd watchdog settings: WATCHDOG_USEC/WATCHDOG_PID: ") +
              std::strerror(-r));
  }
}

void SystemdNotifier::status(std::string_view text) {
  std::string message = "STATUS=";
  for (char c : text) message += (c == '\n' || c == '\r') ? ' ' : c;
  send(message);
}

bool SystemdNotifier::watchdog_due(Clock::time_point now) const {
  if (watchdog_interval_.count() == 0) return false;
  const Clock::rep last = last_ping_.load(std::memory_order_relaxed);
  if (last == std::numeric_limits<Clock::rep>::min()) return true;
  return now - Clock::time_point(Clock::duration(last)) >= watchdog_interval_ / 2;
}

void SystemdNotifier::ping(Clock::time_point now) {
  if (watchdog_interval_.count() == 0) return;
  last_ping_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
  send("WATCHDOG=1");
}

void SystemdNotifier::send(const std::string& message) {
  if (!enabled_) return;
  const int r = sd_notify(0, message.c_str());
  if (r < 0 && on_error_) {
    std::string first_line = message.substr(0, message.find('\n'));
    on_error_("sd_notify " + first_line + " to " + socket_ + ": " + std::strerror(-r));
  }
}

}  // namespace kj::agent
