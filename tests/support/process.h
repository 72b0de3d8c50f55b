// Running real programs from tests: one-shot commands with captured output and a hard timeout,
// and long-running children whose stdout is read line by line while the test drives them.
// Every wait is bounded so a misbehaving program fails a test instead of hanging the suite.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kjt {

struct RunOptions {
  std::string stdin_data;  // written to the child's stdin, which is then closed
  // Added to (or replacing entries of) the test's own environment.
  std::vector<std::pair<std::string, std::string>> env;
  // Drop to this uid (and its primary group, supplementary groups cleared) before exec:
  // root ignores file permissions, so permission tests must run the program as someone else.
  std::optional<uid_t> uid;
  std::chrono::milliseconds timeout{30'000};  // run(): kill the process group after this
};

struct ExitStatus {
  int exit_code = -1;   // -1 when killed by a signal
  int term_signal = 0;  // the signal that killed it, 0 if it exited
  bool exited() const { return term_signal == 0; }
};

struct RunResult {
  ExitStatus status;
  bool timed_out = false;
  std::string out;
  std::string err;

  int exit_code() const { return status.exit_code; }
  // One-paragraph summary (command, status, head of stdout/stderr) for assertion messages.
  std::string describe() const;
  std::string command;  // argv joined by spaces, for describe()
};

// Runs argv[0] (an absolute path or a name looked up in PATH) to completion.
RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// A child that keeps running while the test talks to it (kjournal -f, a journald instance).
// stdout is a pipe read with read_line(); stderr goes to an unlinked temporary file so a
// chatty child never blocks on a full pipe. The destructor kills the whole process group.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv, const RunOptions& options = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The next complete stdout line without its '\n'; nullopt on timeout or at EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  bool stdout_closed() const { return eof_; }
  // Sends sig to the child (not to its process group: the child must handle it itself).
  void signal(int sig);
  // Reaps the child if it exits within timeout.
  std::optional<ExitStatus> wait(std::chrono::milliseconds timeout);
  bool running();
  // Everything the child wrote to stderr so far.
  std::string stderr_text() const;
  const std::string& command() const { return command_; }

 private:
  void kill_group();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool eof_ = false;
  std::optional<ExitStatus> status_;
  std::string buffer_;
  std::string command_;
};

// Joins argv for messages.
std::string join_command(const std::vector<std::string>& argv);

}  // namespace kjt
