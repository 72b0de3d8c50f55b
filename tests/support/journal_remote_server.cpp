#include "tests/support/journal_remote_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>
#include <thread>

namespace kjt {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

bool accepts_connections(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr = loopback(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr = loopback(0);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot pick a free loopback port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

JournalRemoteServer::JournalRemoteServer(std::filesystem::path output_dir)
    : dir_(std::move(output_dir)), port_(free_loopback_port()) {
  std::filesystem::create_directories(dir_);
  start();
}

JournalRemoteServer::~JournalRemoteServer() {
  try {
    stop();
  } catch (...) {  // the ChildProcess destructor kills it regardless
  }
}

std::string JournalRemoteServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

bool JournalRemoteServer::running() const {
  return server_ && server_->running();
}

void JournalRemoteServer::start() {
  if (running()) return;
  // The trailing slash makes -o a directory: one journal file per sending host.
  server_ = std::make_unique<ChildProcess>(std::vector<std::string>{
      "/lib/systemd/systemd-journal-remote", "--listen-http=127.0.0.1:" + std::to_string(port_),
      "-o", dir_.string() + "/"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!accepts_connections(port_)) {
    if (!server_->running() || std::chrono::steady_clock::now() > deadline) {
      const std::string err = server_->stderr_text();
      server_.reset();
      throw std::runtime_error("systemd-journal-remote did not start on port " +
                               std::to_string(port_) + ": " + err);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void JournalRemoteServer::stop() {
  if (!server_) return;
  if (server_->running()) {
    server_->signal(SIGTERM);
    if (!server_->wait(std::chrono::seconds(10))) server_->signal(SIGKILL);
    server_->wait(std::chrono::seconds(5));
  }
  server_.reset();
}

std::vector<Entry> JournalRemoteServer::entries() const {
  if (journal_files_in(dir_).empty()) return {};
  RunResult r = run({"journalctl", "-D", dir_.string(), "-o", "export", "--no-pager"});
  if (r.timed_out || r.exit_code() != 0)
    throw std::runtime_error("journalctl -D " + dir_.string() + " failed\n" + r.describe());
  return parse_export_format(r.out);
}

std::string JournalRemoteServer::log() const {
  return server_ ? server_->stderr_text() : std::string();
}

}  // namespace kjt
