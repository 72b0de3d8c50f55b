// The `journal_remote` exporter: batches POSTed to systemd-journal-remote's /upload in the
// Journal Export Format, so a central journal server stores the node's entries with their
// original fields (read the journal source with its fields kept). Uncompressed, one request
// per batch, retried until the server answers 202.
#pragma once

#include <memory>

#include "core/config/agent_config.h"
#include "exporters/exporter_log.h"
#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// `config.http.url` is the server, e.g. http://central:19532; "/upload" is added to its
// path. A URL that already ends in /upload (systemd-journal-upload's --url takes one) is
// accepted as well. Throws std::runtime_error for a URL or TLS/auth file that cannot work,
// std::invalid_argument for a configuration of another exporter type.
std::unique_ptr<HttpExporter> make_journal_remote_exporter(const config::ExporterConfig& config,
                                                           Logger logger = log_to_stderr);

}  // namespace kj::exporters
