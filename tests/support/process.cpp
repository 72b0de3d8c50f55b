#include "tests/support/process.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace kjt {
namespace {

using Clock = std::chrono::steady_clock;

struct Spawned {
  pid_t pid = -1;
  int in_fd = -1;   // write end of the child's stdin, -1 when stdin is /dev/null
  int out_fd = -1;  // read end of the child's stdout
  int err_fd = -1;  // read end of the child's stderr pipe, -1 when stderr went to a file
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::vector<std::string> build_environment(const RunOptions& options) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string_view key = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& [k, v] : options.env) overridden = overridden || k == key;
    if (!overridden) env.emplace_back(entry);
  }
  for (const auto& [k, v] : options.env) env.push_back(k + "=" + v);
  return env;
}

ExitStatus decode_status(int status) {
  ExitStatus s;
  if (WIFEXITED(status)) {
    s.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    s.term_signal = WTERMSIG(status);
  }
  return s;
}

// Only async-signal-safe calls between fork and exec: the test binary may have threads.
[[noreturn]] void child_fail(int error_fd, int err) {
  ssize_t ignored = ::write(error_fd, &err, sizeof err);
  (void)ignored;
  _exit(127);
}

// stdin: a pipe when `stdin_pipe`, else /dev/null. stderr: `stderr_file` when >= 0, else a pipe.
Spawned spawn(const std::vector<std::string>& argv, const RunOptions& options, bool stdin_pipe,
              int stderr_file) {
  if (argv.empty()) throw std::invalid_argument("spawn: empty argv");
  std::vector<std::string> env = build_environment(options);
  std::vector<char*> c_argv;
  for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (const auto& e : env) c_env.push_back(const_cast<char*>(e.c_str()));
  c_env.push_back(nullptr);

  gid_t gid = 0;
  if (options.uid) {
    struct passwd* pw = ::getpwuid(*options.uid);
    gid = pw != nullptr ? pw->pw_gid : static_cast<gid_t>(*options.uid);
  }

  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  int exec_pipe[2] = {-1, -1};
  auto fail = [&](const char* what) {
    int e = errno;
    for (int* p : {in_pipe, out_pipe, err_pipe, exec_pipe}) {
      close_fd(p[0]);
      close_fd(p[1]);
    }
    throw std::runtime_error(std::string("spawn ") + argv[0] + ": " + what + ": " +
                             std::strerror(e));
  };
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) fail("pipe");
  if (stdin_pipe && ::pipe2(in_pipe, O_CLOEXEC) != 0) fail("pipe");
  if (stderr_file < 0 && ::pipe2(err_pipe, O_CLOEXEC) != 0) fail("pipe");
  // Closed by a successful exec; carries errno back when exec (or the uid drop) fails.
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) fail("pipe");
  int devnull = stdin_pipe ? -1 : ::open("/dev/null", O_RDONLY | O_CLOEXEC);

  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) fail("fork");
  if (pid == 0) {
    ::setpgid(0, 0);  // own process group, so a timeout can kill grandchildren too
    int in = stdin_pipe ? in_pipe[0] : devnull;
    int err = stderr_file >= 0 ? stderr_file : err_pipe[1];
    if (::dup2(in, 0) < 0 || ::dup2(out_pipe[1], 1) < 0 || ::dup2(err, 2) < 0) {
      child_fail(exec_pipe[1], errno);
    }
    // The test binary may ignore SIGPIPE; the program under test must get default handling.
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) ::signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // Descriptors the test holds (other children's pipes, journal files) must not leak.
    ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    if (options.uid) {
      if (::setgroups(0, nullptr) != 0 || ::setresgid(gid, gid, gid) != 0 ||
          ::setresuid(*options.uid, *options.uid, *options.uid) != 0) {
        child_fail(exec_pipe[1], errno);
      }
    }
    // If the test binary dies (a crash, ctest's timeout kill), its children must not live on:
    // a leftover journald would keep its namespace busy. Set after the uid change, which
    // clears it, and re-check the parent in case it died before prctl.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) _exit(127);
    ::execvpe(c_argv[0], c_argv.data(), c_env.data());
    child_fail(exec_pipe[1], errno);
  }

  close_fd(exec_pipe[1]);
  close_fd(out_pipe[1]);
  close_fd(in_pipe[0]);
  close_fd(err_pipe[1]);
  close_fd(devnull);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_pipe[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  close_fd(exec_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    close_fd(out_pipe[0]);
    close_fd(in_pipe[1]);
    close_fd(err_pipe[0]);
    throw std::runtime_error("cannot start " + join_command(argv) + ": " +
                             std::strerror(child_errno));
  }
  return Spawned{pid, in_pipe[1], out_pipe[0], err_pipe[0]};
}

std::string head(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  return s.substr(0, max) + "... [" + std::to_string(s.size()) + " bytes]";
}

void ignore_sigpipe_once() {
  // Writing stdin of a child that already exited must be an EPIPE error, not a dead test.
  static const bool done = [] {
    ::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)done;
}

}  // namespace

