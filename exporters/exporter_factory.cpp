#include "exporters/exporter_factory.h"

#include <stdexcept>

#include "exporters/clickhouse/clickhouse_exporter.h"
#include "exporters/elasticsearch/elasticsearch_exporter.h"
#include "exporters/journal_remote/journal_remote_exporter.h"
#include "exporters/loki/loki_exporter.h"
#include "exporters/ndjson/ndjson_exporter.h"
#include "exporters/otlp/otlp_exporter.h"

namespace kj::exporters {

std::unique_ptr<Exporter> make_exporter(const config::ExporterConfig& config, Logger log) {
  using T = config::ExporterConfig::Type;
  try {
    switch (config.type) {
      case T::stdout_:
      case T::file:
        return make_ndjson_exporter(config);
      case T::clickhouse:
        return make_clickhouse_exporter(config, std::move(log));
      case T::journal_remote:
        return make_journal_remote_exporter(config, std::move(log));
      case T::loki:
        return make_loki_exporter(config, std::move(log));
      case T::elasticsearch:
        return make_elasticsearch_exporter(config, std::move(log));
      case T::otlp:
        return make_otlp_exporter(config, std::move(log));
    }
  } catch (const std::exception& e) {
    throw std::runtime_error("exporter " + config.name + ": " + e.what());
  }
  throw std::logic_error("exporter " + config.name + ": unknown exporter type");
}

bool needs_journal_fields(const config::ExporterConfig& config) {
  return config.type == config::ExporterConfig::Type::journal_remote;
}

}  // namespace kj::exporters
