#include "exporters/elasticsearch/elasticsearch_exporter.h"

#include <optional>
#include <stdexcept>

#include "exporters/elasticsearch/elasticsearch_classifier.h"
#include "exporters/elasticsearch/elasticsearch_encoder.h"
#include "exporters/elasticsearch/elasticsearch_index.h"

namespace kj::exporters {

std::unique_ptr<HttpExporter> make_elasticsearch_exporter(const config::ExporterConfig& config,
                                                          Logger logger) {
  if (config.type != config::ExporterConfig::Type::elasticsearch)
    throw std::invalid_argument("exporter " + config.name + ": not an elasticsearch exporter");
  const auto& es = config.elasticsearch;
  std::optional<IndexPattern> index;
  try {
    index.emplace(es.index);
  } catch (const std::exception& e) {
    throw std::runtime_error("exporter " + config.name + ": " + e.what());
  }
  // A data stream rolls its own backing indices over; one stream per day would defeat
  // that, and the default daily index pattern is no data stream name.
  if (es.data_stream && index->dated())
    throw std::runtime_error("exporter " + config.name + ": index \"" + es.index +
                             "\" holds a date, but with data_stream it must name one data "
                             "stream (e.g. logs-kubernetes.node-default)");
  auto shape = std::make_shared<BulkRequestShape>();
  // Every action is a `create`, which data streams require, and which turns the replay of a
  // record already stored into a 409 instead of a second copy.
  return std::make_unique<HttpExporter>(
      config.name, config.http, config.retry,
      std::make_unique<ElasticsearchEncoder>(std::move(*index), es.pipeline, shape),
      std::make_unique<ElasticsearchClassifier>(shape), std::move(logger));
}

}  // namespace kj::exporters
