// Liveness of the agent's main loop: the loop calls tick() on every turn, /healthz asks
// check(). A loop that has not ticked for longer than the allowed silence is reported dead,
// so a supervisor (kubelet's liveness probe, systemd's watchdog) can restart the agent.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "agent/health.h"

namespace kj::agent {

class LoopHeartbeat {
 public:
  using Clock = std::chrono::steady_clock;

  // The loop counts as ticking from construction on.
  explicit LoopHeartbeat(std::chrono::milliseconds max_silence,
                         Clock::time_point now = Clock::now());

  void tick(Clock::time_point now = Clock::now());
  Liveness check(Clock::time_point now = Clock::now()) const;
  std::chrono::milliseconds max_silence() const { return max_silence_; }

 private:
  std::chrono::milliseconds max_silence_;
  // Read by the HTTP server's threads while the main loop writes it.
  std::atomic<Clock::rep> last_tick_;
};

}  // namespace kj::agent
