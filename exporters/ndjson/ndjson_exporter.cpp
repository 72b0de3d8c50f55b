#include "exporters/ndjson/ndjson_exporter.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "core/record_json.h"

namespace kj::exporters {
namespace {

std::string errno_name(int e) {
  const char* n = strerrorname_np(e);
  return n ? n : std::to_string(e);
}

// Errors retrying cannot fix until someone changes something outside the agent.
bool needs_operator(int e) {
  switch (e) {
    case EACCES:
    case EPERM:
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
    case EROFS:
    case EPIPE:
    case EBADF:
    case EINVAL:
    case ELOOP:
    case ENAMETOOLONG:
      return true;
    default:
      return false;
  }
}

// Blocks SIGPIPE for this thread while it writes, and swallows the one a write to a closed
// pipe raises, so EPIPE comes back as an error and the process's disposition is untouched.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeGuard() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      const timespec zero{};
      while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_, old_;
  bool was_pending_ = false;
};

}  // namespace

std::unique_ptr<NdjsonExporter> NdjsonExporter::to_fd(std::string name, int fd,
                                                      const config::RetryConfig& retry) {
  return std::unique_ptr<NdjsonExporter>(new NdjsonExporter(std::move(name), fd, {}, retry));
}

std::unique_ptr<NdjsonExporter> NdjsonExporter::to_file(std::string name, std::string path,
                                                        const config::RetryConfig& retry) {
  if (path.empty()) throw std::invalid_argument("exporter " + name + ": file path is empty");
  return std::unique_ptr<NdjsonExporter>(
      new NdjsonExporter(std::move(name), -1, std::move(path), retry));
}

NdjsonExporter::NdjsonExporter(std::string name, int fd, std::string path,
                               const config::RetryConfig& retry)
    : name_(std::move(name)), path_(std::move(path)), fd_(fd), retry_(retry) {}

NdjsonExporter::~NdjsonExporter() {
  if (!path_.empty() && fd_ >= 0) ::close(fd_);
}

std::optional<NdjsonExporter::WriteError> NdjsonExporter::open_file() {
  if (fd_ >= 0) {
    // Still the file at `path`? A rotated file was renamed or removed; keep appending to it
    // and those records would land where nobody looks for them.
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_)
      return std::nullopt;
    ::close(fd_);
    fd_ = -1;
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) return WriteError{errno, "open"};
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    return WriteError{e, "open"};
  }
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  // The new directory entry must be durable too, or a crash could lose the whole file.
  const auto dir = std::filesystem::path(path_).parent_path();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return std::nullopt;
}

std::optional<NdjsonExporter::WriteError> NdjsonExporter::write_all(std::string_view data,
                                                                    bool* partial) {
  SigpipeGuard guard;
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      *partial = true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // A non-blocking stdout (inherited from a parent): wait until the reader catches up.
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, 1000);
      continue;
    }
    return WriteError{n < 0 ? errno : EIO, "write"};
  }
  return std::nullopt;
}

std::optional<NdjsonExporter::WriteError> NdjsonExporter::write_batch() {
  if (!path_.empty()) {
    if (auto e = open_file()) return e;
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return WriteError{errno, "write"};
    const off_t start = st.st_size;
    bool partial = false;
    auto e = write_all(buf_, &partial);
    if (!e && ::fsync(fd_) != 0) e = WriteError{errno, "fsync"};
    if (e) {
      // Cut the torn batch off so the file stays one JSON object per line; the retry
      // appends it whole. Reopen next time: after a failed fsync the descriptor's error
      // state is not worth trusting.
      if (partial) (void)::ftruncate(fd_, start);
      ::close(fd_);
      fd_ = -1;
    }
    return e;
  }
  if (torn_) {
    // End the partial line an earlier failure left, so the lines after it parse.
    bool partial = false;
    if (auto e = write_all("\n", &partial)) return e;
    torn_ = false;
  }
  bool partial = false;
  auto e = write_all(buf_, &partial);
  if (e) {
    torn_ = partial;
    return e;
  }
  // stdout redirected to a file gets the same durability as the file exporter; pipes and
  // terminals cannot be synced.
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && ::fsync(fd_) != 0)
    return WriteError{errno, "fsync"};
  return std::nullopt;
}

bool NdjsonExporter::pause(std::chrono::milliseconds d, std::stop_token stop) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

DeliveryReport NdjsonExporter::deliver(std::span<const Record> records, std::stop_token stop) {
  DeliveryReport report;
  if (records.empty()) return report;
  buf_.clear();
  for (const auto& r : records) {
    json_.append(buf_, r);
    buf_.push_back('\n');
  }
  const auto started = std::chrono::steady_clock::now();
  std::minstd_rand rng(std::random_device{}());
  auto backoff = std::max(retry_.initial, std::chrono::milliseconds(1));
  const auto cap = std::max(retry_.max, backoff);
  for (;;) {
    counters_.requests.fetch_add(1);
    const auto error = write_batch();
    if (!error) {
      counters_.records_sent.fetch_add(records.size());
      counters_.bytes_sent.fetch_add(buf_.size());
      counters_.parked.store(0);
      report.delivered = records.size();
      return report;
    }
    const std::string reason = std::string(error->step) + "_" + errno_name(error->error);
    report.last_error = name_ + ": " + error->step + " " +
                        (path_.empty() ? std::string("output") : path_) + ": " +
                        std::strerror(error->error);
    counters_.count_error(reason);
    if (retry_.max_elapsed.count() > 0 &&
        std::chrono::steady_clock::now() - started >= retry_.max_elapsed) {
      counters_.records_dropped.fetch_add(records.size());
      counters_.parked.store(0);
      report.dropped = records.size();
      return report;
    }
    std::chrono::milliseconds wait;
    if (needs_operator(error->error)) {
      counters_.parked.store(1);
      wait = cap;
    } else {
      // Jittered: anywhere in [backoff/2, backoff], so exporters sharing a disk spread out.
      wait = std::chrono::milliseconds(
          std::uniform_int_distribution<int64_t>(backoff.count() / 2, backoff.count())(rng));
      backoff = std::min(cap, backoff * 2);
    }
    counters_.retries.fetch_add(1);
    if (!pause(wait, stop)) {
      report.aborted = true;
      return report;
    }
  }
}

std::unique_ptr<Exporter> make_ndjson_exporter(const config::ExporterConfig& config) {
  switch (config.type) {
    case config::ExporterConfig::Type::stdout_:
      return NdjsonExporter::to_fd(config.name, STDOUT_FILENO, config.retry);
    case config::ExporterConfig::Type::file:
      if (config.file.path.empty())
        throw std::invalid_argument("exporter " + config.name + ": file.path is required");
      return NdjsonExporter::to_file(config.name, config.file.path, config.retry);
    default:
      throw std::invalid_argument("exporter " + config.name + ": not an stdout or file exporter");
  }
}

}  // namespace kj::exporters
