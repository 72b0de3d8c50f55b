#include "exporters/loki/loki_exporter.h"

#include <stdexcept>

namespace kj::exporters {

std::unique_ptr<HttpExporter> make_loki_exporter(const config::ExporterConfig& config, Logger) {
  throw std::runtime_error("exporter " + config.name + ": loki is not implemented yet");
}

}  // namespace kj::exporters
