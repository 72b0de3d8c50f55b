// OTLP/HTTP answers as outcomes (opentelemetry-proto docs/specification.md, "OTLP/HTTP
// Response", "Failures", "Throttling"; BACKENDS.md §3.4):
//   200 (any 2xx)                 success; a partial_success with rejected_log_records > 0
//                                 counts those records as dropped and is NOT retried ("The
//                                 client MUST NOT retry the request when it receives a partial
//                                 success response"); error_message alone is a warning, logged
//   429, 502, 503, 504            retry, after Retry-After when the server sends one
//   no response (refused, reset, timeout)  retry
//   400 and every other 4xx/5xx   drop: "All other 4xx or 5xx response status codes MUST NOT
//                                 be retried" (500, 501, 408 included, unlike the generic table)
// Two deliberate exceptions, shared with exporters/http/http_status_classifier.h:
//   401, 403, 404, 407 and 3xx    park: they say the exporter's URL or credentials are wrong,
//                                 not the data. Dropping would throw away every record until an
//                                 operator fixes the configuration; parking keeps the batch
//                                 and probes slowly, which is what BACKENDS.md §3.4 recommends
//                                 ("In practice, park on 401/403").
//   413                           split: the batch is larger than the receiver's limit (the
//                                 collector's default is 20 MiB), and halves get under it.
// Error bodies are google.rpc.Status messages; their `message` is the detail reported.
#pragma once

#include "exporters/exporter_log.h"
#include "exporters/http/http_exporter.h"
#include "exporters/send_result.h"

namespace kj::exporters::otlp {

class OtlpClassifier final : public ResponseClassifier {
 public:
  // `logger` gets the collector's warnings (a partial_success message with nothing
  // rejected), prefixed with "exporter <name>: ".
  explicit OtlpClassifier(std::string exporter_name = {}, Logger logger = {})
      : name_(std::move(exporter_name)), logger_(std::move(logger)) {}
  SendResult classify(const HttpResponse& response) override;

 private:
  std::string name_;
  Logger logger_;
};

}  // namespace kj::exporters::otlp
