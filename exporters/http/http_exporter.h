// An HTTP exporter is an encoder (records -> one request) plus a response classifier
// (response -> SendResult). Transport (Poco, keep-alive, TLS, gzip, auth) and the retry
// policy (exponential backoff with full jitter, Retry-After, cap) are shared by all of them.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "core/config/agent_config.h"
#include "core/record.h"
#include "exporters/exporter.h"
#include "exporters/exporter_log.h"
#include "exporters/send_result.h"

namespace kj::exporters {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct EncodedRequest {
  std::string method = "POST";
  std::string path_and_query;  // appended to the base URL's path
  std::string content_type;
  std::string body;  // uncompressed; frozen: a retry sends the same bytes
  HeaderList headers;
  bool compress = true;  // gzip the body when the exporter's http.gzip is on
  // Most response bytes to keep (0: HttpTransport::kMaxResponseBody). Raised by backends whose
  // answer grows with the batch and must be read whole (Elasticsearch's per-item _bulk
  // results).
  size_t max_response_body = 0;
};

struct HttpResponse {
  int status = 0;    // 0: no response (transport_error says why)
  std::string body;  // capped
  HeaderList headers;
  std::string transport_error;
  bool timed_out = false;
  bool connect_failed = false;  // no connection was made: the request never left
};

class HttpEncoder {
 public:
  virtual ~HttpEncoder() = default;
  virtual EncodedRequest encode(std::span<const Record> records) = 0;
};

class ResponseClassifier {
 public:
  virtual ~ResponseClassifier() = default;
  virtual SendResult classify(const HttpResponse& response) = 0;
};

class HttpTransport;
class RetryPolicy;

// The generic HTTP exporter: encode a batch once, send it, classify the answer and act on the
// outcome (retry with backoff, split in halves, drop and count, park and probe). Every HTTP
// backend is this class with its own encoder and classifier.
class HttpExporter final : public Exporter {
 public:
  // Throws std::runtime_error when the configuration cannot work (bad URL, unreadable
  // password/token/CA/certificate file), naming the exporter and the file.
  HttpExporter(std::string name, const config::HttpConfig& http, const config::RetryConfig& retry,
               std::unique_ptr<HttpEncoder> encoder, std::unique_ptr<ResponseClassifier> classifier,
               Logger logger = log_to_stderr);
  ~HttpExporter() override;
  HttpExporter(const HttpExporter&) = delete;
  HttpExporter& operator=(const HttpExporter&) = delete;

  const std::string& name() const override { return name_; }
  DeliveryReport deliver(std::span<const Record> records, std::stop_token stop) override;
  const ExporterCounters& counters() const override { return counters_; }

  // The exporter's connection, for setup requests made before the first batch (ClickHouse's
  // CREATE TABLE). Not to be used while deliver() runs.
  HttpTransport& transport() { return *transport_; }

  // A request that must succeed once before the first batch goes out (ClickHouse's CREATE
  // TABLE). It runs before the next attempt until it returns success; its failures are
  // handled like a batch's (retry with backoff, park and probe) but never drop records (a
  // drop or split from it parks). Set it before the first deliver().
  using SetupStep = std::function<SendResult(HttpTransport&)>;
  void set_setup(SetupStep step) { setup_ = std::move(step); }

 private:
  bool deliver_batch(std::span<const Record> records, std::stop_token& stop,
                     DeliveryReport& report);
  bool wait_for(std::chrono::milliseconds delay, std::stop_token& stop);
  void drop(uint64_t n, const SendResult& result, DeliveryReport& report);
  void log(LogLevel level, std::string_view message);

  std::string name_;
  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<RetryPolicy> retry_;
  std::unique_ptr<HttpEncoder> encoder_;
  std::unique_ptr<ResponseClassifier> classifier_;
  Logger logger_;
  std::chrono::milliseconds probe_interval_;
  SetupStep setup_;
  ExporterCounters counters_;
  std::mutex sleep_mutex_;  // for the interruptible backoff sleep only
};

}  // namespace kj::exporters
