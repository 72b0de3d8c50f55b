#include "core/record_id.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>

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

// The id as first specified, a byte-wise copy of the key's tail and two hex digits per byte:
// the oracle for the word-wise tail and the vector hex digits of write_record_id.
std::string reference_id(std::string_view key) {
  auto mix = [](uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
  };
  uint64_t a = 0x243F6A8885A308D3ULL ^ key.size(), b = 0x13198A2E03707344ULL;
  size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) {
    uint64_t w = 0;
    for (size_t k = 0; k < 8; ++k) w |= uint64_t{static_cast<unsigned char>(key[i + k])} << (8 * k);
    a = (a ^ w) * 0x9E3779B97F4A7C15ULL;
    a = (a << 31) | (a >> 33);
    b = (b + w) * 0xC2B2AE3D27D4EB4FULL;
    b = (b << 27) | (b >> 37);
  }
  uint64_t tail = 0;
  for (size_t k = 0; i + k < key.size(); ++k) {
    tail |= uint64_t{static_cast<unsigned char>(key[i + k])} << (8 * k);
  }
  a = mix(a ^ tail ^ (b >> 7));
  b = mix(b + tail * 0x9E3779B97F4A7C15ULL + a);
  char buf[33];
  snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a),
           static_cast<unsigned long long>(b));
  return buf;
}

TEST(RecordId, EveryKeyLengthMatchesTheReference) {
  std::string key;
  for (size_t n = 0; n <= 72; ++n) {
    EXPECT_EQ(id(key), reference_id(key)) << n;
    key.push_back(static_cast<char>(0x21 + (n * 37) % 200));  // high bytes too
  }
  EXPECT_EQ(id("file:2049:1234567:89abcdef01234567:104857600"),
            reference_id("file:2049:1234567:89abcdef01234567:104857600"));
}

}  // namespace
}  // namespace kj
