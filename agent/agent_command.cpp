#include "agent/agent_command.h"

#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>

#include "agent/agent_log.h"
#include "agent/checkpoint_store.h"
#include "agent/loop_heartbeat.h"
#include "agent/metrics_registry.h"
#include "agent/pipeline.h"
#include "agent/pipeline_metrics.h"
#include "agent/retrying_source.h"
#include "agent/status_server.h"
#include "agent/systemd_notifier.h"
#include "core/config/config_loader.h"
#include "exporters/exporter_factory.h"

namespace kj::agent {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

exporters::Logger exporter_logger(const Logger& logger) {
  return [&logger](exporters::LogLevel level, std::string_view message) {
    LogLevel l = LogLevel::info;
    switch (level) {
      case exporters::LogLevel::debug:
        l = LogLevel::debug;
        break;
      case exporters::LogLevel::info:
        l = LogLevel::info;
        break;
      case exporters::LogLevel::warning:
        l = LogLevel::warning;
        break;
      case exporters::LogLevel::error:
        l = LogLevel::error;
        break;
    }
    logger.log(l, message);
  };
}

struct Options {
  std::string config_file;
  std::string log_level = "info";
};

config::AgentConfig load(const Options& o) {
  return o.config_file.empty() ? config::load_default_config()
                               : config::load_config_file(o.config_file);
}

// Everything one configuration runs: rebuilt on SIGHUP.
class Run {
 public:
  Run(const config::AgentConfig& cfg, const Logger& logger, MetricsRegistry& registry)
      : cfg_(cfg), store_(cfg.state_dir) {
    const auto elog = exporter_logger(logger);
    std::vector<std::unique_ptr<exporters::Exporter>> exporters;
    PipelineOptions popt;
    popt.config = cfg.pipeline;
    popt.node = cfg.node;
    bool keep_fields = false;
    for (const auto& e : cfg.exporters) {
      exporters.push_back(exporters::make_exporter(e, elog));
      popt.batches.push_back(e.batch);
      keep_fields = keep_fields || exporters::needs_journal_fields(e);
      popt.chunk_records =
          std::min<size_t>(popt.chunk_records, std::max<uint64_t>(1, e.batch.max_records));
      popt.chunk_bytes =
          std::min<size_t>(popt.chunk_bytes, std::max<uint64_t>(1, e.batch.max_bytes));
    }
    std::vector<std::unique_ptr<AgentSource>> sources;
    SourceOpenOptions sopt;
    sopt.keep_journal_fields = keep_fields;
    sopt.now_us = now_us();
    for (const auto& s : cfg.sources) {
      auto cp = store_.load(s.name);
      if (cp.status == CheckpointStore::LoadStatus::corrupt)
        logger.warn("corrupt checkpoint moved aside; the source starts from its start_at policy",
                    {{"source", s.name}, {"error", cp.error}, {"moved_to", cp.moved_to}});
      sources.push_back(std::make_unique<RetryingSource>(s, std::move(cp), sopt, elog));
    }
    pipeline_ = std::make_unique<Pipeline>(std::move(popt), std::move(sources),
                                           std::move(exporters), store_, elog);
    metrics_ = std::make_unique<PipelineMetrics>(registry, *pipeline_);
    auto& latency =
        registry.histogram("kjournal_exporter_batch_duration_seconds",
                           "Time to deliver one batch, retries included.", {"exporter"});
    pipeline_->on_batch_delivered([this, &latency](size_t e, double seconds) {
      latency.labels({pipeline_->exporter(e).name()}).observe(seconds);
    });
  }

  ~Run() {
    metrics_.reset();  // before the pipeline its callbacks read
  }

  void start() { pipeline_->start(); }
  bool stop() { return pipeline_->stop(Clock::now() + cfg_.pipeline.shutdown_timeout); }
  Pipeline& pipeline() { return *pipeline_; }
  const config::AgentConfig& config() const { return cfg_; }

 private:
  config::AgentConfig cfg_;
  CheckpointStore store_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<PipelineMetrics> metrics_;
};

Readiness readiness_of(Run* run) {
  Readiness r;
  if (!run) {
    r.not_ready.push_back("pipeline not started");
    return r;
  }
  Pipeline& p = run->pipeline();
  for (size_t i = 0; i < p.source_count(); ++i) {
    if (const auto why = p.source_not_ready_reason(i); !why.empty())
      r.not_ready.push_back("source " + p.source_name(i) + ": " + why);
    else if (!p.source_counters(i).open.load())
      r.not_ready.push_back("source " + p.source_name(i) + ": reader stopped (see the log)");
  }
  return r;
}

}  // namespace

