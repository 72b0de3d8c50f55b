// ${NAME} and ${NAME:-default} in config values, as in a shell or the OTel collector's
// config: DaemonSets pass the node name through the downward API as $NODE_NAME.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kj::config {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment.
std::optional<std::string> process_env(const std::string& name);

// Expands every ${NAME} / ${NAME:-default}; "$$" is a literal "$". An unset variable without
// a default is an error (a silently empty URL or node name is worse than a refusal to
// start). Throws std::invalid_argument naming the variable.
std::string expand_env(std::string_view value, const EnvLookup& lookup);

}  // namespace kj::config
