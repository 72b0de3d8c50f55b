#include "exporters/journal_remote/journal_remote_exporter.h"

#include <stdexcept>

#include "exporters/journal_remote/journal_export_encoder.h"
#include "exporters/journal_remote/journal_remote_classifier.h"

namespace kj::exporters {

std::unique_ptr<HttpExporter> make_journal_remote_exporter(const config::ExporterConfig& config,
                                                           Logger logger) {
  if (config.type != config::ExporterConfig::Type::journal_remote)
    throw std::invalid_argument("exporter " + config.name + ": not a journal_remote exporter");
  config::HttpConfig http = config.http;
  while (!http.url.empty() && http.url.back() == '/') http.url.pop_back();
  if (http.url.ends_with(kJournalUploadPath))
    http.url.resize(http.url.size() - kJournalUploadPath.size());
  return std::make_unique<HttpExporter>(
      config.name, http, config.retry, std::make_unique<JournalExportEncoder>(),
      std::make_unique<JournalRemoteClassifier>(), std::move(logger));
}

}  // namespace kj::exporters
