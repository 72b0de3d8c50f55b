// `kjournal agent` as a child process for end-to-end tests: started from a config the test
// writes, observed through its /metrics endpoint and its stderr log, stopped by signal or
// killed with SIGKILL like a crashing node would.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "tests/support/process.h"

namespace kjt {

class AgentProcess {
 public:
  // Starts `kjournal agent --config <config>`; `metrics_port` is the server.listen port the
  // config names (0: the config has no server). Waits (10 s at most) until /readyz answers
  // 200, or with `wait_ready` false only until the server answers at all.
  AgentProcess(std::filesystem::path config, uint16_t metrics_port, const RunOptions& options = {},
               bool wait_ready = true);
  ~AgentProcess();

  pid_t pid() const { return child_->pid(); }
  ChildProcess& child() { return *child_; }
  // GET http://127.0.0.1:<port><path>; status 0 when nothing answers.
  struct Answer {
    int status = 0;
    std::string body;
  };
  Answer get(const std::string& path) const;
  // The value of one sample of /metrics: `name{labels}` exactly as exposed (labels in the
  // agent's order), nullopt when absent or the server does not answer.
  std::optional<double> metric(const std::string& sample) const;
  // An exporter's sample: `name{exporter="<exporter>"}`, e.g.
  // exporter_metric("kjournal_exporter_records_sent_total", "loki").
  std::optional<double> exporter_metric(const std::string& name,
                                        const std::string& exporter) const {
    return metric(name + "{exporter=\"" + exporter + "\"}");
  }
  // Resident set size (VmRSS) and its anonymous part (RssAnon) in KiB, from /proc.
  uint64_t rss_kib() const;
  uint64_t rss_anon_kib() const;
  // SIGTERM and wait; the exit status, nullopt if it did not exit in time.
  std::optional<ExitStatus> terminate(std::chrono::milliseconds timeout);
  void kill9();
  std::string log() const { return child_->stderr_text(); }

 private:
  uint16_t port_;
  std::unique_ptr<ChildProcess> child_;
};

}  // namespace kjt
