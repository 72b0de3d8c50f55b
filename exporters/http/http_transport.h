// One HTTP(S) connection to one backend, shared by every HTTP exporter: keep-alive reuse with
// reconnect, timeouts, gzip request bodies with a Content-Length (no chunked uploads, which
// some proxies refuse), TLS with verification on by default, and auth read from files (and
// re-read when they change). It never throws from send(): a failure is an HttpResponse with
// status 0.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/config/agent_config.h"
#include "exporters/exporter_log.h"
#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// An EncodedRequest in its wire form: compressed once, so every retry sends the same bytes.
struct PreparedRequest {
  std::string method;
  std::string path_and_query;
  std::string content_type;
  std::string body;  // as sent (gzip when content_encoding says so)
  std::string content_encoding;
  HeaderList headers;
  uint64_t uncompressed_size = 0;
  size_t max_response_body = 0;  // 0: HttpTransport::kMaxResponseBody
};

// Reads a secret (password, token) from `path`; trailing newlines and spaces are trimmed.
// Throws std::runtime_error naming `what` and the file when it cannot be read or is empty.
std::string read_secret_file(const std::filesystem::path& path, std::string_view what);

class HttpTransport {
 public:
  static constexpr size_t kMaxResponseBody = 64 * 1024;

  // Throws std::runtime_error on a URL that is not http(s)://host[:port][/path], or an
  // auth/TLS file that cannot be read; the message names the file. `logger` gets the
  // warnings an operator must see (insecure TLS, credentials over http, a rotated secret
  // file that cannot be read); never a secret.
  explicit HttpTransport(const config::HttpConfig& config, Logger logger = {});
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Compresses the body when the request asks for it and the transport's gzip is on.
  PreparedRequest prepare(const EncodedRequest& request) const;
  PreparedRequest prepare(EncodedRequest&& request) const;  // moves the body when not compressed
  HttpResponse send(const PreparedRequest& request);
  HttpResponse send(const EncodedRequest& request) { return send(prepare(request)); }

  // scheme://host:port, for messages.
  const std::string& endpoint() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kj::exporters
