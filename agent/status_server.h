// The agent's HTTP endpoints: GET /metrics (Prometheus text), /healthz (liveness) and
// /readyz (readiness). Small on purpose: two worker threads, a short accept queue, no
// keep-alive, so a scraper and a probe are always served and nothing here can take memory
// or threads from the pipeline.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "agent/health.h"

namespace kj::agent {

class MetricsRegistry;

struct StatusServerOptions {
  // host:port or [v6-address]:port; port 0 picks a free port (tests), see port().
  std::string listen;
  const MetricsRegistry* metrics = nullptr;  // required; must outlive the server
  // Called on every request to /healthz and /readyz from the server's threads; they must be
  // thread-safe and quick. A missing callback counts as alive / ready.
  std::function<Liveness()> liveness;
  std::function<Readiness()> readiness;
};

class StatusServer {
 public:
  // Binds and starts serving. Throws std::runtime_error naming the address when the address
  // cannot be parsed or resolved, or the port cannot be bound (in use, not permitted).
  explicit StatusServer(StatusServerOptions options);
  // Stops accepting, aborts open connections and joins the worker threads.
  ~StatusServer();
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  uint16_t port() const;
  // The bound address, "127.0.0.1:40123" or "[::1]:40123".
  std::string address() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kj::agent
