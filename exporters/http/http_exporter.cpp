#include "exporters/http/http_exporter.h"

#include <algorithm>
#include <condition_variable>
#include <stdexcept>

#include "exporters/http/http_transport.h"
#include "exporters/http/retry_policy.h"

namespace kj::exporters {
namespace {

// A parked exporter probes at the retry cap, but at least once a minute so a fixed
// configuration is noticed soon.
constexpr std::chrono::milliseconds kMaxProbeInterval{60'000};

std::unique_ptr<HttpTransport> make_transport(const std::string& name,
                                              const config::HttpConfig& http, const Logger& log) {
  Logger prefixed;
  if (log)
    prefixed = [name, log](LogLevel level, std::string_view message) {
      log(level, "exporter " + name + ": " + std::string(message));
    };
  try {
    return std::make_unique<HttpTransport>(http, std::move(prefixed));
  } catch (const std::exception& e) {
    throw std::runtime_error("exporter " + name + ": " + e.what());
  }
}

std::string describe(const SendResult& r) {
  std::string out = r.reason.empty() ? outcome_name(r.outcome) : r.reason;
  if (!r.detail.empty()) out += ": " + r.detail;
  return out;
}

}  // namespace

HttpExporter::HttpExporter(std::string name, const config::HttpConfig& http,
                           const config::RetryConfig& retry, std::unique_ptr<HttpEncoder> encoder,
                           std::unique_ptr<ResponseClassifier> classifier, Logger logger)
    : name_(std::move(name)),
      transport_(make_transport(name_, http, logger ? logger : Logger(log_to_stderr))),
      retry_(std::make_unique<RetryPolicy>(retry)),
      encoder_(std::move(encoder)),
      classifier_(std::move(classifier)),
      logger_(logger ? std::move(logger) : Logger(log_to_stderr)),
      probe_interval_(std::clamp(retry.max, std::chrono::milliseconds{1}, kMaxProbeInterval)) {
  if (!encoder_ || !classifier_)
    throw std::invalid_argument("exporter " + name_ + ": encoder and classifier are required");
}

HttpExporter::~HttpExporter() = default;

void HttpExporter::log(LogLevel level, std::string_view message) {
  std::string line = "exporter " + name_ + ": ";
  line.append(message);
  logger_(level, line);
}

bool HttpExporter::wait_for(std::chrono::milliseconds delay, std::stop_token& stop) {
  std::unique_lock lock(sleep_mutex_);
  std::condition_variable_any wakeup;  // only the stop request wakes it
  wakeup.wait_for(lock, stop, delay, [] { return false; });
  return !stop.stop_requested();
}

void HttpExporter::drop(uint64_t n, const SendResult& result, DeliveryReport& report) {
  if (n == 0) return;
  counters_.records_dropped += n;
  report.dropped += n;
  report.last_error = describe(result);
  log(LogLevel::warning, "dropped " + std::to_string(n) + " record(s): " + describe(result));
}

DeliveryReport HttpExporter::deliver(std::span<const Record> records, std::stop_token stop) {
  DeliveryReport report;
  if (!records.empty() && !deliver_batch(records, stop, report)) report.aborted = true;
  return report;
}

// Returns false when stop was requested before every record had a final outcome.
bool HttpExporter::deliver_batch(std::span<const Record> records, std::stop_token& stop,
                                 DeliveryReport& report) {
  std::vector<Record> resend;  // per-item failures: only these records go out again
  std::span<const Record> batch = records;
  for (;;) {
    if (stop.stop_requested()) return false;
    // Encoded once: a retry sends the same bytes, so a backend that deduplicates identical
    // inserts (ClickHouse replicated tables) sees an unknown-outcome retry as a duplicate.
    const PreparedRequest request = transport_->prepare(encoder_->encode(batch));
    for (;;) {
      if (stop.stop_requested()) return false;
      SendResult result;
      if (setup_) {
        ++counters_.requests;
        result = setup_(*transport_);
        if (result.outcome == Outcome::success) {
          setup_ = nullptr;
        } else if (result.outcome != Outcome::retry) {
          result.outcome = Outcome::park;  // a setup failure must not cost records
        }
      }
      if (!setup_) {
        const HttpResponse response = transport_->send(request);
        ++counters_.requests;
        counters_.bytes_sent += request.body.size();
        result = classifier_->classify(response);
      }
      if (result.outcome != Outcome::park && counters_.parked.exchange(0) != 0)
        log(LogLevel::info, "resumed: the backend answers again");
      if (result.outcome != Outcome::success) {
        counters_.count_error(result.reason.empty() ? outcome_name(result.outcome) : result.reason);
        report.last_error = describe(result);
      }

      const bool per_item = !result.retry_items.empty() || !result.dropped_items.empty();
      if (per_item && (result.outcome == Outcome::success || result.outcome == Outcome::retry)) {
        std::vector<char> state(batch.size(), 0);  // 1: drop, 2: send again
        for (size_t i : result.dropped_items)
          if (i < batch.size()) state[i] = 1;
        for (size_t i : result.retry_items)
          if (i < batch.size() && state[i] == 0) state[i] = 2;
        const auto dropped = static_cast<uint64_t>(std::count(state.begin(), state.end(), 1));
        const auto again = static_cast<uint64_t>(std::count(state.begin(), state.end(), 2));
        const uint64_t accepted = batch.size() - dropped - again;
        report.delivered += accepted;
        counters_.records_sent += accepted;
        drop(dropped, result, report);
        if (again == 0) {
          retry_->reset();
          return true;
        }
        ++counters_.retries;
        auto delay = retry_->next_delay(result.retry_after);
        std::vector<Record> next;
        next.reserve(again);
        for (size_t i = 0; i < batch.size(); ++i)
          if (state[i] == 2) next.push_back(batch[i]);
        if (!delay) {
          result.reason = "retry_expired";
          counters_.count_error(result.reason);
          drop(next.size(), result, report);
          retry_->reset();
          return true;
        }
        if (!wait_for(*delay, stop)) return false;
        resend.swap(next);  // `batch` may point into `resend`: copy first, then swap
        batch = resend;
        break;  // re-encode only the records to send again
      }

      switch (result.outcome) {
        case Outcome::success: {
          retry_->reset();
          const uint64_t rejected = std::min<uint64_t>(result.rejected_count, batch.size());
          report.delivered += batch.size() - rejected;
          counters_.records_sent += batch.size() - rejected;
          // A partial success (OTLP) is a success with records the backend refused: they
          // count as an error by reason too, so the errors metric shows why they were lost.
          if (rejected != 0)
            counters_.count_error(result.reason.empty() ? "rejected" : result.reason);
          drop(rejected, result, report);
          return true;
        }
        case Outcome::retry: {
          ++counters_.retries;
          auto delay = retry_->next_delay(result.retry_after);
          if (!delay) {
            result.reason = "retry_expired";
            counters_.count_error(result.reason);
            drop(batch.size(), result, report);
            retry_->reset();
            return true;
          }
          if (!wait_for(*delay, stop)) return false;
          continue;
        }
        case Outcome::split: {
          if (batch.size() == 1) {
            drop(1, result, report);
            return true;
          }
          const size_t half = batch.size() / 2;
          return deliver_batch(batch.first(half), stop, report) &&
                 deliver_batch(batch.subspan(half), stop, report);
        }
        case Outcome::drop:
          drop(batch.size(), result, report);
          return true;
        case Outcome::park:
          if (counters_.parked.exchange(1) == 0)
            log(LogLevel::error,
                "parked until the configuration or the backend is fixed (probing every " +
                    std::to_string(probe_interval_.count()) + " ms): " + describe(result));
          if (!wait_for(probe_interval_, stop)) return false;
          continue;
      }
    }
  }
}

}  // namespace kj::exporters
