#include "agent/loop_heartbeat.h"

#include <cstdio>
#include <string>

namespace kj::agent {

LoopHeartbeat::LoopHeartbeat(std::chrono::milliseconds max_silence, Clock::time_point now)
    : max_silence_(max_silence), last_tick_(now.time_since_epoch().count()) {}

void LoopHeartbeat::tick(Clock::time_point now) {
  last_tick_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
}

Liveness LoopHeartbeat::check(Clock::time_point now) const {
  const Clock::time_point last{Clock::duration{last_tick_.load(std::memory_order_relaxed)}};
  const auto silence = now - last;
  if (silence <= max_silence_) return {};
  char text[128];
  std::snprintf(text, sizeof text, "main loop last ticked %.1fs ago (limit %.1fs)",
                std::chrono::duration<double>(silence).count(),
                std::chrono::duration<double>(max_silence_).count());
  return {false, text};
}

}  // namespace kj::agent
