// The `stdout` and `file` exporters: one JSON object per line, in exactly the schema of
// `kjournal -o json` (core/record_json.h). A batch is written in full before it counts as
// delivered; the file exporter also fsyncs it first, so a checkpoint never gets ahead of
// what is on disk (at-least-once: after a crash a batch may appear twice, never not at all).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string>

#include "core/config/agent_config.h"
#include "core/record_json.h"
#include "exporters/exporter.h"

namespace kj::exporters {

class NdjsonExporter final : public Exporter {
 public:
  // Writes to `fd`, which stays the caller's (stdout: 1). SIGPIPE is blocked in the
  // writing thread, so a closed reader is an EPIPE error, not the end of the process.
  static std::unique_ptr<NdjsonExporter> to_fd(std::string name, int fd,
                                               const config::RetryConfig& retry);
  // Appends to `path`, created with mode 0640 if missing and reopened when it was renamed or
  // removed (rotation by logrotate or an operator): the next batch goes to a file at `path`.
  static std::unique_ptr<NdjsonExporter> to_file(std::string name, std::string path,
                                                 const config::RetryConfig& retry);
  ~NdjsonExporter() override;
  NdjsonExporter(const NdjsonExporter&) = delete;
  NdjsonExporter& operator=(const NdjsonExporter&) = delete;

  const std::string& name() const override { return name_; }
  // Retries write errors with exponential backoff and jitter (retry.initial .. retry.max).
  // Errors an operator has to fix (permission, missing directory, read-only file system, a
  // reader that went away: EPIPE) park the exporter: counters().parked is 1 and the batch
  // is tried again every retry.max until it goes through or `stop` is requested. With
  // retry.max_elapsed set, a batch failing for longer is dropped and counted.
  DeliveryReport deliver(std::span<const Record> records, std::stop_token stop) override;
  const ExporterCounters& counters() const override { return counters_; }

 private:
  struct WriteError {
    int error = 0;     // errno
    const char* step;  // "open", "write", "fsync"
  };

  NdjsonExporter(std::string name, int fd, std::string path, const config::RetryConfig& retry);
  // Writes buf_ in full (and fsyncs it for files); nullopt on success.
  std::optional<WriteError> write_batch();
  std::optional<WriteError> open_file();
  std::optional<WriteError> write_all(std::string_view data, bool* partial);
  // Sleeps up to `d`; false when `stop` was requested.
  bool pause(std::chrono::milliseconds d, std::stop_token stop);

  std::string name_;
  std::string path_;  // empty: writing to an fd we do not own
  int fd_ = -1;
  dev_t dev_ = 0;  // identity of the open file, to notice rotation
  ino_t ino_ = 0;
  bool torn_ = false;  // a failed write left a partial line on a non-file fd
  config::RetryConfig retry_;
  ExporterCounters counters_;
  std::string buf_;
  RecordJsonWriter json_;  // keeps the per-second time text between records
  std::mutex mutex_;
  std::condition_variable_any cv_;
};

// The exporter for an `stdout` or `file` exporter configuration. Throws
// std::invalid_argument for any other type, or a file exporter without a path.
std::unique_ptr<Exporter> make_ndjson_exporter(const config::ExporterConfig& config);

}  // namespace kj::exporters
