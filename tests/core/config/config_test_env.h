// Load options for config tests: a fixed environment and host name instead of the
// process's, and a fixed "now" for relative time specs.
#pragma once

#include <map>
#include <string>

#include "core/config/config_loader.h"

namespace kjt {

inline kj::config::LoadOptions config_test_options(std::map<std::string, std::string> env = {}) {
  kj::config::LoadOptions o;
  o.env = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  o.hostname = [] { return std::string("host-1"); };
  o.now_us = int64_t{1'764'236'400} * 1'000'000;  // 2025-11-27 09:40:00 UTC
  return o;
}

// The ConfigError's text, or "" when the document loads.
inline std::string config_errors(const std::string& yaml,
                                 std::map<std::string, std::string> env = {}) {
  try {
    kj::config::load_config(yaml, config_test_options(std::move(env)));
  } catch (const kj::config::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace kjt
