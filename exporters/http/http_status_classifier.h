// The HTTP-status part of every backend's retry-or-drop table: transport failures, 408, 429
// and 5xx (but 501) are transient; 413 means the batch is too large; 401/403/404/407 and
// redirects are configuration errors an operator must fix; other 4xx reject the data.
// Backend classifiers start from this and refine it with what the body says.
#pragma once

#include <string>
#include <string_view>

#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// A transport failure (status 0) as a retry with reason "timeout", "connect" or "transport".
SendResult classify_transport_error(const HttpResponse& response);

SendResult classify_http_status(const HttpResponse& response);

// The first ~1 KiB of a body, for SendResult::detail and log lines.
std::string detail_of(std::string_view body);

class HttpStatusClassifier final : public ResponseClassifier {
 public:
  SendResult classify(const HttpResponse& response) override {
    return classify_http_status(response);
  }
};

}  // namespace kj::exporters
