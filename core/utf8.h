// UTF-8 facts shared by the parsers (which decode \u escapes and validate JSON strings) and
// the JSON writer (which replaces ill-formed input): one definition of "well-formed".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kj {

// Length (2-4) of the well-formed UTF-8 sequence starting at s[i], whose lead byte is >= 0x80;
// 0 when it is ill-formed: overlong forms, surrogates, code points above U+10FFFF, truncated
// sequences (RFC 3629). On 0, *subpart (if given) is the length of the maximal ill-formed
// subpart, at least 1: what Unicode's recommended practice replaces with one U+FFFD.
size_t utf8_sequence_length(std::string_view s, size_t i, size_t* subpart = nullptr);

// Appends the UTF-8 encoding of a code point (<= U+10FFFF; callers map surrogates first).
void append_utf8(std::string& out, uint32_t code_point);

}  // namespace kj
