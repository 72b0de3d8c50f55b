// A real systemd-journald, started as a namespace instance (`systemd-journald NS`) so tests
// get live journal files, rotation and vacuuming without a systemd PID 1 and without
// touching the host journal. Stopped and cleaned up (run dir, journal dir) on destruction.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/process.h"

namespace kjt {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct JournaldOptions {
  // Contents of /etc/systemd/journald@NS.conf (journald.conf(5) syntax), written before the
  // instance starts and removed with it; empty: none. Load tests need
  // "[Journal]\nRateLimitBurst=0\n", or journald drops what exceeds its per-service burst.
  std::string config;
};

class JournaldNamespace {
 public:
  // Starts journald with a unique namespace name (kjt<pid><random>) and waits (at most 10 s)
  // until its native socket accepts and its journal file exists. Throws on failure.
  JournaldNamespace() : JournaldNamespace(JournaldOptions{}) {}
  explicit JournaldNamespace(const JournaldOptions& options);
  ~JournaldNamespace();
  JournaldNamespace(const JournaldNamespace&) = delete;
  JournaldNamespace& operator=(const JournaldNamespace&) = delete;

  const std::string& name() const { return name_; }
  pid_t pid() const { return journald_->pid(); }
  std::filesystem::path socket_path() const;
  std::filesystem::path config_path() const;
  // Where journald keeps this namespace's files (persistent or volatile).
  std::filesystem::path journal_dir() const;

  // One entry over the native protocol (one datagram). Values with newlines or binary bytes
  // use the protocol's length-prefixed form. Throws on a send error.
  void send(const Fields& fields);
  // `journalctl --namespace NS --rotate | --vacuum-files=N | --sync`; throws on failure.
  void rotate();
  void vacuum_files(int n);
  void sync();
  // The namespace's journal as `journalctl --namespace NS -o json` lines.
  std::string journalctl_json(const std::vector<std::string>& extra_args = {}) const;

 private:
  void journalctl_or_throw(const std::vector<std::string>& args) const;
  void cleanup_paths() const;

  std::string name_;
  std::string machine_id_;
  std::unique_ptr<ChildProcess> journald_;
};

}  // namespace kjt
