// A real systemd-journal-remote accepting `POST /upload` over plain HTTP on a loopback port,
// writing what arrives into a private directory; the export target of the journal_remote
// exporter's tests. Stopped by PID (SIGTERM, so it closes its journal files cleanly) and
// restartable on the same port, to test an exporter that outlives its server.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/journal_fixture.h"
#include "tests/support/process.h"

namespace kjt {

// A TCP port on 127.0.0.1 nothing listens on right now (the kernel's pick for port 0).
uint16_t free_loopback_port();

class JournalRemoteServer {
 public:
  // Starts `systemd-journal-remote --listen-http=127.0.0.1:PORT -o DIR/` on a free port and
  // waits (at most 10 s) until the port accepts connections. Throws std::runtime_error, with
  // the server's stderr, when it does not come up.
  explicit JournalRemoteServer(std::filesystem::path output_dir);
  ~JournalRemoteServer();
  JournalRemoteServer(const JournalRemoteServer&) = delete;
  JournalRemoteServer& operator=(const JournalRemoteServer&) = delete;

  uint16_t port() const { return port_; }
  std::string url() const;  // http://127.0.0.1:PORT
  const std::filesystem::path& output_dir() const { return dir_; }
  bool running() const;

  // SIGTERM to the server's PID, then wait (at most 10 s; SIGKILL after that).
  void stop();
  // Starts it again on the same port and output directory.
  void start();

  // What arrived, as `journalctl -D DIR -o export` reads it, in journal order. Stop the
  // server first to be sure every entry it accepted is on disk.
  std::vector<Entry> entries() const;
  // Everything the server wrote to stderr since it was last started.
  std::string log() const;

 private:
  std::filesystem::path dir_;
  uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> server_;
};

}  // namespace kjt
