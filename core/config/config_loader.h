// YAML text -> validated AgentConfig, driven by the option declarations. Values expand
// ${NAME} and ${NAME:-default} from the environment before they are parsed; unknown keys,
// wrong types and rule violations are collected (all of them, not just the first) and
// thrown as one ConfigError whose issues name path and line.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/config/agent_config.h"
#include "core/config/config_error.h"
#include "core/config/env_expand.h"

namespace kj::config {

// The host name from gethostname(); empty when it fails.
std::string system_hostname();

struct LoadOptions {
  EnvLookup env = process_env;
  std::function<std::string()> hostname = system_hostname;
  // Time specs in start_at are only checked here (they are resolved when a source starts);
  // relative ones need a reference.
  int64_t now_us = 0;  // 0: the current time
  // Fill what the document leaves out from the embedded default: `sources` and `exporters`
  // when the keys are absent, `node` from $NODE_NAME or the host name.
  bool apply_defaults = true;
};

// Throws ConfigError.
AgentConfig load_config(std::string_view yaml, const LoadOptions& options = {});

// Throws ConfigError; an unreadable file is one issue naming the file.
AgentConfig load_config_file(const std::string& path, const LoadOptions& options = {});

// The configuration the agent runs with when it is given no file: the embedded default.
AgentConfig load_default_config(const LoadOptions& options = {});

}  // namespace kj::config
