#include "tests/support/journald_namespace.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include "tests/support/journal_fixture.h"

namespace kjt {
namespace {

using Clock = std::chrono::steady_clock;

std::string read_machine_id() {
  std::ifstream in("/etc/machine-id");
  std::string id;
  in >> id;
  if (id.size() != 32) throw std::runtime_error("cannot read /etc/machine-id");
  return id;
}

std::string unique_name() {
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%06x", rd() & 0xffffff);
  return "kjt" + std::to_string(::getpid()) + suffix;
}

sockaddr_un socket_address(const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string p = path.string();
  if (p.size() >= sizeof addr.sun_path) throw std::runtime_error("socket path too long: " + p);
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  return addr;
}

bool socket_accepts(const std::filesystem::path& path) {
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr = socket_address(path);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

void append_le64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Namespaces of earlier test runs that were killed before their destructor ran: the name's
// pid is gone and no journald serves the socket. Only names this class makes are touched.
void remove_stale_namespaces(const std::string& machine_id) {
  std::error_code ec;
  for (const auto& de : std::filesystem::directory_iterator("/run/systemd", ec)) {
    const std::string dir = de.path().filename().string();
    const std::string prefix = "journal.kjt";
    if (!dir.starts_with(prefix) || dir.size() <= prefix.size() + 6) continue;
    const std::string name = dir.substr(std::string("journal.").size());
    const std::string pid = name.substr(3, name.size() - 3 - 6);
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (::kill(std::stoi(pid), 0) == 0 || errno != ESRCH) continue;
    if (socket_accepts(de.path() / "socket")) continue;
    std::filesystem::remove_all(de.path(), ec);
    std::filesystem::remove_all("/var/log/journal/" + machine_id + "." + name, ec);
    std::filesystem::remove_all("/run/log/journal/" + machine_id + "." + name, ec);
    std::filesystem::remove("/etc/systemd/journald@" + name + ".conf", ec);
  }
}

}  // namespace

JournaldNamespace::JournaldNamespace(const JournaldOptions& options)
    : name_(unique_name()), machine_id_(read_machine_id()) {
  remove_stale_namespaces(machine_id_);
  cleanup_paths();  // a name is never reused, but never inherit leftovers either
  if (!options.config.empty()) {
    std::ofstream conf(config_path());
    conf << options.config;
    if (!conf.flush()) throw std::runtime_error("cannot write " + config_path().string());
  }
  journald_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"/lib/systemd/systemd-journald", name_});
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (true) {
    if (socket_accepts(socket_path()) &&
        std::filesystem::exists(journal_dir() / "system.journal")) {
      return;
    }
    if (!journald_->running() || Clock::now() > deadline) {
      std::string why = journald_->stderr_text();
      journald_.reset();
      cleanup_paths();
      throw std::runtime_error("systemd-journald " + name_ + " did not come up: " + why);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

JournaldNamespace::~JournaldNamespace() {
  if (journald_) {
    journald_->signal(SIGTERM);
    journald_->wait(std::chrono::seconds(3));
    journald_.reset();  // SIGKILLs it if SIGTERM was not enough
  }
  cleanup_paths();
}

std::filesystem::path JournaldNamespace::config_path() const {
  return "/etc/systemd/journald@" + name_ + ".conf";
}

std::filesystem::path JournaldNamespace::socket_path() const {
  return std::filesystem::path("/run/systemd/journal." + name_) / "socket";
}

std::filesystem::path JournaldNamespace::journal_dir() const {
  // Storage=auto: persistent when /var/log/journal exists, else volatile under /run.
  std::filesystem::path persistent = "/var/log/journal/" + machine_id_ + "." + name_;
  std::filesystem::path runtime = "/run/log/journal/" + machine_id_ + "." + name_;
  if (!std::filesystem::exists(persistent) && std::filesystem::exists(runtime)) return runtime;
  return persistent;
}

void JournaldNamespace::cleanup_paths() const {
  std::error_code ec;
  std::filesystem::remove_all("/run/systemd/journal." + name_, ec);
  std::filesystem::remove_all("/var/log/journal/" + machine_id_ + "." + name_, ec);
  std::filesystem::remove_all("/run/log/journal/" + machine_id_ + "." + name_, ec);
  std::filesystem::remove(config_path(), ec);
}

void JournaldNamespace::send(const Fields& fields) {
  std::string datagram;
  for (const auto& [name, value] : fields) {
    if (value.find('\n') != std::string::npos || needs_binary_form(value)) {
      datagram += name;
      datagram += '\n';
      append_le64(datagram, value.size());
      datagram += value;
      datagram += '\n';
    } else {
      datagram += name + "=" + value + "\n";
    }
  }
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_un addr = socket_address(socket_path());
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  while (true) {
    ssize_t n = ::sendto(fd, datagram.data(), datagram.size(), MSG_NOSIGNAL,
                         reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    if (n == static_cast<ssize_t>(datagram.size())) break;
    int e = errno;
    // A busy journald leaves its receive queue full for a moment; anything else is fatal.
    if ((e == EAGAIN || e == ENOBUFS || e == EINTR) && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    ::close(fd);
    throw std::runtime_error("send to " + socket_path().string() + ": " + std::strerror(e));
  }
  ::close(fd);
}

void JournaldNamespace::journalctl_or_throw(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"journalctl", "--namespace", name_};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.timeout = std::chrono::seconds(20);
  RunResult r = run(argv, options);
  if (r.timed_out || r.exit_code() != 0) throw std::runtime_error(r.describe());
}

void JournaldNamespace::rotate() {
  journalctl_or_throw({"--rotate"});
}

void JournaldNamespace::vacuum_files(int n) {
  journalctl_or_throw({"--vacuum-files=" + std::to_string(n)});
}

void JournaldNamespace::sync() {
  journalctl_or_throw({"--sync"});
}

std::string JournaldNamespace::journalctl_json(const std::vector<std::string>& extra_args) const {
  std::vector<std::string> argv = {"journalctl", "--namespace", name_,       "--all",
                                   "-o",         "json",        "--no-pager"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  RunOptions options;
  options.timeout = std::chrono::seconds(20);
  RunResult r = run(argv, options);
  if (r.timed_out || r.exit_code() != 0) throw std::runtime_error(r.describe());
  return r.out;
}

}  // namespace kjt
