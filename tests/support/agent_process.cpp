#include "tests/support/agent_process.h"

#include <signal.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace kjt {

namespace {

uint64_t proc_status_kib(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stoull(line.substr(key.size() + 1));
  }
  return 0;
}

}  // namespace

AgentProcess::AgentProcess(std::filesystem::path config, uint16_t metrics_port,
                           const RunOptions& options, bool wait_ready)
    : port_(metrics_port) {
  child_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{KJ_BINARY, "agent", "--config", config.string()}, options);
  if (port_ == 0) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (wait_ready ? get("/readyz").status != 200 : get("/healthz").status == 0) {
    if (!child_->running())
      throw std::runtime_error("kjournal agent exited at start: " + child_->stderr_text());
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("kjournal agent not ready after 10 s: " + child_->stderr_text());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

AgentProcess::~AgentProcess() = default;  // ChildProcess kills the process group

AgentProcess::Answer AgentProcess::get(const std::string& path) const {
  Answer a;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port_);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    Poco::StreamCopier::copyToString(body, a.body);
    a.status = static_cast<int>(response.getStatus());
  } catch (const std::exception&) {
    a.status = 0;
  }
  return a;
}

std::optional<double> AgentProcess::metric(const std::string& sample) const {
  const auto a = get("/metrics");
  if (a.status != 200) return std::nullopt;
  std::istringstream in(a.body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > sample.size() && line.compare(0, sample.size(), sample) == 0 &&
        line[sample.size()] == ' ')
      return std::stod(line.substr(sample.size() + 1));
  }
  return std::nullopt;
}

uint64_t AgentProcess::rss_kib() const {
  return proc_status_kib(child_->pid(), "VmRSS");
}

uint64_t AgentProcess::rss_anon_kib() const {
  return proc_status_kib(child_->pid(), "RssAnon");
}

std::optional<ExitStatus> AgentProcess::terminate(std::chrono::milliseconds timeout) {
  child_->signal(SIGTERM);
  return child_->wait(timeout);
}

void AgentProcess::kill9() {
  child_->signal(SIGKILL);
  child_->wait(std::chrono::seconds(5));
}

}  // namespace kjt
