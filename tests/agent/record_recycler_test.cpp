#include "agent/record_recycler.h"

#include <gtest/gtest.h>

namespace kj::agent {
namespace {

std::vector<Record> records_with_message(size_t n, const std::string& message) {
  std::vector<Record> v(n);
  for (auto& r : v) r.message = message;
  return v;
}

TEST(RecordRecyclerTest, GivesBackRecordsWithTheirCapacity) {
  RecordRecycler recycler(2);
  EXPECT_TRUE(recycler.take().empty());
  const std::string long_message(300, 'x');
  recycler.give(records_with_message(3, long_message));
  auto again = recycler.take();
  ASSERT_EQ(again.size(), 3u);
  again[0].clear();
  EXPECT_GE(again[0].message.capacity(), long_message.size());
  EXPECT_TRUE(recycler.take().empty());
}

TEST(RecordRecyclerTest, KeepsAtMostItsLimit) {
  RecordRecycler recycler(2);
  for (int i = 0; i < 5; ++i) recycler.give(records_with_message(1, "m"));
  recycler.give({});  // nothing to keep
  EXPECT_FALSE(recycler.take().empty());
  EXPECT_FALSE(recycler.take().empty());
  EXPECT_TRUE(recycler.take().empty());
}

}  // namespace
}  // namespace kj::agent
