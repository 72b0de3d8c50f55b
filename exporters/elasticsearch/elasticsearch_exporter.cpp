#include "exporters/elasticsearch/elasticsearch_exporter.h"

#include <stdexcept>

namespace kj::exporters {

std::unique_ptr<HttpExporter> make_elasticsearch_exporter(const config::ExporterConfig& config, Logger) {
  throw std::runtime_error("exporter " + config.name + ": elasticsearch is not implemented yet");
}

}  // namespace kj::exporters
