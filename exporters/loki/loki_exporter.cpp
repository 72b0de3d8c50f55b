#include "exporters/loki/loki_exporter.h"

#include <stdexcept>

#include "exporters/loki/loki_classifier.h"
#include "exporters/loki/loki_json_encoder.h"
#include "exporters/loki/loki_protobuf_encoder.h"

namespace kj::exporters {
namespace {

std::unique_ptr<HttpEncoder> make_encoder(const config::ExporterConfig& config) {
  const auto& loki = config.loki;
  if (loki.encoding == "json")
    return std::make_unique<LokiJsonEncoder>(loki.labels, loki.level_label, loki.tenant,
                                             loki.structured_metadata);
  if (loki.encoding == "protobuf")
    return std::make_unique<LokiProtobufEncoder>(loki.labels, loki.level_label, loki.tenant,
                                                 loki.structured_metadata);
  throw std::invalid_argument("unknown encoding \"" + loki.encoding +
                              "\" (expected json or protobuf)");
}

}  // namespace

std::unique_ptr<HttpExporter> make_loki_exporter(const config::ExporterConfig& config,
                                                 Logger logger) {
  if (config.type != config::ExporterConfig::Type::loki)
    throw std::invalid_argument("exporter " + config.name + ": not a loki exporter");
  config::HttpConfig http = config.http;
  while (!http.url.empty() && http.url.back() == '/') http.url.pop_back();
  if (http.url.ends_with(kLokiPushPath)) http.url.resize(http.url.size() - kLokiPushPath.size());
  std::unique_ptr<HttpEncoder> encoder;
  try {
    encoder = make_encoder(config);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("exporter " + config.name + ": " + e.what());
  }
  return std::make_unique<HttpExporter>(config.name, http, config.retry, std::move(encoder),
                                        std::make_unique<LokiClassifier>(), std::move(logger));
}

}  // namespace kj::exporters
