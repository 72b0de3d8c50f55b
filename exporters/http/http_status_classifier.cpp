#include "exporters/http/http_status_classifier.h"

#include "exporters/http/retry_after.h"

namespace kj::exporters {

std::string detail_of(std::string_view body) {
  constexpr size_t kMax = 1024;
  std::string out(body.substr(0, kMax));
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' '))
    out.pop_back();
  if (body.size() > kMax) out += "...";
  return out;
}

SendResult classify_transport_error(const HttpResponse& response) {
  SendResult r;
  r.outcome = Outcome::retry;
  r.reason = response.timed_out ? "timeout" : response.connect_failed ? "connect" : "transport";
  r.detail = response.transport_error;
  return r;
}

SendResult classify_http_status(const HttpResponse& response) {
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
  if (s == 408 || s == 429 || (s >= 500 && s != 501)) {
    r.outcome = Outcome::retry;
    r.retry_after = retry_after_of(response);
  } else if (s == 413) {
    r.outcome = Outcome::split;
  } else if (s == 401 || s == 403 || s == 404 || s == 407 || (s >= 300 && s < 400)) {
    r.outcome = Outcome::park;
  } else {
    r.outcome = Outcome::drop;
  }
  return r;
}

}  // namespace kj::exporters
