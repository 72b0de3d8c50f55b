#include "core/record_id.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

#if !defined(__SSE2__)
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
#endif

// `a` then `b` as 32 lowercase hex digits, most significant first.
void put_hex128(char* buf, uint64_t a, uint64_t b) {
#if defined(__SSE2__)
  // Every record of -o json carries an id: all 32 digits in a few vector steps instead of 32
  // table loads and stores. The bytes go most significant first, each as its high nibble then
  // its low one; a nibble n becomes '0' + n, plus 'a' - '0' - 10 when it is above 9.
  const __m128i bytes = _mm_set_epi64x(static_cast<int64_t>(__builtin_bswap64(b)),
                                       static_cast<int64_t>(__builtin_bswap64(a)));
  const __m128i low_nibbles = _mm_set1_epi8(0x0F);
  const __m128i hi = _mm_and_si128(_mm_srli_epi16(bytes, 4), low_nibbles);
  const __m128i lo = _mm_and_si128(bytes, low_nibbles);
  auto digits = [](__m128i n) {
    const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(n, _mm_set1_epi8(9)), _mm_set1_epi8(39));
    return _mm_add_epi8(_mm_add_epi8(n, _mm_set1_epi8('0')), letter);
  };
  _mm_storeu_si128(reinterpret_cast<__m128i*>(buf), digits(_mm_unpacklo_epi8(hi, lo)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(buf + 16), digits(_mm_unpackhi_epi8(hi, lo)));
#else
  for (int i = 7; i >= 0; --i, a >>= 8, b >>= 8) {
    buf[2 * i] = kHexPairs[2 * (a & 0xFF)];
    buf[2 * i + 1] = kHexPairs[2 * (a & 0xFF) + 1];
    buf[16 + 2 * i] = kHexPairs[2 * (b & 0xFF)];
    buf[16 + 2 * i + 1] = kHexPairs[2 * (b & 0xFF) + 1];
  }
#endif
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
  // The last key.size() - i (< 8) bytes as a little-endian number. A copy of a variable length
  // is a library call; for keys of a word or more (every real one) the last word, shifted, is
  // the same number on a little-endian host.
  const size_t rest = key.size() - i;
  uint64_t tail = 0;
  if constexpr (std::endian::native == std::endian::little) {
    if (rest != 0 && key.size() >= 8) {
      memcpy(&tail, key.data() + key.size() - 8, 8);
      tail >>= 8 * (8 - rest);
    } else {
      memcpy(&tail, key.data() + i, rest);
    }
  } else {
    memcpy(&tail, key.data() + i, rest);
  }
  a = mix(a ^ tail ^ (b >> 7));
  b = mix(b + tail * kMulA + a);
  put_hex128(buf, a, b);
}

}  // namespace kj
