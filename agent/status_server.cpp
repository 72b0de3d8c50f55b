#include "agent/status_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <exception>
#include <ostream>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "agent/metrics_registry.h"

namespace kj::agent {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
// Two workers are enough for a scraper plus a probe; the accept queue bounds what waits.
constexpr int kWorkerThreads = 2;
constexpr int kMaxQueuedConnections = 16;
constexpr int kListenBacklog = 64;
// A client that stalls mid-request must not hold one of the two workers for long.
constexpr long kRequestTimeoutSeconds = 5;

void send(HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
          std::string_view content_type, const std::string& body) {
  response.setStatus(status);
  response.setContentType(std::string(content_type));
  response.setContentLength64(static_cast<Poco::UInt64>(body.size()));
  response.send() << body;
}

class StatusRequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit StatusRequestHandler(const StatusServerOptions& options) : options_(options) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    std::string path;
    try {
      path = Poco::URI(request.getURI()).getPath();
    } catch (const Poco::Exception& e) {
      send(response, HTTPResponse::HTTP_BAD_REQUEST, kTextPlain,
           "bad request target: " + e.displayText() + "\n");
      return;
    }
    if (path != "/metrics" && path != "/healthz" && path != "/readyz") {
      send(response, HTTPResponse::HTTP_NOT_FOUND, kTextPlain,
           "not found: " + path + " (try /metrics, /healthz, /readyz)\n");
      return;
    }
    if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET) {
      response.set("Allow", "GET");
      send(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, kTextPlain,
           "method " + request.getMethod() + " not allowed on " + path + "; use GET\n");
      return;
    }
    try {
      if (path == "/metrics") {
        send(response, HTTPResponse::HTTP_OK, MetricsRegistry::kContentType,
             options_.metrics->render());
      } else if (path == "/healthz") {
        healthz(response);
      } else {
        readyz(response);
      }
    } catch (const std::exception& e) {
      send(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, kTextPlain,
           path + " failed: " + e.what() + "\n");
    }
  }

 private:
  void healthz(HTTPServerResponse& response) const {
    const Liveness live = options_.liveness ? options_.liveness() : Liveness{};
    if (live.alive) {
      send(response, HTTPResponse::HTTP_OK, kTextPlain, "ok\n");
    } else {
      send(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, kTextPlain,
           "not alive: " + live.reason + "\n");
    }
  }

  void readyz(HTTPServerResponse& response) const {
    const Readiness ready = options_.readiness ? options_.readiness() : Readiness{};
    if (ready.ready()) {
      send(response, HTTPResponse::HTTP_OK, kTextPlain, "ok\n");
      return;
    }
    std::string body = "not ready:\n";
    for (const auto& reason : ready.not_ready) body += "- " + reason + "\n";
    send(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, kTextPlain, body);
  }

  const StatusServerOptions& options_;
};

class StatusRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit StatusRequestHandlerFactory(const StatusServerOptions& options) : options_(options) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new StatusRequestHandler(options_);
  }

 private:
  const StatusServerOptions& options_;
};

Poco::Net::ServerSocket bind_socket(const std::string& listen) {
  try {
    const Poco::Net::SocketAddress address(listen);
    Poco::Net::ServerSocket socket;
    // SO_REUSEADDR lets a restarted agent bind while old connections sit in TIME_WAIT; Linux
    // still refuses a port another socket listens on.
    socket.bind(address, true, false);
    socket.listen(kListenBacklog);
    return socket;
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("status server: cannot listen on '" + listen +
                             "': " + e.displayText());
  }
}

}  // namespace

struct StatusServer::Impl {
  explicit Impl(StatusServerOptions o)
      : options(std::move(o)),
        socket(bind_socket(options.listen)),
        bound(socket.address()),
        pool("kjournal-http", 1, kWorkerThreads) {}

  StatusServerOptions options;
  Poco::Net::ServerSocket socket;
  Poco::Net::SocketAddress bound;  // kept: the socket is closed once the server stops
  Poco::ThreadPool pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
};

StatusServer::StatusServer(StatusServerOptions options) {
  if (options.metrics == nullptr) {
    throw std::invalid_argument("status server on '" + options.listen +
                                "': no metrics registry given");
  }
  impl_ = std::make_unique<Impl>(std::move(options));
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(kWorkerThreads);
  params->setMaxQueued(kMaxQueuedConnections);
  // Keep-alive would let an idle scraper connection occupy one of the two workers.
  params->setKeepAlive(false);
  params->setTimeout(Poco::Timespan(kRequestTimeoutSeconds, 0));
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(
      new StatusRequestHandlerFactory(impl_->options), impl_->pool, impl_->socket, params);
  impl_->server->start();
}

StatusServer::~StatusServer() {
  // Close the listening socket and abort connections in flight, then wait for the workers.
  impl_->server->stopAll(true);
  impl_->pool.joinAll();
}

uint16_t StatusServer::port() const {
  return impl_->bound.port();
}

std::string StatusServer::address() const {
  return impl_->bound.toString();
}

}  // namespace kj::agent
