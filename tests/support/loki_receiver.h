// A test receiver that stands in for Loki's distributor: it serves POST /loki/api/v1/push
// over HTTP or HTTPS and checks every request against the push API
// (https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs, BACKENDS.md
// §1.1-§1.5, §1.7): method and path, Content-Type, the JSON shape
// {"streams":[{"stream":{...},"values":[["<ns>","<line>"(,{metadata})]...]}]} with
// timestamps as strings of digits, or a snappy block-compressed logproto.PushRequest with the
// field numbers of grafana/loki@pkg/push/push.proto (decoded here by a small wire-format
// reader); valid label names (at most 15 per stream, names and values within Loki's
// length limits), no label set twice in one push, entries in time order within a stream,
// structured metadata string -> string within 128 pairs and 64KB, lines within 256KB, valid
// UTF-8 everywhere, and the tenant header. Every deviation is recorded as a violation (tests
// assert there are none) and answered 400, as Loki would. Otherwise it answers what the
// test scripted (429 with Retry-After, 500, 400, ...) and then 204, and keeps the entries of
// the pushes it answered 200 or 204.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/local_http_server.h"

namespace kjt {

struct LokiPushedEntry {
  std::map<std::string, std::string> stream;  // the stream's labels
  uint64_t time_ns = 0;
  std::string line;
  std::vector<std::pair<std::string, std::string>> metadata;  // in the order sent

  // The value of a metadata pair, empty when absent.
  std::string meta(const std::string& name) const;
};

struct LokiReceiverOptions {
  std::optional<LocalTls> tls;
  // The X-Scope-OrgID every push must carry; empty: pushes must not carry one.
  std::string tenant;
};

// A scripted answer: loki_answer(429, "rate limited", {{"Retry-After", "1"}}).
CannedResponse loki_answer(int status, std::string body = "",
                           std::vector<std::pair<std::string, std::string>> headers = {});

// The checks on one push. Returns the violations (empty when it is valid) and, when it is
// valid, appends its entries to `entries`.
std::vector<std::string> check_loki_push(const CapturedRequest& request, const std::string& tenant,
                                         std::vector<LokiPushedEntry>* entries);

class LokiReceiver {
 public:
  explicit LokiReceiver(LokiReceiverOptions options = {});
  ~LokiReceiver();
  LokiReceiver(const LokiReceiver&) = delete;
  LokiReceiver& operator=(const LokiReceiver&) = delete;

  // Answers for the next valid pushes, in order; after them every push gets 204.
  void script(std::vector<CannedResponse> answers);

  std::string url() const { return server_->url(); }
  uint16_t port() const { return server_->port(); }
  size_t push_count() const { return server_->request_count(); }
  std::vector<CapturedRequest> requests() const { return server_->requests(); }
  // Entries of the pushes answered 200 or 204, in arrival order.
  std::vector<LokiPushedEntry> entries() const;
  // "push N: what is wrong", for every invalid request.
  std::vector<std::string> violations() const;
  // The statuses answered, in order.
  std::vector<int> statuses() const;

 private:
  CannedResponse handle(const CapturedRequest& request);

  std::string tenant_;
  mutable std::mutex mutex_;
  std::deque<CannedResponse> script_;
  std::vector<LokiPushedEntry> entries_;
  std::vector<std::string> violations_;
  std::vector<int> statuses_;
  size_t pushes_ = 0;
  std::unique_ptr<LocalHttpServer> server_;  // last: stopped before the state it uses goes
};

}  // namespace kjt
