// The record-boundary test for klog files: whether a line starts with a strict klog header.
// It runs on every physical line before the record's parser validates the header once more,
// so it is a lean boolean twin of parse_klog_header (core/klog_header.h): no KlogHeader is
// built, every fixed-width field is checked in place. The two must agree on every input; the
// tests compare them on the corpus and on mutated lines.
#pragma once

#include <string_view>

namespace kj::file {

// Same answer as parse_klog_header(line).has_value().
bool starts_with_klog_header(std::string_view line);

}  // namespace kj::file
