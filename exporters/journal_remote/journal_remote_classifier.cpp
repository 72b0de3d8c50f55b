#include "exporters/journal_remote/journal_remote_classifier.h"

#include "exporters/http/http_status_classifier.h"
#include "exporters/http/retry_after.h"

namespace kj::exporters {

SendResult JournalRemoteClassifier::classify(const HttpResponse& response) {
  SendResult r = classify_http_status(response);
  const int s = response.status;
  if (s == 417 || s == 501) {
    // 417 "Premature EOF": our body was cut short on the way; 501 is a server-side failure
    // like any other 5xx here. Both deserve the same bytes again.
    r.outcome = Outcome::retry;
    r.retry_after = retry_after_of(response);
  } else if (r.outcome == Outcome::drop) {
    // No status of journal-remote means "this data is bad, drop it": every other answer is
    // a wrong URL, method, header or proxy setting, and the records must wait for the fix.
    r.outcome = Outcome::park;
  }
  return r;
}

}  // namespace kj::exporters
