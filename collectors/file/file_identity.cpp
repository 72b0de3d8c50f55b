#include "collectors/file/file_identity.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kj::file {
namespace {

// FNV-1a: the input is at most 256 bytes per file and per check, so a simple byte-wise hash
// is plenty; what matters is that it never changes between versions (ids are derived from it).
uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

void append_decimal(std::string& out, uint64_t v) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n != 0) out.push_back(buf[--n]);
}

}  // namespace

Fingerprint fingerprint_of(std::string_view head) {
  head = head.substr(0, kFingerprintMaxBytes);
  Fingerprint f;
  const size_t nl = head.find('\n');
  if (nl != std::string_view::npos) {
    head = head.substr(0, nl + 1);
    f.complete = true;
  } else {
    f.complete = head.size() == kFingerprintMaxBytes;
  }
  f.length = static_cast<uint32_t>(head.size());
  f.hash = fnv1a(head);
  return f;
}

bool fingerprint_matches(const Fingerprint& known, std::string_view head) {
  if (head.size() < known.length) return false;
  return fnv1a(head.substr(0, known.length)) == known.hash;
}

std::optional<std::string> read_head(int fd) {
  std::string head(kFingerprintMaxBytes, '\0');
  size_t got = 0;
  while (got < head.size()) {
    const ssize_t n = pread(fd, head.data() + got, head.size() - got, static_cast<off_t>(got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  head.resize(got);
  return head;
}

std::string read_at(int fd, uint64_t offset, size_t n) {
  std::string out(n, '\0');
  ssize_t got;
  do {
    got = pread(fd, out.data(), n, static_cast<off_t>(offset));
  } while (got < 0 && errno == EINTR);
  out.resize(got > 0 ? static_cast<size_t>(got) : 0);
  return out;
}

void append_hex64(std::string& out, uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  char buf[16];
  for (int i = 15; i >= 0; --i, v >>= 4) buf[i] = kHex[v & 0xF];
  out.append(buf, 16);
}

void append_record_key(std::string& out, uint64_t device, uint64_t inode, uint64_t fingerprint,
                       uint64_t offset) {
  out.append("file:");
  append_decimal(out, device);
  out.push_back(':');
  append_decimal(out, inode);
  out.push_back(':');
  append_hex64(out, fingerprint);
  out.push_back(':');
  append_decimal(out, offset);
}

}  // namespace kj::file
