// Rules that involve more than one option (unique names, options that need or exclude
// each other, at least one source and one exporter). Single-value rules live with their
// declaration; this runs after loading, on the typed config.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/config/agent_config.h"
#include "core/config/config_error.h"

namespace kj::config {

// Line of an option path in the document, or of its nearest ancestor; 0 when unknown.
using LineOf = std::function<int(const std::string& path)>;

// Appends one issue per violation. Entries listed in `skip` ("exporters[2]", or a whole list,
// "sources") failed to load and are not checked again.
void validate_config(const AgentConfig& config, const LineOf& line_of,
                     const std::set<std::string>& skip, std::vector<ConfigIssue>& issues);

}  // namespace kj::config
