// How the file collector knows a file: (device, inode) says which file a path names now, and a
// fingerprint of its first bytes says whether the content is still the one we were reading.
// The fingerprint catches what the inode cannot: an inode number reused by a new file after a
// delete, and a copytruncate rotation that rewrote the file in place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kj::file {

// The fingerprint covers the first line, at most this many bytes of it: it is final as soon as
// the first line is complete, so it stays the same while the file grows.
inline constexpr size_t kFingerprintMaxBytes = 256;

struct Fingerprint {
  uint64_t hash = 0;
  uint32_t length = 0;    // bytes hashed
  bool complete = false;  // the first line ended (or kFingerprintMaxBytes were reached)

  bool operator==(const Fingerprint&) const = default;
};

// Fingerprint of a file whose first bytes are `head` (all of the file when it is shorter
// than kFingerprintMaxBytes).
Fingerprint fingerprint_of(std::string_view head);

// Whether a file starting with `head` still has the content `known` was taken from: its first
// known.length bytes hash the same. A longer head than known.length is fine (the file grew).
bool fingerprint_matches(const Fingerprint& known, std::string_view head);

// Reads the first kFingerprintMaxBytes of an open plain file with pread (the file offset is
// untouched). nullopt on a read error.
std::optional<std::string> read_head(int fd);
// Up to `n` bytes at `offset` of an open plain file (pread; the file offset is untouched);
// fewer at its end, none on a read error.
std::string read_at(int fd, uint64_t offset, size_t n);

// 16 lowercase hex digits.
void append_hex64(std::string& out, uint64_t v);

// The key record ids are derived from: "file:<dev>:<ino>:<fingerprint hex>:<offset>". Stable
// for a byte of a given file, different for a reused inode or a rewritten file.
void append_record_key(std::string& out, uint64_t device, uint64_t inode, uint64_t fingerprint,
                       uint64_t offset);

}  // namespace kj::file
