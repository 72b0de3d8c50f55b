// The effective configuration as YAML: every option with the value the agent will use,
// defaults included, in declaration order, for `kjournal check-config`. Secrets never appear:
// credentials are only ever configured as file paths, and header values are redacted. The
// output loads back into the same configuration (header values aside).
#pragma once

#include <string>

#include "core/config/agent_config.h"

namespace kj::config {

inline constexpr const char* kRedacted = "<redacted>";

std::string print_effective_config(const AgentConfig& config);

}  // namespace kj::config
