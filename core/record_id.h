// Deterministic record ids: the same source position always yields the same id, so a
// replayed record (after a crash or retry) deduplicates in backends that key on it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kj {

// 32 lowercase hex digits derived from the bytes of `key` (a journal cursor, or a file
// identity + offset rendered as text). Not cryptographic; stable across versions.
void append_record_id(std::string& out, std::string_view key);

}  // namespace kj
