// The `elasticsearch` exporter (Elasticsearch 7.x/8.x and OpenSearch, whose _bulk API is the
// same): the generic HTTP exporter with the bulk NDJSON encoder (ECS documents, `create` with
// the record id as `_id`) and the per-item bulk classifier. BACKENDS.md §2 has the protocol.
#pragma once

#include <memory>

#include "core/config/agent_config.h"
#include "exporters/exporter_log.h"
#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// Throws std::runtime_error for a configuration that cannot work (URL, TLS/auth files, an
// index name Elasticsearch refuses, a dated data stream name), naming the exporter;
// std::invalid_argument for a configuration of another exporter type.
std::unique_ptr<HttpExporter> make_elasticsearch_exporter(const config::ExporterConfig& config,
                                                          Logger logger = log_to_stderr);

}  // namespace kj::exporters
