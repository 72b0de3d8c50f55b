// Loki's answers to a push as outcomes (BACKENDS.md §1.7; grafana/loki
// docs/sources/operations/request-validation-rate-limits.md says which are retryable):
//   200/204 (and 201/202 from a proxy)   accepted                                -> success
//   any other 2xx                         Loki's block_ingestion_status_code (260 by default):
//                                         the tenant is blocked and the entries are thrown
//                                         away, sent as a 2xx only so clients stop
//                                         retrying                                -> drop
//   400 (line_too_long, too_far_behind, invalid labels, out of order, ...)       -> drop,
//       never retried: a push is not atomic, the valid entries of a 400 batch are already
//       stored and resending them cannot help the others. The whole batch is counted as
//       dropped (the body does not say which entries), what Promtail and Alloy do too.
//   429 (rate_limited, per_stream_rate_limit, stream_limit), 5xx, no answer      -> retry,
//       honouring Retry-After
//   401, 403, 404, 407 (an auth proxy or a wrong URL), 3xx                       -> park
//   408 (a proxy's request timeout: the body did not arrive)                     -> retry
//   413 (body too large, from a proxy or -distributor.max-recv-msg-size)         -> split
//   any other 4xx                                                                -> drop
#pragma once

#include "exporters/http/http_exporter.h"
#include "exporters/send_result.h"

namespace kj::exporters {

class LokiClassifier final : public ResponseClassifier {
 public:
  SendResult classify(const HttpResponse& response) override;
};

}  // namespace kj::exporters
