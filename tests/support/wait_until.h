// Polling for a condition that another process or thread makes true (an agent delivering,
// a receiver counting), with a bound so that a regression fails the test instead of hanging.
#pragma once

#include <chrono>
#include <thread>

namespace kjt {

// Calls `done` every `poll` until it returns true (then true) or `timeout` passes (false).
template <class Done>
bool wait_until(Done done, std::chrono::milliseconds timeout = std::chrono::seconds(10),
                std::chrono::milliseconds poll = std::chrono::milliseconds(50)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(poll);
  }
  return true;
}

}  // namespace kjt
