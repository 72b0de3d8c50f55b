#include "exporters/otlp/otlp_exporter.h"

#include <stdexcept>

#include "exporters/otlp/otlp_classifier.h"
#include "exporters/otlp/otlp_encoder.h"
#include "exporters/otlp/otlp_log_model.h"

namespace kj::exporters {

std::unique_ptr<HttpExporter> make_otlp_exporter(const config::ExporterConfig& config,
                                                 Logger logger) {
  if (config.type != config::ExporterConfig::Type::otlp)
    throw std::invalid_argument("exporter " + config.name + ": not an otlp exporter");
  config::HttpConfig http = config.http;
  while (!http.url.empty() && http.url.back() == '/') http.url.pop_back();
  if (http.url.ends_with(otlp::kLogsPath))
    http.url.resize(http.url.size() - otlp::kLogsPath.size());

  otlp::Encoding encoding;
  if (config.otlp.encoding == "protobuf")
    encoding = otlp::Encoding::protobuf;
  else if (config.otlp.encoding == "json")
    encoding = otlp::Encoding::json;
  else
    throw std::runtime_error("exporter " + config.name + ": unknown otlp encoding \"" +
                             config.otlp.encoding + "\" (expected protobuf or json)");
  if (!logger) logger = log_to_stderr;
  auto classifier = std::make_unique<otlp::OtlpClassifier>(config.name, logger);
  auto encoder = std::make_unique<otlp::OtlpEncoder>(encoding, KJ_VERSION);
  return std::make_unique<HttpExporter>(config.name, http, config.retry, std::move(encoder),
                                        std::move(classifier), std::move(logger));
}

}  // namespace kj::exporters
