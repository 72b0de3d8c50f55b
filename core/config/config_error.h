// Configuration errors. Every problem names the option's path and the YAML line it is on,
// as `exporters[1].url: not a URL: "ch:8123" (needs http:// or https://) (line 14)`; the
// loader collects all of them and throws one ConfigError.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace kj::config {

struct ConfigIssue {
  std::string path;  // "exporters[1].url"; empty for the document as a whole
  std::string reason;
  int line = 0;  // 1-based; 0 when there is no line (a file that cannot be read)

  // "<path>: <reason> (line N)"
  std::string message() const {
    std::string out = path.empty() ? reason : path + ": " + reason;
    if (line > 0) out += " (line " + std::to_string(line) + ")";
    return out;
  }
};

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<ConfigIssue> issues)
      : std::runtime_error(join(issues)), issues_(std::move(issues)) {}
  const std::vector<ConfigIssue>& issues() const { return issues_; }

 private:
  static std::string join(const std::vector<ConfigIssue>& issues) {
    std::string out;
    for (const auto& i : issues) {
      if (!out.empty()) out += '\n';
      out += i.message();
    }
    return out;
  }
  std::vector<ConfigIssue> issues_;
};

}  // namespace kj::config
