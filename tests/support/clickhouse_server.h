// A real clickhouse-server (Debian's 18.16) for exporter tests: a private data directory, a
// minimal config on free local ports, users from a generated users.xml. It can be stopped
// and started again on the same ports and data, which the outage tests need. The server runs
// as the test's user (root in CI); the destructor kills it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace kjt {

struct ClickHouseServerOptions {
  // A second user that needs a password (auth tests); empty: only `default`, no password.
  std::string password_user;
  std::string password;
};

class ClickHouseServer {
 public:
  static constexpr const char* kBinary = "/usr/sbin/clickhouse-server";

  // Starts the server and waits until GET /ping answers; throws std::runtime_error with the
  // server's log on failure.
  explicit ClickHouseServer(const ClickHouseServerOptions& options = {});
  ~ClickHouseServer();
  ClickHouseServer(const ClickHouseServer&) = delete;
  ClickHouseServer& operator=(const ClickHouseServer&) = delete;

  static bool available() { return std::filesystem::exists(kBinary); }

  void stop();   // SIGTERM, then SIGKILL after 2 s
  void start();  // the same ports, config and data
  bool running() const { return child_ != nullptr; }

  uint16_t http_port() const { return http_port_; }
  uint16_t tcp_port() const { return tcp_port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(http_port_); }

  // Runs `sql` as `default` over HTTP and returns the body; throws std::runtime_error with
  // the server's answer when the status is not 200.
  std::string query(const std::string& sql) const;

  // The server's log (warnings and errors), for assertion messages.
  std::string log_text() const;

 private:
  TempDir dir_{"kjt-clickhouse"};
  uint16_t http_port_ = 0;
  uint16_t tcp_port_ = 0;
  std::unique_ptr<ChildProcess> child_;
};

// A free TCP port on 127.0.0.1 at the time of the call.
uint16_t free_local_port();

}  // namespace kjt
