// -g/--grep: PCRE2 like journalctl, and journalctl's case rule: a pattern without upper-case
// letters matches case-insensitively.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kj::cli {

class GrepFilter {
 public:
  // case_sensitive: nullopt = journalctl's automatic rule. Throws std::invalid_argument with
  // PCRE2's message and offset on a bad pattern.
  GrepFilter(const std::string& pattern, std::optional<bool> case_sensitive);
  ~GrepFilter();
  GrepFilter(const GrepFilter&) = delete;
  GrepFilter& operator=(const GrepFilter&) = delete;
  bool matches(std::string_view text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kj::cli
