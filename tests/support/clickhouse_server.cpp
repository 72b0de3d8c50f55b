#include "tests/support/clickhouse_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace kjt {
namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// Status and body of one HTTP request to the server; status 0 when it does not answer.
std::pair<int, std::string> http_call(uint16_t port, const std::string& method,
                                      const std::string& path, const std::string& body) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    return {static_cast<int>(response.getStatus()), text};
  } catch (const Poco::Exception&) {
    return {0, ""};
  }
}

}  // namespace

uint16_t free_local_port() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port();
}

ClickHouseServer::ClickHouseServer(const ClickHouseServerOptions& options) {
  http_port_ = free_local_port();
  do tcp_port_ = free_local_port();
  while (tcp_port_ == http_port_);
  const auto root = dir_.path();
  std::string extra_user;
  if (!options.password_user.empty())
    extra_user = "<" + options.password_user + "><password>" + options.password +
                 "</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile>"
                 "<quota>default</quota></" +
                 options.password_user + ">";
  write_file(root / "users.xml",
             "<?xml version=\"1.0\"?>\n<yandex>\n"
             "  <profiles><default></default></profiles>\n"
             "  <users>\n"
             "    <default><password></password><networks><ip>127.0.0.1</ip></networks>"
             "<profile>default</profile><quota>default</quota></default>\n    " +
                 extra_user +
                 "\n  </users>\n"
                 "  <quotas><default></default></quotas>\n"
                 "</yandex>\n");
  write_file(root / "config.xml",
             "<?xml version=\"1.0\"?>\n<yandex>\n"
             "  <logger><level>warning</level><console>0</console>"
             "<log>" +
                 (root / "server.log").string() +
                 "</log>"
                 "<errorlog>" +
                 (root / "server.err.log").string() +
                 "</errorlog></logger>\n"
                 "  <http_port>" +
                 std::to_string(http_port_) +
                 "</http_port>\n"
                 "  <tcp_port>" +
                 std::to_string(tcp_port_) +
                 "</tcp_port>\n"
                 "  <listen_host>127.0.0.1</listen_host>\n"
                 "  <path>" +
                 (root / "data").string() +
                 "/</path>\n"
                 "  <tmp_path>" +
                 (root / "tmp").string() +
                 "/</tmp_path>\n"
                 "  <user_files_path>" +
                 (root / "user_files").string() +
                 "/</user_files_path>\n"
                 "  <users_config>" +
                 (root / "users.xml").string() +
                 "</users_config>\n"
                 "  <default_profile>default</default_profile>\n"
                 "  <default_database>default</default_database>\n"
                 "  <mark_cache_size>268435456</mark_cache_size>\n"
                 "</yandex>\n");
  start();
}

ClickHouseServer::~ClickHouseServer() {
  child_.reset();  // kills the process group
}

void ClickHouseServer::start() {
  if (child_) return;
  child_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{kBinary, "--config-file=" + (dir_.path() / "config.xml").string()});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (http_call(http_port_, "GET", "/ping", "").first == 200) return;
    if (!child_->running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string why = child_->running() ? "did not answer /ping within 30 s" : "exited";
  const std::string err = child_->stderr_text();
  child_.reset();
  throw std::runtime_error("clickhouse-server " + why + "\nstderr: " + err +
                           "\nlog: " + log_text());
}

void ClickHouseServer::stop() {
  if (!child_) return;
  // The server waits for open keep-alive connections before it exits; a test's outage
  // should not, so a server that lingers is killed (its inserts are on disk already).
  child_->signal(SIGTERM);
  child_->wait(std::chrono::seconds(2));
  child_.reset();  // kills the process group if it is still there
}

std::string ClickHouseServer::query(const std::string& sql) const {
  auto [status, body] = http_call(http_port_, "POST", "/", sql);
  if (status != 200)
    throw std::runtime_error("clickhouse query failed (HTTP " + std::to_string(status) +
                             "): " + sql + "\n" + body);
  return body;
}

std::string ClickHouseServer::log_text() const {
  std::ifstream in(dir_.path() / "server.err.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace kjt
