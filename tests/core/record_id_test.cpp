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

// Pinned values: the id is part of what a backend stores, so changing the function would
// make every replay after an upgrade look like new records. Change only on purpose.
TEST(RecordId, PinnedValues) {
  EXPECT_EQ(id(""), "46ef07c1670bdbfb5a574119ce092b10");
  EXPECT_EQ(id("s=b3e150cbc2e24693811b3cdb2d4417fd;i=1;b=7ed4d57b1e2feb89414c343c1027c4d1;"
               "m=103b60fae5c;t=66145d437f17e;x=e86624074878a231"),
            "88ff85a0bf6d8f50190491eb662517d7");
}

}  // namespace
}  // namespace kj
