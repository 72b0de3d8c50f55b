#include "exporters/http/retry_policy.h"

#include <algorithm>

namespace kj::exporters {

RetryPolicy::RetryPolicy(const config::RetryConfig& config, uint64_t seed)
    : config_(config), rng_(seed) {
  if (config_.initial.count() < 1) config_.initial = Millis{1};
  if (config_.max < config_.initial) config_.max = config_.initial;
}

RetryPolicy::RetryPolicy(const config::RetryConfig& config)
    : RetryPolicy(config, (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()) {}

RetryPolicy::Millis RetryPolicy::current_ceiling() const {
  // Doubling stops at the cap, so the shift never overflows however long the streak.
  int64_t ceiling = config_.initial.count();
  for (unsigned i = 0; i < attempts_ && ceiling < config_.max.count(); ++i) ceiling *= 2;
  return Millis{std::min<int64_t>(ceiling, config_.max.count())};
}

std::optional<RetryPolicy::Millis> RetryPolicy::next_delay(Millis retry_after,
                                                           Clock::time_point now) {
  if (!streak_start_) streak_start_ = now;
  if (config_.max_elapsed.count() > 0 && now - *streak_start_ >= config_.max_elapsed)
    return std::nullopt;
  std::uniform_int_distribution<int64_t> jitter(0, current_ceiling().count());
  Millis delay{jitter(rng_)};
  ++attempts_;
  const Millis honoured = std::min(retry_after, std::max(kMaxRetryAfter, config_.max));
  return std::max(delay, honoured);
}

void RetryPolicy::reset() {
  attempts_ = 0;
  streak_start_.reset();
}

}  // namespace kj::exporters