int run_agent_command(int argc, char** argv) {
  Options o;
  CLI::App app{
      "kjournal agent: collect node logs (journald, klog files) and ship them to the "
      "configured exporters, with checkpoints so that nothing is lost.",
      "kjournal agent"};
  app.add_option("-c,--config", o.config_file,
                 "YAML configuration (see docs/config.md); without it the embedded default: "
                 "the Kubernetes units of the local journal and the control plane's klog "
                 "files, as NDJSON on stdout");
  app.add_option("--log-level", o.log_level, "debug, info, warn or error (default info)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  const auto level = parse_log_level(o.log_level);
  if (!level) {
    fprintf(stderr, "kjournal agent: --log-level: unknown level \"%s\"\n", o.log_level.c_str());
    return 1;
  }
  LoggerOptions lopt;
  lopt.min_level = *level;
  Logger logger(lopt);

  config::AgentConfig cfg;
  try {
    cfg = load(o);
  } catch (const config::ConfigError& e) {
    const std::string where = o.config_file.empty() ? "embedded default config" : o.config_file;
    for (const auto& issue : e.issues())
      fprintf(stderr, "kjournal agent: %s: %s\n", where.c_str(), issue.message().c_str());
    return 1;
  }

  // Signals are taken synchronously by the main loop; every thread started from here on
  // inherits the blocked mask, so no worker is interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  MetricsRegistry registry;
  register_build_info(registry);
  SystemdNotifier notifier(logger.sink(LogLevel::warning));
  const auto watchdog = std::chrono::duration_cast<milliseconds>(notifier.watchdog_interval());
  LoopHeartbeat heartbeat(std::max(milliseconds(30000), 2 * watchdog));

  std::mutex run_mutex;
  std::unique_ptr<Run> run;
  std::unique_ptr<StatusServer> server;
  auto start_server = [&](const std::string& listen) {
    server.reset();
    if (listen.empty()) return;
    StatusServerOptions sopt;
    sopt.listen = listen;
    sopt.metrics = &registry;
    sopt.liveness = [&heartbeat] { return heartbeat.check(); };
    sopt.readiness = [&run_mutex, &run] {
      std::lock_guard lock(run_mutex);
      return readiness_of(run.get());
    };
    server = std::make_unique<StatusServer>(std::move(sopt));
    logger.info("serving /metrics, /healthz and /readyz", {{"address", server->address()}});
  };

  try {
    start_server(cfg.server.listen);
  } catch (const std::exception& e) {
    logger.error(e.what());
    return 2;
  }

  for (;;) {
    try {
      auto next = std::make_unique<Run>(cfg, logger, registry);
      std::lock_guard lock(run_mutex);
      run = std::move(next);
      run->start();
    } catch (const std::exception& e) {
      logger.error("cannot start", {{"error", e.what()}});
      notifier.status(std::string("failed: ") + e.what());
      return 2;
    }
    const std::string status = "running: " + std::to_string(cfg.sources.size()) + " source(s), " +
                               std::to_string(cfg.exporters.size()) + " exporter(s)";
    logger.info("agent started", {{"node", cfg.node},
                                  {"state_dir", cfg.state_dir},
                                  {"sources", std::to_string(cfg.sources.size())},
                                  {"exporters", std::to_string(cfg.exporters.size())}});
    notifier.ready();
    notifier.status(status);

    std::optional<config::AgentConfig> reload;
    auto next_checkpoint = Clock::now() + cfg.pipeline.checkpoint_interval;
    int stop_signal = 0;
    while (!stop_signal && !reload) {
      milliseconds tick(500);
      if (watchdog.count() > 0) tick = std::min(tick, watchdog / 4);
      timespec ts{0, static_cast<long>(tick.count()) * 1'000'000L};
      const int sig = sigtimedwait(&signals, nullptr, &ts);
      heartbeat.tick();
      if (notifier.watchdog_due()) notifier.ping();
      if (Clock::now() >= next_checkpoint) {
        run->pipeline().write_checkpoints();
        next_checkpoint = Clock::now() + cfg.pipeline.checkpoint_interval;
      }
      if (sig == SIGTERM || sig == SIGINT) {
        stop_signal = sig;
      } else if (sig == SIGHUP) {
        try {
          reload = load(o);
        } catch (const config::ConfigError& e) {
          logger.error("reload refused: the new configuration is invalid; keeping the old one",
                       {{"error", e.what()}});
        }
      }
    }

    notifier.status(stop_signal ? "stopping: flushing batches and writing checkpoints"
                                : "reloading configuration");
    if (stop_signal)
      notifier.stopping();
    else
      notifier.reloading();
    logger.info(stop_signal ? "stopping" : "reloading",
                {{"deadline", std::to_string(cfg.pipeline.shutdown_timeout.count()) + "ms"}});
    bool in_time;
    {
      // The stop itself runs outside the lock: /readyz must not wait for it.
      in_time = run->stop();
      std::lock_guard lock(run_mutex);
      run.reset();
    }
    if (!in_time)
      logger.warn(
          "stopped before every batch was delivered; those records will be sent again "
          "after the restart");
    if (stop_signal) {
      logger.info("stopped");
      return 0;
    }
    const bool new_server = reload->server.listen != cfg.server.listen;
    cfg = std::move(*reload);
    if (new_server) {
      try {
        start_server(cfg.server.listen);
      } catch (const std::exception& e) {
        logger.error(e.what());
        return 2;
      }
    }
  }
}

}  // namespace kj::agent
