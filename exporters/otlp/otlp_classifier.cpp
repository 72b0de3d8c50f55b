#include "exporters/otlp/otlp_classifier.h"

#include <strings.h>

#include "exporters/http/http_status_classifier.h"
#include "exporters/http/retry_after.h"
#include "exporters/otlp/otlp_response.h"

namespace kj::exporters::otlp {
namespace {

std::string_view content_type_of(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers)
    if (strcasecmp(name.c_str(), "Content-Type") == 0) return value;
  return {};
}

}  // namespace

SendResult OtlpClassifier::classify(const HttpResponse& response) {
  if (response.status <= 0) return classify_transport_error(response);
  SendResult r = classify_http_status(response);
  const int s = response.status;
  const std::string_view content_type = content_type_of(response);

  if (s >= 200 && s < 300) {
    const auto partial = parse_export_logs_response(content_type, response.body);
    // An undecodable 200 body still means the request was accepted: the status says so.
    if (!partial) return r;
    if (partial->rejected_log_records > 0) {
      r.rejected_count = static_cast<uint64_t>(partial->rejected_log_records);
      r.reason = "partial_success";
      r.detail = partial->error_message.empty()
                     ? std::to_string(r.rejected_count) + " log record(s) rejected"
                     : detail_of(partial->error_message);
    } else if (!partial->error_message.empty() && logger_) {
      logger_(LogLevel::warning, "exporter " + name_ +
                                     ": the collector accepted every record but warns: " +
                                     detail_of(partial->error_message));
    }
    return r;
  }

  if (s == 429 || s == 502 || s == 503 || s == 504) {
    r.outcome = Outcome::retry;
    r.retry_after = retry_after_of(response);
  } else if (r.outcome == Outcome::retry) {
    // 408, 500, 501, 505...: the generic table retries them, the OTLP specification does not.
    r.outcome = Outcome::drop;
  }
  if (auto message = parse_status_message(content_type, response.body))
    r.detail = detail_of(*message);
  return r;
}

}  // namespace kj::exporters::otlp
