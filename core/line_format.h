// Per-line format detection (FORMATS.md §10): which parser to try on a line. Sources mix
// formats (a JSON-configured kubelet writes klog text lines before its logging config applies,
// §3.2), so this runs for every line and only looks at the first bytes, plus the top-level
// keys of a JSON object. It picks a parser; it does not validate: the parser may still say no
// (then the line is shown raw).
#pragma once

#include <string_view>

#include "core/parsed_line.h"

namespace kj {

// Leading blanks (space, tab, CR, LF) are skipped. Then, in order:
//   `{`: a JSON object, classified by its top-level keys (nested keys and string contents do
//     not count): "ts" -> klog_json; "log" plus "stream" or "time", or "stream" plus "time",
//     and no "level" -> docker_json; "level" plus "msg" or "time" -> logrus_json; "msg"
//     without "level" -> klog_json; anything else unknown. Truncated JSON is classified by
//     the keys seen.
//   an upper-case letter, 4 or 8 digits, a blank and `hh:` (any letter and digits: the klog
//     parser validates them), or glog's `ERROR: logging before flag.Parse: ` prefix -> klog;
//   `time=` or `level=` -> logrus (key=value layout);
//   a logrus TTY tag (`INFO[`, optionally in colour escapes) -> logrus;
//   `YYYY-MM-DDT... ` followed by `stdout ` or `stderr ` -> cri;
//   otherwise unknown.
LineFormat detect_format(std::string_view line);

}  // namespace kj
