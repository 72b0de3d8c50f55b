// A small in-process HTTP(S) server (Poco) for exporter and transport tests: every request is
// recorded (gzip bodies decoded) and answered by a function the test supplies, so tests can
// script outages, error bodies, slow answers and Retry-After.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kjt {

struct CapturedRequest {
  std::string method;
  std::string uri;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string raw_body;             // as received
  std::string body;                 // gzip decoded when Content-Encoding says gzip
  std::string client_address;       // host:port of the client's end: same value, same connection
  std::string client_cert_subject;  // TLS: the verified client certificate's subject, if any

  // The first header named `name` (case-insensitive), empty if absent.
  std::string header(const std::string& name) const;
};

struct CannedResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};  // before answering
};

struct LocalTls {
  std::filesystem::path cert;
  std::filesystem::path key;
  std::filesystem::path ca;  // verifies client certificates
  // Ask clients for a certificate; one that is sent must verify against `ca`.
  bool request_client_cert = false;
};

class LocalHttpServer {
 public:
  using Handler = std::function<CannedResponse(const CapturedRequest&)>;

  explicit LocalHttpServer(Handler handler, std::optional<LocalTls> tls = std::nullopt);
  ~LocalHttpServer();
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  uint16_t port() const;
  // http(s)://127.0.0.1:port (or localhost for TLS, the name in the test certificate).
  std::string url() const;
  std::vector<CapturedRequest> requests() const;
  size_t request_count() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kjt
