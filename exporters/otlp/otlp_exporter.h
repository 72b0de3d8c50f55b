// The `otlp` exporter: batches POSTed to an OpenTelemetry collector's OTLP/HTTP logs
// endpoint (https://github.com/open-telemetry/opentelemetry-proto/blob/main/docs/specification.md,
// BACKENDS.md §3), as binary protobuf (default) or OTLP/JSON (`encoding: json`), gzipped by
// the shared transport when http.gzip is on. The mapping of records to resources, scope and
// attributes is in otlp_log_model.h, the retry-or-drop table in otlp_classifier.h.
#pragma once

#include <memory>

#include "core/config/agent_config.h"
#include "exporters/exporter_log.h"
#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// `config.http.url` is the collector's base URL, e.g. http://otel-collector:4318 (or Loki's
// http://loki:3100/otlp); "/v1/logs" is added to its path. A URL that already ends in
// /v1/logs (the form OTEL_EXPORTER_OTLP_LOGS_ENDPOINT takes) is accepted as well. Throws
// std::runtime_error for a URL, encoding or TLS/auth file that cannot work,
// std::invalid_argument for a configuration of another exporter type.
std::unique_ptr<HttpExporter> make_otlp_exporter(const config::ExporterConfig& config,
                                                 Logger logger = log_to_stderr);

}  // namespace kj::exporters
