#include "agent/status_server.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "agent/loop_heartbeat.h"
#include "agent/metrics_registry.h"

namespace kj::agent {
namespace {

struct Reply {
  int status = 0;
  std::string content_type;
  std::string allow;
  std::string body;
};

Reply request(uint16_t port, const std::string& method, const std::string& path,
              const std::string& body = {}) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(5, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!body.empty()) {
    req.setContentLength64(static_cast<Poco::UInt64>(body.size()));
    session.sendRequest(req) << body;
  } else {
    session.sendRequest(req);
  }
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  Reply reply;
  reply.status = resp.getStatus();
  reply.content_type = resp.getContentType();
  reply.allow = resp.get("Allow", "");
  std::ostringstream text;
  Poco::StreamCopier::copyStream(in, text);
  reply.body = text.str();
  return reply;
}

class StatusServerTest : public ::testing::Test {
 protected:
  StatusServerTest() {
    registry_.counter("kjournal_source_records_read_total", "Records read.", {"source"})
        .labels({"node-services"})
        .inc(12);
  }

  StatusServerOptions options() {
    StatusServerOptions o;
    o.listen = "127.0.0.1:0";
    o.metrics = &registry_;
    o.liveness = [this] {
      std::lock_guard lock(mutex_);
      return liveness_;
    };
    o.readiness = [this] {
      std::lock_guard lock(mutex_);
      return readiness_;
    };
    return o;
  }

  MetricsRegistry registry_;
  std::mutex mutex_;
  Liveness liveness_;
  Readiness readiness_;
};

TEST_F(StatusServerTest, ServesMetrics) {
  StatusServer server(options());
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(server.address(), "127.0.0.1:" + std::to_string(server.port()));

  Reply r = request(server.port(), "GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body,
            "# HELP kjournal_source_records_read_total Records read.\n"
            "# TYPE kjournal_source_records_read_total counter\n"
            "kjournal_source_records_read_total{source=\"node-services\"} 12\n");

  // Rendered per request, not cached; a query string does not change the route.
  registry_.counter("kjournal_source_records_read_total", "Records read.", {"source"})
      .labels({"node-services"})
      .inc();
  r = request(server.port(), "GET", "/metrics?debug=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("{source=\"node-services\"} 13\n"), std::string::npos) << r.body;
}

TEST_F(StatusServerTest, HealthzFollowsLiveness) {
  StatusServer server(options());
  Reply r = request(server.port(), "GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");

  {
    std::lock_guard lock(mutex_);
    liveness_ = {false, "main loop last ticked 42.0s ago (limit 30.0s)"};
  }
  r = request(server.port(), "GET", "/healthz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "not alive: main loop last ticked 42.0s ago (limit 30.0s)\n");
}

TEST_F(StatusServerTest, HealthzWithARealHeartbeat) {
  using namespace std::chrono_literals;
  LoopHeartbeat heartbeat(200ms);
  StatusServerOptions o = options();
  o.liveness = [&heartbeat] { return heartbeat.check(); };
  StatusServer server(std::move(o));
  EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
  std::this_thread::sleep_for(400ms);
  Reply r = request(server.port(), "GET", "/healthz");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("main loop last ticked"), std::string::npos) << r.body;
  heartbeat.tick();
  EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
}

TEST_F(StatusServerTest, ReadyzListsWhatIsNotReady) {
  {
    std::lock_guard lock(mutex_);
    readiness_.not_ready = {"source node-services: journal not open",
                            "checkpoints: not loaded from /var/lib/kjournal"};
  }
  StatusServer server(options());
  Reply r = request(server.port(), "GET", "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body,
            "not ready:\n"
            "- source node-services: journal not open\n"
            "- checkpoints: not loaded from /var/lib/kjournal\n");
  {
    std::lock_guard lock(mutex_);
    readiness_.not_ready.clear();
  }
  r = request(server.port(), "GET", "/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
}

TEST_F(StatusServerTest, UnknownPathIs404AndOtherMethodsAre405) {
  StatusServer server(options());
  Reply r = request(server.port(), "GET", "/");
  EXPECT_EQ(r.status, 404);
  r = request(server.port(), "GET", "/metricsx");
  EXPECT_EQ(r.status, 404);
  r = request(server.port(), "POST", "/metrics", "x=1");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.allow, "GET");
  EXPECT_NE(r.body.find("POST"), std::string::npos) << r.body;
  r = request(server.port(), "DELETE", "/healthz");
  EXPECT_EQ(r.status, 405);
  r = request(server.port(), "PUT", "/nowhere", "x");
  EXPECT_EQ(r.status, 404);
}

TEST_F(StatusServerTest, FailingCallbackIs500) {
  StatusServerOptions o = options();
  o.readiness = []() -> Readiness { throw std::runtime_error("checkpoint store gone"); };
  StatusServer server(std::move(o));
  Reply r = request(server.port(), "GET", "/readyz");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("checkpoint store gone"), std::string::npos) << r.body;
  // The server keeps serving after a failed request.
  EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
}

TEST_F(StatusServerTest, ConcurrentClientsAreAllServed) {
  StatusServer server(options());
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (request(server.port(), "GET", "/metrics").status == 200) ++ok;
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), 60);
}

TEST_F(StatusServerTest, PortInUseNamesTheAddress) {
  Poco::Net::ServerSocket taken(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::string address = "127.0.0.1:" + std::to_string(taken.address().port());
  StatusServerOptions o = options();
  o.listen = address;
  try {
    StatusServer server(std::move(o));
    FAIL() << "expected the bind to fail on " << address;
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'" + address + "'"), std::string::npos) << what;
    EXPECT_NE(what.find("in use"), std::string::npos) << what;
  }
}

TEST_F(StatusServerTest, BadAddressNamesTheAddress) {
  for (const std::string bad : {"127.0.0.1", "127.0.0.1:notaport", "127.0.0.1:99999"}) {
    StatusServerOptions o = options();
    o.listen = bad;
    try {
      StatusServer server(std::move(o));
      ADD_FAILURE() << "expected an error for " << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("'" + bad + "'"), std::string::npos) << e.what();
    }
  }
}

TEST_F(StatusServerTest, StopsCleanlyAndFreesThePort) {
  uint16_t port = 0;
  {
    StatusServer server(options());
    port = server.port();
    EXPECT_EQ(request(port, "GET", "/healthz").status, 200);
  }
  // The same port can be bound again at once.
  StatusServerOptions o = options();
  o.listen = "127.0.0.1:" + std::to_string(port);
  StatusServer again(std::move(o));
  EXPECT_EQ(again.port(), port);
  EXPECT_EQ(request(port, "GET", "/healthz").status, 200);
}

TEST_F(StatusServerTest, ListensOnIpv6Loopback) {
  StatusServerOptions o = options();
  o.listen = "[::1]:0";
  std::unique_ptr<StatusServer> server;
  try {
    server = std::make_unique<StatusServer>(std::move(o));
  } catch (const std::runtime_error& e) {
    GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
  }
  EXPECT_EQ(server->address(), "[::1]:" + std::to_string(server->port()));
  Poco::Net::HTTPClientSession session(Poco::Net::SocketAddress(server->address()));
  Poco::Net::HTTPRequest req("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  session.receiveResponse(resp);
  EXPECT_EQ(resp.getStatus(), 200);
}

}  // namespace
}  // namespace kj::agent
