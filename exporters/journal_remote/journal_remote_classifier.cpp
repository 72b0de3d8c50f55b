#include "exporters/journal_remote/journal_remote_classifier.h"

#include "exporters/http/http_status_classifier.h"
#include "exporters/http/retry_after.h"

namespace kj::exporters {

SendResult JournalRemoteClassifier::classify(const HttpResponse& response) {
  if (response.status <= 0) return classify_transport_error(response);
  SendResult r;
  r.http_status = response.status;
  const int s = response.status;
  if (s >= 200 && s < 300) {
    r.outcome = Outcome::success;
    return r;
  }
  r.reason = "http_" + std::to_string(s);
  r.detail = detail_of(response.body);
  if (s == 417 || s == 408 || s == 429 || s >= 500) {
    r.outcome = Outcome::retry;
    r.retry_after = retry_after_of(response);
  } else if (s == 413) {
    r.outcome = Outcome::split;
  } else {
    // No status of journal-remote means "this data is bad, drop it": every other answer is
    // a wrong URL, method, header or proxy setting, and the records must wait for the fix.
    r.outcome = Outcome::park;
  }
  return r;
}

}  // namespace kj::exporters
