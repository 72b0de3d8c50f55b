// systemd-journal-remote's answers to `POST /upload` as outcomes. The server's statuses
// (src/journal-remote/journal-remote-main.c, request_handler and process_http_upload):
//   202 "OK."                         every entry stored              -> success
//   417 "Premature EOF"               the body ended inside an entry  -> retry (resend it all)
//   5xx (address lookup, OOM) and no response at all (refused, reset, timeout) -> retry
//   (a 501 too: journal-remote never sends it, and a proxy's 501 is no reason to drop)
//   400 (Content-Length and chunked), 404 (path not /upload), 406 (not POST), 411 (bad
//   Content-Length), 415 (wrong Content-Type)  a bug or a wrong URL  -> park
//   413 body too large                                                -> split
// journal-remote itself answers 413 only above ~770 MiB, far beyond any batch; in practice
// 413 comes from a reverse proxy in front of it (nginx's client_max_body_size defaults to
// 1 MiB), and halving the batch gets under such a limit, so splitting delivers where parking
// would stall the node. Statuses journal-remote never sends but a proxy may: 408 and 429
// retry (honouring Retry-After), 401/403 and other 4xx park, 3xx park (the URL is wrong).
// A connection reset mid-body would also follow an entry the server cannot parse; the
// encoder only writes valid names and at most 1024 fields per entry, so a reset is treated
// as transient.
#pragma once

#include "exporters/http/http_exporter.h"
#include "exporters/send_result.h"

namespace kj::exporters {

class JournalRemoteClassifier final : public ResponseClassifier {
 public:
  SendResult classify(const HttpResponse& response) override;
};

}  // namespace kj::exporters
