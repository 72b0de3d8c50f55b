// The embedded default configuration, loaded by the same loader as any file: the local
// journal's Kubernetes node units plus the control plane's klog files, as NDJSON on stdout.
// A configuration without `sources` or without `exporters` takes them from here.
#pragma once

#include <string_view>

namespace kj::config {

std::string_view default_config_yaml();

}  // namespace kj::config
