// The `otlp` exporter. (Being built: the factory function refuses until it exists.)
#pragma once

#include <memory>

#include "core/config/agent_config.h"
#include "exporters/exporter_log.h"
#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// Throws std::runtime_error for a configuration that cannot work (URL, TLS/auth files),
// std::invalid_argument for a configuration of another exporter type.
std::unique_ptr<HttpExporter> make_otlp_exporter(const config::ExporterConfig& config,
                                                Logger logger = log_to_stderr);

}  // namespace kj::exporters
