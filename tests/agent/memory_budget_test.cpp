#include "agent/memory_budget.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace kj::agent {
namespace {

using namespace std::chrono_literals;

TEST(MemoryBudget, BlocksUntilReleased) {
  MemoryBudget b(100);
  std::stop_source never;
  ASSERT_TRUE(b.acquire(80, never.get_token()));
  std::atomic<bool> got{false};
  std::thread t([&] {
    EXPECT_TRUE(b.acquire(40, never.get_token()));
    got = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(got.load()) << "80 + 40 exceeds the budget of 100";
  b.release(80);
  t.join();
  EXPECT_TRUE(got.load());
  EXPECT_EQ(b.used(), 40u);
}

TEST(MemoryBudget, OversizedRequestWaitsForAnEmptyBudgetInsteadOfDeadlocking) {
  MemoryBudget b(100);
  std::stop_source never;
  ASSERT_TRUE(b.acquire(500, never.get_token()));
  EXPECT_EQ(b.used(), 500u);
  b.release(500);
  EXPECT_EQ(b.used(), 0u);
}

TEST(MemoryBudget, StopUnblocksAWaiter) {
  MemoryBudget b(10);
  std::stop_source stop;
  ASSERT_TRUE(b.acquire(10, stop.get_token()));
  std::atomic<int> result{-1};
  std::thread t([&] { result = b.acquire(5, stop.get_token()) ? 1 : 0; });
  std::this_thread::sleep_for(20ms);
  stop.request_stop();
  t.join();
  EXPECT_EQ(result.load(), 0);
  EXPECT_EQ(b.used(), 10u);
}

}  // namespace
}  // namespace kj::agent
