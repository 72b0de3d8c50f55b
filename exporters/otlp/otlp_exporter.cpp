#include "exporters/otlp/otlp_exporter.h"

#include <stdexcept>

#include "exporters/otlp/otlp_classifier.h"
#include "exporters/otlp/otlp_json_encoder.h"
#include "exporters/otlp/otlp_protobuf_encoder.h"

namespace kj::exporters {

std::unique_ptr<HttpExporter> make_otlp_exporter(const config::ExporterConfig& config,
                                                 Logger logger) {
  if (config.type != config::ExporterConfig::Type::otlp)
    throw std::invalid_argument("exporter " + config.name + ": not an otlp exporter");
  config::HttpConfig http = config.http;
  while (!http.url.empty() && http.url.back() == '/') http.url.pop_back();
  if (http.url.ends_with(otlp::kLogsPath))
    http.url.resize(http.url.size() - otlp::kLogsPath.size());

  std::unique_ptr<HttpEncoder> encoder;
  if (config.otlp.encoding == "protobuf")
    encoder = std::make_unique<otlp::OtlpProtobufEncoder>(KJ_VERSION);
  else if (config.otlp.encoding == "json")
    encoder = std::make_unique<otlp::OtlpJsonEncoder>(KJ_VERSION);
  else
    throw std::runtime_error("exporter " + config.name + ": unknown otlp encoding \"" +
                             config.otlp.encoding + "\" (expected protobuf or json)");
  if (!logger) logger = log_to_stderr;
  auto classifier = std::make_unique<otlp::OtlpClassifier>(config.name, logger);
  return std::make_unique<HttpExporter>(config.name, http, config.retry, std::move(encoder),
                                        std::move(classifier), std::move(logger));
}

}  // namespace kj::exporters
