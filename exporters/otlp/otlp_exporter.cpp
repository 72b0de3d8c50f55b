#include "exporters/otlp/otlp_exporter.h"

#include <stdexcept>

namespace kj::exporters {

std::unique_ptr<HttpExporter> make_otlp_exporter(const config::ExporterConfig& config, Logger) {
  throw std::runtime_error("exporter " + config.name + ": otlp is not implemented yet");
}

}  // namespace kj::exporters
