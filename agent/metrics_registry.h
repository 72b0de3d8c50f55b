// The agent's own metrics and their Prometheus text exposition (format 0.0.4,
// https://prometheus.io/docs/instrumenting/exposition_formats/). The agent owns one registry
// and hands it to whatever counts; there is no process-wide instance, so tests build their own.
//
// Hot paths keep a reference to a labelled child (`records_read.labels({"journal"})`) and
// increment it with a relaxed atomic; only creating a child takes the family's mutex. Values
// that already live elsewhere (an exporter's ExporterCounters) are not copied: a callback
// family reads them at scrape time.
//
// Names: every metric starts with `kjournal_` (checked at registration); counters end in
// `_total`, durations are in seconds and sizes in bytes, as Prometheus' naming guide asks.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace kj::agent {

using LabelValues = std::vector<std::string>;

// A monotonically increasing count (records, bytes, retries).
class Counter {
 public:
  void inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down (queue fill, checkpoint lag).
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double d) { value_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Observations counted into fixed buckets (upper bounds, inclusive) plus their sum. The
// buckets are kept per bucket and made cumulative when rendered.
class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds);
  void observe(double v);
  void observe(std::chrono::nanoseconds d) { observe(std::chrono::duration<double>(d).count()); }

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;  // equals cumulative.back()
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double>& bounds_;  // owned by the family, which outlives its children
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1 (the last is +Inf)
  std::atomic<double> sum_{0.0};
};

// Batch latency buckets in seconds: from a local write (milliseconds) to a backend that is
// retried for a minute.
const std::vector<double>& latency_buckets_seconds();

enum class MetricType { counter, gauge, histogram };

// What every metric family has in common: name, help, label names, and rendering.
class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, MetricType type,
               std::vector<std::string> label_names);
  virtual ~MetricFamily() = default;
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

  const std::string& name() const { return name_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Appends `# HELP`, `# TYPE` and the samples; nothing when the family has no samples.
  void render(std::string& out) const;

 protected:
  struct Sample {
    LabelValues labels;
    double value = 0;
  };
  // The family's samples at scrape time, in any order (histograms render themselves).
  virtual void collect(std::vector<Sample>& samples) const = 0;
  virtual void render_samples(std::string& out) const;
  void check_label_count(const LabelValues& values) const;
  // `name{a="x",b="y"} value\n`; `extra` is one more label (histograms' le) when not empty.
  void append_sample(std::string& out, std::string_view suffix, const LabelValues& values,
                     double value, std::string_view extra_name = {},
                     std::string_view extra_value = {}) const;

 private:
  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
};

// A family whose children are created on first use and kept for the registry's lifetime.
// References returned by labels() stay valid as long as the registry lives.
template <class Child>
class ChildFamily : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  // The child for these label values (one per label name), created on first use.
  Child& labels(const LabelValues& values);
  // The only child of a family without labels.
  Child& get() { return labels({}); }

 protected:
  virtual std::unique_ptr<Child> make_child() const {
    if constexpr (std::is_default_constructible_v<Child>) {
      return std::make_unique<Child>();
    } else {
      return nullptr;  // the derived family makes them (histograms need their buckets)
    }
  }
  void collect(std::vector<Sample>& samples) const override;
  mutable std::mutex mutex_;
  std::map<LabelValues, std::unique_ptr<Child>> children_;
};

extern template class ChildFamily<Counter>;
extern template class ChildFamily<Gauge>;
extern template class ChildFamily<Histogram>;
using CounterFamily = ChildFamily<Counter>;
using GaugeFamily = ChildFamily<Gauge>;

class HistogramFamily : public ChildFamily<Histogram> {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds);

 protected:
  std::unique_ptr<Histogram> make_child() const override;
  void render_samples(std::string& out) const override;

 private:
  std::vector<double> bounds_;
};

// Counters or gauges whose values are read by functions at scrape time.
class CallbackFamily : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  using Id = uint64_t;
  struct Value {
    LabelValues labels;
    double value = 0;
  };
  // One child with fixed label values.
  Id add(LabelValues labels, std::function<double()> read);
  // Any number of children decided at scrape time (errors by reason); label sets must not
  // repeat across the family.
  Id add_many(std::function<std::vector<Value>()> read);
  // Drops a callback (an exporter removed by a config reload); unknown ids are ignored.
  void remove(Id id);

 protected:
  void collect(std::vector<Sample>& samples) const override;

 private:
  struct Entry {
    LabelValues labels;
    std::function<double()> read_one;
    std::function<std::vector<Value>()> read_many;
  };
  mutable std::mutex mutex_;
  Id next_id_ = 1;
  std::map<Id, Entry> entries_;
};

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registering a name again with the same type and label names returns the existing family
  // (a config reload re-registers); anything else about the name is an invalid_argument.
  CounterFamily& counter(std::string_view name, std::string_view help,
                         std::vector<std::string> label_names = {});
  GaugeFamily& gauge(std::string_view name, std::string_view help,
                     std::vector<std::string> label_names = {});
  HistogramFamily& histogram(std::string_view name, std::string_view help,
                             std::vector<std::string> label_names,
                             std::vector<double> bounds = latency_buckets_seconds());
  CallbackFamily& callback_counter(std::string_view name, std::string_view help,
                                   std::vector<std::string> label_names = {});
  CallbackFamily& callback_gauge(std::string_view name, std::string_view help,
                                 std::vector<std::string> label_names = {});

  // The text exposition of every family, sorted by name. Callbacks run on the calling
  // thread without the registry's lock held; an exception from one propagates.
  std::string render() const;

  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  template <class Family, class... Args>
  Family& add(std::string_view name, std::string_view help, MetricType type, bool callback,
              std::vector<std::string> label_names, Args&&... extra);

  struct Entry {
    std::unique_ptr<MetricFamily> family;
    bool callback = false;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> families_;
};

// kjournal_build_info{version="...",libsystemd="..."} 1
void register_build_info(MetricsRegistry& registry, std::string_view version,
                         std::string_view libsystemd_version);
// The same with the version this agent was built as and the libsystemd it was built against.
void register_build_info(MetricsRegistry& registry);

}  // namespace kj::agent