std::string join_command(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"*?$") == std::string::npos;
    s += plain ? a : "'" + a + "'";
  }
  return s;
}

std::string RunResult::describe() const {
  std::string s = "command: " + command + "\n";
  if (timed_out) {
    s += "status: TIMED OUT (killed)\n";
  } else if (status.term_signal != 0) {
    s += "status: killed by signal " + std::to_string(status.term_signal) + "\n";
  } else {
    s += "status: exit " + std::to_string(status.exit_code) + "\n";
  }
  s += "stdout: " + head(out, 3000) + "\n";
  s += "stderr: " + head(err, 3000) + "\n";
  return s;
}

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
  ignore_sigpipe_once();
  RunResult result;
  result.command = join_command(argv);
  Spawned child;
  try {
    child = spawn(argv, options, /*stdin_pipe=*/true, /*stderr_file=*/-1);
  } catch (const std::exception& e) {
    result.status.exit_code = 127;
    result.err = e.what();
    return result;
  }
  const auto deadline = Clock::now() + options.timeout;
  size_t written = 0;
  if (options.stdin_data.empty()) close_fd(child.in_fd);

  while (child.out_fd >= 0 || child.err_fd >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    std::vector<pollfd> fds;
    if (child.in_fd >= 0) fds.push_back({child.in_fd, POLLOUT, 0});
    if (child.out_fd >= 0) fds.push_back({child.out_fd, POLLIN, 0});
    if (child.err_fd >= 0) fds.push_back({child.err_fd, POLLIN, 0});
    int r = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (r < 0 && errno != EINTR) break;
    for (const auto& p : fds) {
      if (p.revents == 0) continue;
      if (p.fd == child.in_fd) {
        ssize_t w = ::write(child.in_fd, options.stdin_data.data() + written,
                            std::min<size_t>(options.stdin_data.size() - written, 65536));
        if (w > 0) written += static_cast<size_t>(w);
        if ((w < 0 && errno != EINTR && errno != EAGAIN) || written == options.stdin_data.size()) {
          close_fd(child.in_fd);
        }
        continue;
      }
      char buf[65536];
      ssize_t got = ::read(p.fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      std::string& sink = p.fd == child.out_fd ? result.out : result.err;
      if (got > 0) {
        sink.append(buf, static_cast<size_t>(got));
      } else {
        close_fd(p.fd == child.out_fd ? child.out_fd : child.err_fd);
      }
    }
  }
  close_fd(child.in_fd);
  close_fd(child.out_fd);
  close_fd(child.err_fd);

  int status = 0;
  while (!result.timed_out) {
    pid_t w = ::waitpid(child.pid, &status, WNOHANG);
    if (w == child.pid) {
      result.status = decode_status(status);
      return result;
    }
    if (Clock::now() >= deadline) {
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(-child.pid, SIGKILL);
  ::waitpid(child.pid, &status, 0);
  result.status = decode_status(status);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const RunOptions& options)
    : command_(join_command(argv)) {
  ignore_sigpipe_once();
  char path[] = "/tmp/kjt-stderr-XXXXXX";
  err_fd_ = ::mkostemp(path, O_CLOEXEC);
  if (err_fd_ < 0) throw std::runtime_error("mkostemp: " + std::string(std::strerror(errno)));
  ::unlink(path);  // nothing to clean up later, even if the test crashes
  try {
    Spawned s = spawn(argv, options, /*stdin_pipe=*/false, err_fd_);
    pid_ = s.pid;
    out_fd_ = s.out_fd;
  } catch (...) {
    close_fd(err_fd_);
    throw;
  }
}

ChildProcess::~ChildProcess() {
  if (!status_) {
    kill_group();
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  close_fd(out_fd_);
  close_fd(err_fd_);
}

void ChildProcess::kill_group() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
  }
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (eof_) return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() < 0) return std::nullopt;
    pollfd p{out_fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (r <= 0) {
      if (Clock::now() >= deadline) return std::nullopt;
      continue;
    }
    char buf[65536];
    ssize_t got = ::read(out_fd_, buf, sizeof buf);
    if (got > 0) {
      buffer_.append(buf, static_cast<size_t>(got));
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      eof_ = true;
    }
  }
}

void ChildProcess::signal(int sig) {
  if (!status_ && pid_ > 0) ::kill(pid_, sig);
}

std::optional<ExitStatus> ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!status_) {
    // Peek first (WNOWAIT): while the exited child is an unreaped zombie its process group id
    // cannot be reused, so killing leftover grandchildren (a pager, a helper) hits only ours.
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid_) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      status_ = decode_status(status);
      break;
    }
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return status_;
}

bool ChildProcess::running() {
  return !wait(std::chrono::milliseconds(0)).has_value();
}

std::string ChildProcess::stderr_text() const {
  struct stat st {};
  if (::fstat(err_fd_, &st) != 0) return {};
  std::string text(static_cast<size_t>(st.st_size), '\0');
  ssize_t got = ::pread(err_fd_, text.data(), text.size(), 0);
  text.resize(got > 0 ? static_cast<size_t>(got) : 0);
  return text;
}

}  // namespace kjt
