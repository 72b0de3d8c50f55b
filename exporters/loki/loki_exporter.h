// The `loki` exporter: batches pushed to Loki's distributor, POST /loki/api/v1/push
// (https://grafana.com/docs/loki/latest/reference/loki-http-api/, BACKENDS.md §1). Stream
// labels are a few bounded record fields (`labels`, default node and component; Loki derives
// service_name from `component`), everything else travels as structured metadata
// (LokiEntryFormatter); lines over Loki's 256KB default are cut and flagged rather than
// refused. JSON with gzip by default, or protobuf + snappy (`encoding: protobuf`). The tenant
// goes in X-Scope-OrgID. Retry, drop and park follow LokiClassifier.
#pragma once

#include <memory>

#include "core/config/agent_config.h"
#include "exporters/exporter_log.h"
#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// `config.http.url` is Loki's base URL (http://loki:3100, or a gateway's base path);
// /loki/api/v1/push is added to its path. A URL that already ends in it (Promtail's and
// Alloy's `url` takes the full push URL) is accepted as well. Throws std::runtime_error for a
// configuration that cannot work (URL, TLS/auth files, a label field that is not allowed,
// an unknown encoding), std::invalid_argument for a configuration of another exporter type.
std::unique_ptr<HttpExporter> make_loki_exporter(const config::ExporterConfig& config,
                                                 Logger logger = log_to_stderr);

}  // namespace kj::exporters
