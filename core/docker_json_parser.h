// Docker json-file log lines (`<id>-json.log`, FORMATS.md §5.5):
// {"log":"<content>\n","stream":"stdout","attrs":{...},"time":"<RFC3339Nano>"}
// Partial chunks (no trailing "\n" in `log`) are joined by the CriReassembler of
// cri_parser.h, the same mechanism as CRI `P` lines: to_chunk() adapts a DockerLine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/cri_parser.h"

namespace kj {

struct DockerLine {
  int64_t time_ns = 0;
  std::string log;     // `log` unescaped, without its trailing "\n"; "" when absent
  std::string stream;  // `stream` unescaped ("stdout", "stderr"); "" when absent
  // `attrs` (labels/env/tag log-opts) as its JSON text exactly as written, a view into the
  // line; "" when absent. Kept as text, not flattened: it is rare, moby writes it compact,
  // and the consumer decides which of its keys become attributes.
  std::string_view attrs;
  bool partial = false;  // `log` did not end in "\n": more of the line follows
};

// Parses one line (a trailing "\n" is JSON whitespace). Returns false (out unspecified) for
// invalid JSON (RFC 8259 as nlohmann::json reads it: invalid UTF-8, lone surrogates, raw
// control characters, trailing bytes, numbers out of double range all fail), a top level that
// is not an object, a missing or non-RFC 3339 `time` string, neither `log` nor `stream`
// present, or a `log`/`stream`/`time` that is not a string. Other members are validated and
// ignored; for repeated members the last wins. Never throws.
//
// Hand-written for speed (this runs once per line of every Docker container log): strings
// are scanned and decoded in place; only non-string members (attrs, unknown keys) are
// validated through nlohmann::json::accept. `out.log` keeps its capacity across calls.
bool parse_docker_json(std::string_view line, DockerLine& out);

// The chunk for CriReassembler::add; its content views line.log, so `line` must outlive
// the use of what add() returns.
LogChunk to_chunk(const DockerLine& line, uint64_t origin);

}  // namespace kj
