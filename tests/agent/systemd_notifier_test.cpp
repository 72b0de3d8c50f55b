#include "agent/systemd_notifier.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace kj::agent {
namespace {

using namespace std::chrono_literals;

// Sets environment variables for one test and puts the old values back afterwards.
class ScopedEnv {
 public:
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) {
        ::setenv(it->first.c_str(), it->second->c_str(), 1);
      } else {
        ::unsetenv(it->first.c_str());
      }
    }
  }
  void set(const std::string& name, const std::string& value) {
    remember(name);
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  void unset(const std::string& name) {
    remember(name);
    ::unsetenv(name.c_str());
  }

 private:
  void remember(const std::string& name) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// What systemd listens on: an AF_UNIX datagram socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw std::runtime_error("path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("bind " + path + ": " + std::strerror(errno));
    }
  }
  ~NotifySocket() { ::close(fd_); }

  // The next datagram, or nullopt when none arrives in time.
  std::optional<std::string> receive(std::chrono::milliseconds timeout = 2000ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

class SystemdNotifierTest : public ::testing::Test {
 protected:
  SystemdNotifierTest() : dir_("kjt-notify"), socket_((dir_ / "notify").string()) {
    env_.set("NOTIFY_SOCKET", socket_.path());
    env_.unset("WATCHDOG_USEC");
    env_.unset("WATCHDOG_PID");
  }

  kjt::TempDir dir_;
  NotifySocket socket_;
  ScopedEnv env_;
};

TEST_F(SystemdNotifierTest, SendsLifecycleMessages) {
  SystemdNotifier notifier;
  EXPECT_TRUE(notifier.enabled());
  notifier.ready();
  EXPECT_EQ(socket_.receive(), "READY=1");
  notifier.status("reading 2 sources, 1 exporter");
  EXPECT_EQ(socket_.receive(), "STATUS=reading 2 sources, 1 exporter");
  notifier.reloading();
  EXPECT_EQ(socket_.receive(), "RELOADING=1");
  notifier.stopping();
  EXPECT_EQ(socket_.receive(), "STOPPING=1");
  EXPECT_EQ(socket_.receive(100ms), std::nullopt);
}

TEST_F(SystemdNotifierTest, StatusStaysOneAssignment) {
  SystemdNotifier notifier;
  notifier.status("exporter central failing\nREADY=1");
  EXPECT_EQ(socket_.receive(), "STATUS=exporter central failing READY=1");
}

TEST_F(SystemdNotifierTest, NoWatchdogWithoutWatchdogUsec) {
  SystemdNotifier notifier;
  EXPECT_EQ(notifier.watchdog_interval(), 0us);
  EXPECT_FALSE(notifier.watchdog_due());
  notifier.ping();
  EXPECT_EQ(socket_.receive(100ms), std::nullopt);
}

TEST_F(SystemdNotifierTest, WatchdogPingsAtHalfTheInterval) {
  env_.set("WATCHDOG_USEC", "2000000");
  env_.set("WATCHDOG_PID", std::to_string(::getpid()));
  SystemdNotifier notifier;
  EXPECT_EQ(notifier.watchdog_interval(), 2s);

  const auto t0 = SystemdNotifier::Clock::now();
  EXPECT_TRUE(notifier.watchdog_due(t0));  // nothing sent yet
  notifier.ping(t0);
  EXPECT_EQ(socket_.receive(), "WATCHDOG=1");
  EXPECT_FALSE(notifier.watchdog_due(t0 + 999ms));
  EXPECT_TRUE(notifier.watchdog_due(t0 + 1s));
  notifier.ping(t0 + 1s);
  EXPECT_EQ(socket_.receive(), "WATCHDOG=1");
  EXPECT_FALSE(notifier.watchdog_due(t0 + 1500ms));
}

TEST_F(SystemdNotifierTest, WatchdogWithoutPidIsOurs) {
  env_.set("WATCHDOG_USEC", "500000");
  SystemdNotifier notifier;
  EXPECT_EQ(notifier.watchdog_interval(), 500ms);
}

TEST_F(SystemdNotifierTest, WatchdogOfAnotherProcessIsIgnored) {
  env_.set("WATCHDOG_USEC", "2000000");
  env_.set("WATCHDOG_PID", std::to_string(::getpid() + 1));
  SystemdNotifier notifier;
  EXPECT_EQ(notifier.watchdog_interval(), 0us);
  EXPECT_FALSE(notifier.watchdog_due());
}

TEST_F(SystemdNotifierTest, BadWatchdogUsecIsReported) {
  env_.set("WATCHDOG_USEC", "soon");
  std::vector<std::string> errors;
  SystemdNotifier notifier([&](std::string_view e) { errors.emplace_back(e); });
  EXPECT_EQ(notifier.watchdog_interval(), 0us);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("WATCHDOG_USEC"), std::string::npos) << errors[0];
}

TEST_F(SystemdNotifierTest, UnreachableSocketIsReportedNotThrown) {
  env_.set("NOTIFY_SOCKET", (dir_ / "nobody-listens").string());
  std::vector<std::string> errors;
  SystemdNotifier notifier([&](std::string_view e) { errors.emplace_back(e); });
  notifier.ready();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("READY=1"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("nobody-listens"), std::string::npos) << errors[0];
}

TEST(SystemdNotifierWithoutSystemd, EverythingIsANoOp) {
  ScopedEnv env;
  env.unset("NOTIFY_SOCKET");
  env.set("WATCHDOG_USEC", "2000000");
  env.set("WATCHDOG_PID", std::to_string(::getpid()));
  std::vector<std::string> errors;
  SystemdNotifier notifier([&](std::string_view e) { errors.emplace_back(e); });
  EXPECT_FALSE(notifier.enabled());
  EXPECT_EQ(notifier.watchdog_interval(), 0us);
  EXPECT_FALSE(notifier.watchdog_due());
  notifier.ready();
  notifier.status("x");
  notifier.ping();
  notifier.stopping();
  EXPECT_TRUE(errors.empty());
}

}  // namespace
}  // namespace kj::agent
