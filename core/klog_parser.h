// klog / glog text records (FORMATS.md §1, §2): header fields plus either the verbatim
// message (Info/Infof/...) or the quoted message and key/value pairs of InfoS/ErrorS/logr.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/klog_header.h"
#include "core/parsed_line.h"

namespace kj {

// Parses one whole klog record: the header line plus its continuation lines joined with `\n`,
// as the multi-line grouper hands it over (one trailing `\n`, if any, is not part of the
// record). Returns false, with out.format == LineFormat::unknown, when the record does not
// start with a valid klog header (no leading blanks are skipped: the record-boundary rule of
// §1.3 never produces them).
//
// On success: format klog, severity and level_raw ("I", "W", "E", "F"), local_time (year only
// from C++ glog's 8-digit date), thread_id, caller "file:line". A message that is a Go-quoted
// string followed by pairs that all decode (§2.5) is structured: message is the unquoted text,
// fields the pairs in order (duplicates kept, values as text: Go strings unquoted, `=<` blocks
// joined, JSON / legacy `%+v` values verbatim). Otherwise message is everything after `] `,
// continuation lines included, and fields is empty.
//
// `out` is overwritten; its strings (fields included) keep their capacity, so reusing one
// ParsedLine across records avoids allocating per record.
bool parse_klog(std::string_view record, ParsedLine& out);

// The same, for a record whose header the caller has already parsed (the file collector
// parses it to find where records start): `header` must be parse_klog_header's result for the
// record's first physical line. Only its values and offsets are used, not its views, so it
// may come from another copy of the same bytes. Same result as parse_klog(record, out).
bool parse_klog(std::string_view record, const KlogHeader& header, ParsedLine& out);

// Decodes the Go double-quoted string literal that starts at text[pos] (which must be '"')
// and appends its bytes to `out`, with strconv.Unquote's escapes (\a \b \f \n \r \t \v \\ \"
// \' \xNN \NNN \uNNNN \UNNNNNNNN). On success pos is just past the closing quote. Returns
// false, with pos and the appended bytes unspecified, for an invalid escape, a raw newline or a
// missing closing quote. Bytes are kept as they are: `\xNN` and raw input may yield invalid
// UTF-8, which is the output layer's to replace.
bool append_go_quoted(std::string_view text, size_t& pos, std::string& out);

}  // namespace kj
