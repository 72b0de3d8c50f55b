// Elasticsearch/OpenSearch `_bulk` answers -> outcomes (BACKENDS.md §2.3, §2.4;
// https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html#bulk-api-response-body).
// The HTTP status decides first, as for every backend (http_status_classifier.h): 413 splits,
// 429 and 5xx retry (Retry-After honoured), 401/403/404 park, other 4xx (a malformed bulk
// body) drop. A 2xx answer is then read per item, because a bulk request succeeds at the
// HTTP level even when every item failed:
//   "errors":false          every item succeeded; the items are not parsed.
//   item 2xx, 409           stored, or stored before (a `create` of an `_id` that exists:
//                           a replay after an unknown outcome) -> delivered
//   item 429, 5xx           retry_items: only these records are sent again (Vector's
//                           retry_partial, §2.4)
//   item 401/403/404        park: a missing write privilege (security_exception), index or
//                           pipeline is an operator's to fix; the whole batch is kept, and
//                           the items already stored come back as 409 when it is resent
//   other item 4xx          dropped_items (mapper_parsing_exception & co.: never accepted)
// An answer whose items cannot be read (not JSON, cut short, or an item count other than the
// request's) is retried whole: the deterministic `_id`s make the items that were stored
// answer 409 the next time, so nothing is stored twice.
#pragma once

#include <memory>

#include "exporters/elasticsearch/elasticsearch_encoder.h"
#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// The outcome of `response` to a bulk request of `actions` actions.
SendResult classify_bulk_response(const HttpResponse& response, size_t actions);

class ElasticsearchClassifier final : public ResponseClassifier {
 public:
  // `shape` is the encoder's: the action count of the request being classified.
  explicit ElasticsearchClassifier(std::shared_ptr<const BulkRequestShape> shape)
      : shape_(std::move(shape)) {}
  SendResult classify(const HttpResponse& response) override;

 private:
  std::shared_ptr<const BulkRequestShape> shape_;
};

}  // namespace kj::exporters
