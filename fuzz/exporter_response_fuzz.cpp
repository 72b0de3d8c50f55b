// libFuzzer target for what backends send back: every exporter's response classifier, the
// OTLP response decoders (JSON and protobuf) and Retry-After. Server answers are input from
// the network, so no answer may crash the agent, and every SendResult must stay usable by
// the HTTP exporter (per-item indexes inside the batch, no index both retried and dropped).
//
// Input layout: byte 0 picks the HTTP status, byte 1 the batch size and the content type,
// the rest is the body (and, split at the first newline, a Retry-After value).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "exporters/clickhouse/clickhouse_classifier.h"
#include "exporters/elasticsearch/elasticsearch_classifier.h"
#include "exporters/http/http_status_classifier.h"
#include "exporters/http/retry_after.h"
#include "exporters/journal_remote/journal_remote_classifier.h"
#include "exporters/loki/loki_classifier.h"
#include "exporters/otlp/otlp_classifier.h"
#include "exporters/otlp/otlp_response.h"

namespace {

using namespace kj::exporters;

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

constexpr int kStatuses[] = {200, 201, 204, 260, 400, 401, 403, 404, 408, 409,
                             413, 417, 429, 500, 501, 502, 503, 504, 0,   302};

void check(const SendResult& r, size_t batch) {
  std::set<size_t> retried(r.retry_items.begin(), r.retry_items.end());
  for (size_t i : r.retry_items) require(i < batch, "retry index inside the batch");
  for (size_t i : r.dropped_items) {
    require(i < batch, "dropped index inside the batch");
    require(!retried.count(i), "no index both retried and dropped");
  }
  require(r.retry_after.count() >= 0, "retry_after is not negative");
  require(r.detail.size() <= 4096, "detail is bounded");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  HttpResponse response;
  response.status = kStatuses[static_cast<uint8_t>(in[0]) % std::size(kStatuses)];
  const size_t batch = static_cast<uint8_t>(in[1]) % 64;
  const char* content_types[] = {"application/json", "application/x-protobuf", "text/plain", ""};
  const std::string content_type = content_types[(static_cast<uint8_t>(in[1]) >> 6) & 3];
  response.body = std::string(in.substr(2));
  if (response.status == 0) response.transport_error = response.body;
  const size_t newline = response.body.find('\n');
  if (newline != std::string::npos)
    response.headers.emplace_back("Retry-After", response.body.substr(0, newline));
  if (!content_type.empty()) response.headers.emplace_back("Content-Type", content_type);

  check(classify_http_status(response), batch);
  check(ClickHouseClassifier().classify(response), batch);
  check(JournalRemoteClassifier().classify(response), batch);
  check(LokiClassifier().classify(response), batch);
  check(otlp::OtlpClassifier().classify(response), batch);
  check(classify_bulk_response(response, batch), batch);

  const auto partial = otlp::parse_export_logs_response(content_type, response.body);
  (void)partial;
  (void)otlp::parse_status_message(content_type, response.body);
  if (newline != std::string::npos) {
    const auto delay = parse_retry_after(response.body.substr(0, newline), 1'764'240'000);
    if (delay) require(delay->count() >= 0, "Retry-After is not negative");
  }
  return 0;
}
