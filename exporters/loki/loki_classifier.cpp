#include "exporters/loki/loki_classifier.h"

#include "exporters/http/http_status_classifier.h"
#include "exporters/http/retry_after.h"

namespace kj::exporters {

SendResult LokiClassifier::classify(const HttpResponse& response) {
  SendResult r = classify_http_status(response);
  const int s = response.status;
  if (s >= 200 && s < 300 && s != 200 && s != 201 && s != 202 && s != 204) {
    r.outcome = Outcome::drop;
    r.reason = "loki_ingestion_blocked_" + std::to_string(s);
    r.detail = detail_of(response.body);
  } else if (s >= 500) {
    // Including 501: Loki never sends it, and a proxy's 501 is no reason to lose data.
    r.outcome = Outcome::retry;
    r.retry_after = retry_after_of(response);
  }
  return r;
}

}  // namespace kj::exporters
