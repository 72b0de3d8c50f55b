#include "core/record_id.h"

#include <array>
#include <cstring>

namespace kj {
namespace {

// Two 64-bit lanes over 8-byte words, each word multiplied in with a different odd constant,
// then a final avalanche. The inputs are short and unique per entry (journal cursors); what
// matters is speed on the hot path and stability across builds and platforms, which
// std::hash does not promise.
constexpr uint64_t kMulA = 0x9E3779B97F4A7C15ULL;
constexpr uint64_t kMulB = 0xC2B2AE3D27D4EB4FULL;

uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// Byte -> its two hex digits: one lookup per byte of the 16 an id has.
constexpr std::array<char, 512> kHexPairs = [] {
  constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 512> t{};
  for (size_t b = 0; b < 256; ++b) {
    t[2 * b] = kHex[b >> 4];
    t[2 * b + 1] = kHex[b & 0xF];
  }
  return t;
}();

void put_hex64(char* buf, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) {
    buf[2 * i] = kHexPairs[2 * (v & 0xFF)];
    buf[2 * i + 1] = kHexPairs[2 * (v & 0xFF) + 1];
  }
}

}  // namespace

void append_record_id(std::string& out, std::string_view key) {
  char buf[kRecordIdBytes];
  write_record_id(buf, key);
  out.append(buf, sizeof buf);
}

void write_record_id(char* buf, std::string_view key) {
  uint64_t a = 0x243F6A8885A308D3ULL ^ key.size(), b = 0x13198A2E03707344ULL;
  size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) {
    uint64_t w;
    memcpy(&w, key.data() + i, 8);
    a = (a ^ w) * kMulA;
    a = (a << 31) | (a >> 33);
    b = (b + w) * kMulB;
    b = (b << 27) | (b >> 37);
  }
  uint64_t tail = 0;
  memcpy(&tail, key.data() + i, key.size() - i);
  a = mix(a ^ tail ^ (b >> 7));
  b = mix(b + tail * kMulA + a);
  put_hex64(buf, a);
  put_hex64(buf + 16, b);
}

}  // namespace kj
