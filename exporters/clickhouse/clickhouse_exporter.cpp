#include "exporters/clickhouse/clickhouse_exporter.h"

#include <stdexcept>

#include "exporters/clickhouse/clickhouse_classifier.h"
#include "exporters/clickhouse/clickhouse_encoder.h"
#include "exporters/http/http_transport.h"

namespace kj::exporters {
namespace {

SendResult run_sql(HttpTransport& transport, const std::string& sql) {
  EncodedRequest request;
  request.path_and_query = "/";
  request.content_type = "text/plain; charset=UTF-8";
  request.body = sql;
  request.compress = false;
  SendResult result = ClickHouseClassifier().classify(transport.send(request));
  if (result.outcome != Outcome::success && !result.detail.empty())
    result.detail = "creating the table: " + result.detail;
  return result;
}

}  // namespace

SendResult ensure_clickhouse_table(HttpTransport& transport, const ClickHouseTable& table) {
  if (!table.database.empty()) {
    SendResult db = run_sql(transport, clickhouse_create_database_sql(table));
    if (db.outcome != Outcome::success) return db;
  }
  return run_sql(transport, clickhouse_create_table_sql(table));
}

std::unique_ptr<HttpExporter> make_clickhouse_exporter(const config::ExporterConfig& config,
                                                       Logger logger) {
  ClickHouseTable table;
  config::HttpConfig http = config.http;
  try {
    table = ClickHouseTable::parse(config.clickhouse.table);
    if (!http.auth.basic_user.empty()) {
      http.auth.headers.emplace_back("X-ClickHouse-User", http.auth.basic_user);
      if (!http.auth.basic_password_file.empty())
        http.auth.headers.emplace_back(
            "X-ClickHouse-Key",
            read_secret_file(http.auth.basic_password_file, "auth password_file"));
      http.auth.basic_user.clear();
      http.auth.basic_password_file.clear();
    }
  } catch (const std::exception& e) {
    throw std::runtime_error("exporter " + config.name + ": " + e.what());
  }
  auto exporter = std::make_unique<HttpExporter>(
      config.name, http, config.retry,
      std::make_unique<ClickHouseEncoder>(table, config.clickhouse.cluster),
      std::make_unique<ClickHouseClassifier>(), std::move(logger));
  if (config.clickhouse.create_table)
    exporter->set_setup(
        [table](HttpTransport& transport) { return ensure_clickhouse_table(transport, table); });
  return exporter;
}

}  // namespace kj::exporters
