// The agent's side of Type=notify (sd_notify(3), sd_watchdog_enabled(3)): READY=1 once
// sources and checkpoints are up, STATUS= lines for `systemctl status`, WATCHDOG=1 keep-alives
// when the unit sets WatchdogSec=, STOPPING=1 on shutdown. Without NOTIFY_SOCKET (not started
// by systemd, or a container) every call is a no-op.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace kj::agent {

class SystemdNotifier {
 public:
  using Clock = std::chrono::steady_clock;
  // Receives the reason when a notification could not be sent (the agent logs it).
  using ErrorSink = std::function<void(std::string_view)>;

  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID now, once (the environment is left
  // as it is).
  explicit SystemdNotifier(ErrorSink on_error = {});

  // NOTIFY_SOCKET is set: messages go somewhere.
  bool enabled() const { return enabled_; }

  void ready() { send("READY=1"); }
  void stopping() { send("STOPPING=1"); }
  // SIGHUP: the reload starts; ready() again when it is done.
  void reloading() { send("RELOADING=1"); }
  // One line of free text; line feeds become blanks (a line feed would start another
  // assignment in the message).
  void status(std::string_view text);

  // The unit's WatchdogSec= for this process, zero when there is none.
  std::chrono::microseconds watchdog_interval() const { return watchdog_interval_; }
  // The main loop asks on each turn and pings when due: at half the interval, as
  // sd_watchdog_enabled(3) recommends, so one slow turn does not get the agent killed.
  bool watchdog_due(Clock::time_point now = Clock::now()) const;
  void ping(Clock::time_point now = Clock::now());

 private:
  void send(const std::string& message);

  ErrorSink on_error_;
  bool enabled_ = false;
  std::string socket_;  // for messages about failures
  std::chrono::microseconds watchdog_interval_{0};
  // Clock::rep of the last WATCHDOG=1; the minimum until the first ping, so it is due at once.
  std::atomic<Clock::rep> last_ping_;
};

}  // namespace kj::agent
