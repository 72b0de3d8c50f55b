// Deterministic record ids: the same source position always yields the same id, so a
// replayed record (after a crash or retry) deduplicates in backends that key on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kj {

// 32 lowercase hex digits derived from the bytes of `key` (a journal cursor, or a file
// identity + offset rendered as text). Not cryptographic; stable across versions.
void append_record_id(std::string& out, std::string_view key);
// The same 32 digits into buf[0..31].
inline constexpr size_t kRecordIdBytes = 32;
void write_record_id(char* buf, std::string_view key);

}  // namespace kj
