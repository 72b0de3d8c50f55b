// When to try again after a retryable failure: exponential backoff with full jitter
// (delay = uniform(0, min(cap, initial * 2^n)), the scheme the AWS architecture blog's
// "Exponential Backoff And Jitter" shows spreads retries of many clients best), never
// sooner than a Retry-After the server sent, reset by a success, and an optional bound on
// the total time spent retrying one failure streak.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

#include "core/config/agent_config.h"

namespace kj::exporters {

class RetryPolicy {
 public:
  using Clock = std::chrono::steady_clock;
  using Millis = std::chrono::milliseconds;

  // A Retry-After longer than this is shortened to it: a broken proxy must not stall an
  // exporter for days. It never shortens below the configured cap.
  static constexpr Millis kMaxRetryAfter{std::chrono::minutes(5)};

  RetryPolicy(const config::RetryConfig& config, uint64_t seed);
  explicit RetryPolicy(const config::RetryConfig& config);  // seeded from std::random_device

  // The delay before the next attempt after a failure observed at `now`, honouring the
  // server's `retry_after` (0: none). nullopt once max_elapsed (if not 0) has passed since
  // the first failure of the current streak: give up.
  std::optional<Millis> next_delay(Millis retry_after = Millis{0},
                                   Clock::time_point now = Clock::now());

  // A success ends the streak: the next failure starts again at `initial`.
  void reset();

  // Failures in the current streak.
  unsigned attempts() const { return attempts_; }
  // The upper bound of the jitter window for the next failure: min(cap, initial * 2^attempts).
  Millis current_ceiling() const;

 private:
  config::RetryConfig config_;
  std::mt19937_64 rng_;
  unsigned attempts_ = 0;
  std::optional<Clock::time_point> streak_start_;
};

}  // namespace kj::exporters
