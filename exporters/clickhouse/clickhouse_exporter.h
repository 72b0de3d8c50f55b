// The ClickHouse exporter: the generic HTTP exporter with the JSONEachRow encoder and the
// ClickHouse classifier, ClickHouse's own auth headers, and (create_table) the database and
// table created before the first insert.
#pragma once

#include <memory>

#include "core/config/agent_config.h"
#include "exporters/clickhouse/clickhouse_table.h"
#include "exporters/exporter_log.h"
#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// CREATE DATABASE / TABLE IF NOT EXISTS over `transport`, classified like an insert.
SendResult ensure_clickhouse_table(HttpTransport& transport, const ClickHouseTable& table);

// Throws std::runtime_error (naming the exporter and the file or value) when the
// configuration cannot work: bad URL or table name, unreadable password or TLS files.
// Basic auth is sent as X-ClickHouse-User / X-ClickHouse-Key, which every ClickHouse
// version understands and which leaves Authorization free for a proxy's bearer token.
std::unique_ptr<HttpExporter> make_clickhouse_exporter(const config::ExporterConfig& config,
                                                       Logger logger = log_to_stderr);

}  // namespace kj::exporters
