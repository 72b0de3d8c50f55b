#include "core/record_id.h"

namespace kj {
namespace {

// Two independent 64-bit FNV-1a lanes (different offset bases, the second over a rotated
// byte value) give 128 bits; the inputs are short and unique per entry, so what matters is
// stability across builds and platforms, which std::hash does not promise.
constexpr uint64_t kPrime = 0x100000001b3ULL;

void append_hex64(std::string& out, uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(v >> shift) & 0xF]);
}

}  // namespace

void append_record_id(std::string& out, std::string_view key) {
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  for (unsigned char c : key) {
    a = (a ^ c) * kPrime;
    b = (b ^ static_cast<unsigned char>((c << 3) | (c >> 5))) * kPrime;
  }
  // Final avalanche so ids of cursors differing in one digit do not share prefixes.
  for (uint64_t* h : {&a, &b}) {
    *h ^= *h >> 33;
    *h *= 0xff51afd7ed558ccdULL;
    *h ^= *h >> 33;
  }
  append_hex64(out, a);
  append_hex64(out, b);
}

}  // namespace kj
