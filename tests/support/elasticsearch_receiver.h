// Stands in for Elasticsearch's / OpenSearch's `_bulk` API in the elasticsearch exporter's
// tests; checks every request against the bulk protocol
// (https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html) and the
// document rules of BACKENDS.md §2.1-§2.3 and §2.7: POST <base>/_bulk with only known query
// parameters, Content-Type application/x-ndjson (or application/json), a gzip body only
// when Content-Encoding says so, NDJSON pairs of a `create` action (with `_index` and `_id`,
// nothing else) and a one-line JSON source, the final newline, valid index names, no
// duplicate or dotted keys, `@timestamp` in RFC 3339 UTC and the ECS fields with their types.
// Whatever breaks those rules is recorded as a violation (tests expect none).
//
// It answers as Elasticsearch does: documents are stored by (index, _id); each `create` item
// answers 201, or 409 version_conflict_engine_exception when the _id is already stored; a
// dynamic mapping per index is kept, and a document whose field type conflicts with it gets
// a 400 mapper_parsing_exception item; bodies larger than max_content_length get HTTP 413;
// `filter_path` is applied to the answer. Tests can script the next answers: an HTTP-level
// answer (429 with Retry-After, 500, 413, ...) or per-item failures (429, 503, 400) by
// position, and a standing rule that refuses documents whose message contains a marker.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/local_http_server.h"

namespace kjt {

struct EsItemFailure {
  int status = 400;
  std::string type = "mapper_parsing_exception";
  std::string reason = "failed to parse";
};

// The answer to the next bulk request.
struct EsScript {
  std::optional<CannedResponse> http;     // an HTTP-level answer; nothing is stored
  std::map<size_t, EsItemFailure> items;  // failures by action position; others as usual
};

struct EsDocument {
  std::string index;
  std::string id;
  nlohmann::json source;
};

struct ElasticsearchReceiverOptions {
  std::string base_path;                  // the exporter URL's path ("" or e.g. "/es")
  std::vector<std::string> data_streams;  // index names that are data streams
  std::optional<LocalTls> tls;
  std::string basic_user;  // non-empty: requests must carry these basic credentials
  std::string basic_password;
  size_t max_content_length = size_t{100} << 20;  // http.max_content_length (decoded body)
  // Non-empty: documents whose message contains it get a 400 mapper_parsing_exception item.
  std::string reject_message_containing;
};

// What the checks found in one bulk body.
struct EsBulkCheck {
  struct Action {
    std::string op;
    std::string index;
    std::optional<std::string> id;
    std::optional<nlohmann::json> source;  // nullopt: not a JSON object
  };
  std::vector<Action> actions;
  std::vector<std::string> violations;
  bool malformed = false;  // Elasticsearch would refuse the whole request (HTTP 400)
};

class ElasticsearchReceiver {
 public:
  explicit ElasticsearchReceiver(ElasticsearchReceiverOptions options = {});
  ~ElasticsearchReceiver();
  ElasticsearchReceiver(const ElasticsearchReceiver&) = delete;
  ElasticsearchReceiver& operator=(const ElasticsearchReceiver&) = delete;

  // Server URL plus the base path: what the exporter's `url` is set to.
  std::string url() const;
  uint16_t port() const { return server_.port(); }
  // Queues an answer; each bulk request takes the oldest one.
  void script(EsScript script);
  size_t scripts_left() const;

  std::vector<std::string> violations() const;
  std::vector<EsDocument> documents() const;  // sorted by index, then id
  size_t document_count() const;
  std::optional<EsDocument> document(const std::string& index, const std::string& id) const;
  // The `_id`s of each bulk request received, in order ("" for an action without one).
  std::vector<std::vector<std::string>> request_ids() const;
  size_t bulk_requests() const;
  const LocalHttpServer& server() const { return server_; }

  // The checks applied to every request body, for payloads that are not sent (golden files).
  static EsBulkCheck check_bulk_body(std::string_view body,
                                     const std::vector<std::string>& data_streams = {});

 private:
  CannedResponse handle(const CapturedRequest& request);
  CannedResponse bulk(const CapturedRequest& request, const std::string& query);
  // The item Elasticsearch would answer for one action; stores the document on success.
  nlohmann::ordered_json apply(const EsBulkCheck::Action& action);
  void violation(std::string what);

  ElasticsearchReceiverOptions options_;
  std::string expected_authorization_;
  mutable std::mutex mutex_;
  std::deque<EsScript> scripts_;
  std::vector<std::string> violations_;
  std::map<std::pair<std::string, std::string>, nlohmann::json> stored_;
  size_t auto_ids_ = 0;
  // Dynamic mapping: index -> field path -> "object" | "string" | "number" | "boolean".
  std::map<std::string, std::map<std::string, std::string>> mappings_;
  std::vector<std::vector<std::string>> request_ids_;
  LocalHttpServer server_;  // last: stopped before the state its handler uses goes
};

}  // namespace kjt
