// component-base JSON records (`--logging-format=json`, FORMATS.md §3): one zap JSON object
// per line with `ts` (epoch milliseconds as a float), `caller`, `msg`, `v` and free pairs.
#pragma once

#include <string_view>

#include "core/parsed_line.h"

namespace kj {

// Parses one line (surrounding JSON whitespace, a trailing newline included, is allowed).
// Returns false, with out.format == LineFormat::unknown, unless the line is a single valid JSON
// object (RFC 8259, strings valid UTF-8) with a `msg` member or a numeric `ts` member. Telling
// component-base JSON from other JSON lines (logrus JSON, docker json-file) is the caller's
// format detection (FORMATS.md §10); this function does not look for a `level` key.
//
// On success, format klog_json and:
//  * time_ns from `ts`, decoded from its decimal text (no binary floating point), rounded
//    towards negative infinity to whole nanoseconds; read as seconds when below 1e11 (the
//    documented but stale unit, §3.1); unset when out of the int64 range or not a number.
//  * `v` present: severity_from_klog_verbosity(v), verbosity = v, level_raw "v=<v>" (a `v`
//    that is not an integer in int range still means info, with verbosity unset).
//    `v` absent: severity error, level_raw "(no v key)" (the corpus' SeverityText for it).
//  * message from `msg`, caller from `caller` (the last one when repeated; a non-string value
//    is kept as its compact JSON text).
//  * every other member, `err` and `logger` included, in fields in order of appearance,
//    repeats kept: strings as their decoded value, anything else as compact JSON text (the
//    input's text with insignificant whitespace removed; numbers and escapes as written).
//    A `\u` escape of a lone surrogate decodes to U+FFFD, as Go's encoding/json does.
//
// `out` is overwritten; its strings (fields included) keep their capacity. Never throws.
bool parse_klog_json(std::string_view line, ParsedLine& out);

}  // namespace kj
