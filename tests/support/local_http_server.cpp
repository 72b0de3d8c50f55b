#include "tests/support/local_http_server.h"

#include <Poco/InflatingStream.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/X509Certificate.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>

#include <sstream>
#include <thread>

namespace kjt {

std::string CapturedRequest::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (Poco::icompare(k, name) == 0) return v;
  return {};
}

struct LocalHttpServer::State {
  Handler handler;
  mutable std::mutex mutex;
  std::vector<CapturedRequest> requests;
};

namespace {

class RecordingHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RecordingHandler(std::shared_ptr<LocalHttpServer::State> state)
      : state_(std::move(state)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    CapturedRequest captured;
    captured.method = request.getMethod();
    captured.uri = request.getURI();
    for (const auto& [k, v] : request) captured.headers.emplace_back(k, v);
    captured.client_address = request.clientAddress().toString();
    if (request.secure()) {
      auto& secure = static_cast<Poco::Net::HTTPServerRequestImpl&>(request);
      Poco::Net::SecureStreamSocket socket(secure.socket());
      if (socket.havePeerCertificate())
        captured.client_cert_subject = socket.peerCertificate().subjectName();
    }
    Poco::StreamCopier::copyToString(request.stream(), captured.raw_body);
    if (Poco::icompare(captured.header("Content-Encoding"), "gzip") == 0) {
      std::istringstream compressed(captured.raw_body);
      Poco::InflatingInputStream gunzip(compressed, Poco::InflatingStreamBuf::STREAM_GZIP);
      Poco::StreamCopier::copyToString(gunzip, captured.body);
    } else {
      captured.body = captured.raw_body;
    }
    CannedResponse answer = state_->handler(captured);
    {
      std::lock_guard lock(state_->mutex);
      state_->requests.push_back(std::move(captured));
    }
    if (answer.delay.count() > 0) std::this_thread::sleep_for(answer.delay);
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
    for (const auto& [k, v] : answer.headers) response.set(k, v);
    response.setContentLength64(static_cast<Poco::Int64>(answer.body.size()));
    response.send() << answer.body;
  }

 private:
  std::shared_ptr<LocalHttpServer::State> state_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<LocalHttpServer::State> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new RecordingHandler(state_);
  }

 private:
  std::shared_ptr<LocalHttpServer::State> state_;
};

}  // namespace

struct LocalHttpServer::Impl {
  bool tls = false;
  bool ssl_initialized = false;
  Poco::ThreadPool pool{2, 16};
  std::unique_ptr<Poco::Net::HTTPServer> server;
  uint16_t port = 0;

  ~Impl() {
    if (server) server->stopAll(true);
    server.reset();
    pool.joinAll();
    if (ssl_initialized) Poco::Net::uninitializeSSL();
  }
};

LocalHttpServer::LocalHttpServer(Handler handler, std::optional<LocalTls> tls)
    : state_(std::make_shared<State>()), impl_(std::make_unique<Impl>()) {
  state_->handler = std::move(handler);
  Poco::Net::SocketAddress address("127.0.0.1", 0);
  std::unique_ptr<Poco::Net::ServerSocket> socket;
  if (tls) {
    Poco::Net::initializeSSL();
    impl_->ssl_initialized = true;
    impl_->tls = true;
    Poco::Net::Context::Params params;
    params.privateKeyFile = tls->key.string();
    params.certificateFile = tls->cert.string();
    params.caLocation = tls->ca.string();
    // RELAXED asks for a client certificate and verifies one that is sent; tests check
    // what arrived (CapturedRequest::client_cert_subject).
    params.verificationMode = tls->request_client_cert ? Poco::Net::Context::VERIFY_RELAXED
                                                       : Poco::Net::Context::VERIFY_NONE;
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::SERVER_USE, params);
    // OpenSSL refuses to verify client certificates without a session id context.
    context->enableSessionCache(true, "kjt-local-http-server");
    // Poco would also match the client certificate's name against the client's address.
    context->enableExtendedCertificateVerification(false);
    socket = std::make_unique<Poco::Net::SecureServerSocket>(address, 64, context);
  } else {
    socket = std::make_unique<Poco::Net::ServerSocket>(address);
  }
  impl_->port = socket->address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(1000);
  params->setMaxThreads(16);
  impl_->server =
      std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), impl_->pool, *socket, params);
  impl_->server->start();
}

LocalHttpServer::~LocalHttpServer() = default;

uint16_t LocalHttpServer::port() const {
  return impl_->port;
}

std::string LocalHttpServer::url() const {
  return (impl_->tls ? "https://localhost:" : "http://127.0.0.1:") + std::to_string(impl_->port);
}

std::vector<CapturedRequest> LocalHttpServer::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

size_t LocalHttpServer::request_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests.size();
}

}  // namespace kjt
