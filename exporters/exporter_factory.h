// Config -> exporter. The only place that knows every exporter type; the agent builds its
// exporters here and never names a backend itself.
#pragma once

#include <memory>

#include "core/config/agent_config.h"
#include "exporters/exporter.h"
#include "exporters/exporter_log.h"

namespace kj::exporters {

// Throws std::runtime_error naming the exporter when it cannot be built (unreadable
// password file, bad TLS material, a type this build does not provide).
std::unique_ptr<Exporter> make_exporter(const config::ExporterConfig& config, Logger log);

// Whether an exporter of this type forwards the original journal fields (so journal sources
// must keep them).
bool needs_journal_fields(const config::ExporterConfig& config);

}  // namespace kj::exporters
