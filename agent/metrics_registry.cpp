#include "agent/metrics_registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace kj::agent {
namespace {

bool is_name_char(char c, bool first, bool colon_ok) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (colon_ok && c == ':') return true;
  return !first && c >= '0' && c <= '9';
}

// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*; label names: [a-zA-Z_][a-zA-Z0-9_]*, and names
// starting with "__" are reserved for Prometheus itself.
bool valid_name(std::string_view name, bool colon_ok) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!is_name_char(name[i], i == 0, colon_ok)) return false;
  }
  return true;
}

void check_metric_names(std::string_view name, const std::vector<std::string>& label_names,
                        MetricType type) {
  if (!valid_name(name, true)) {
    throw std::invalid_argument("metric name '" + std::string(name) +
                                "' is not a valid Prometheus metric name");
  }
  if (!name.starts_with("kjournal_")) {
    throw std::invalid_argument("metric name '" + std::string(name) +
                                "' does not start with kjournal_");
  }
  for (const auto& label : label_names) {
    if (!valid_name(label, false) || label.starts_with("__")) {
      throw std::invalid_argument("metric " + std::string(name) + ": label name '" + label +
                                  "' is not a valid Prometheus label name");
    }
    if (type == MetricType::histogram && label == "le") {
      throw std::invalid_argument("histogram " + std::string(name) +
                                  ": the label name 'le' is reserved for buckets");
    }
    if (std::count(label_names.begin(), label_names.end(), label) > 1) {
      throw std::invalid_argument("metric " + std::string(name) + ": label name '" + label +
                                  "' appears twice");
    }
  }
}

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

// HELP text escapes backslash and line feed; label values also escape the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// Go's strconv.FormatFloat(v, 'g', -1, 64) is what Prometheus' own clients write; the
// shortest round-trip form from to_chars parses back to the same double the same way.
void append_value(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, ec == std::errc() ? end : buf);
  }
}

std::string format_value(double v) {
  std::string s;
  append_value(s, v);
  return s;
}

std::string describe_labels(const LabelValues& values) {
  std::string s = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) s += ",";
    s += "\"" + values[i] + "\"";
  }
  return s + "}";
}

}  // namespace

// ---- Histogram

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) {
  // Bucket i holds observations <= bounds_[i]; NaN compares false with everything and so
  // lands only in +Inf, as in Prometheus' Go client.
  size_t i = std::isnan(v)
                 ? bounds_.size()
                 : static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                       bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.reserve(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // The count is the +Inf bucket by definition, so the two always agree in one scrape.
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

const std::vector<double>& latency_buckets_seconds() {
  static const std::vector<double> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                               1,     2.5,  5,     10,   30,  60};
  return kBuckets;
}

// ---- MetricFamily

MetricFamily::MetricFamily(std::string name, std::string help, MetricType type,
                           std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)) {
  check_metric_names(name_, label_names_, type_);
}

void MetricFamily::check_label_count(const LabelValues& values) const {
  if (values.size() != label_names_.size()) {
    std::string names;
    for (const auto& n : label_names_) names += (names.empty() ? "" : ",") + n;
    throw std::invalid_argument("metric " + name_ + " has labels {" + names + "}, got " +
                                std::to_string(values.size()) + " values " +
                                describe_labels(values));
  }
}

void MetricFamily::append_sample(std::string& out, std::string_view suffix,
                                 const LabelValues& values, double value,
                                 std::string_view extra_name, std::string_view extra_value) const {
  out += name_;
  out += suffix;
  if (!values.empty() || !extra_name.empty()) {
    out += '{';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      out += label_names_[i];
      out += "=\"";
      append_escaped(out, values[i], true);
      out += '"';
    }
    if (!extra_name.empty()) {
      if (!values.empty()) out += ',';
      out += extra_name;
      out += "=\"";
      out += extra_value;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  append_value(out, value);
  out += '\n';
}

void MetricFamily::render(std::string& out) const {
  std::string body;
  render_samples(body);
  if (body.empty()) return;
  out += "# HELP ";
  out += name_;
  out += ' ';
  append_escaped(out, help_, false);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type_name(type_);
  out += '\n';
  out += body;
}

void MetricFamily::render_samples(std::string& out) const {
  std::vector<Sample> samples;
  collect(samples);
  std::sort(samples.begin(), samples.end(),
            [](const Sample& a, const Sample& b) { return a.labels < b.labels; });
  for (size_t i = 0; i < samples.size(); ++i) {
    if (i > 0 && samples[i].labels == samples[i - 1].labels) {
      throw std::logic_error("metric " + name_ + ": two samples with the labels " +
                             describe_labels(samples[i].labels));
    }
    append_sample(out, "", samples[i].labels, samples[i].value);
  }
}

// ---- ChildFamily

template <class Child>
Child& ChildFamily<Child>::labels(const LabelValues& values) {
  check_label_count(values);
  std::lock_guard lock(mutex_);
  auto& slot = children_[values];
  if (!slot) slot = make_child();
  return *slot;
}

template <class Child>
void ChildFamily<Child>::collect(std::vector<Sample>& samples) const {
  // Histograms have no single value; HistogramFamily renders them itself.
  if constexpr (requires(const Child& c) { c.value(); }) {
    std::lock_guard lock(mutex_);
    for (const auto& [values, child] : children_) {
      samples.push_back({values, static_cast<double>(child->value())});
    }
  }
}

template class ChildFamily<Counter>;
template class ChildFamily<Gauge>;
template class ChildFamily<Histogram>;

// ---- HistogramFamily

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> bounds)
    : ChildFamily<Histogram>(std::move(name), std::move(help), MetricType::histogram,
                             std::move(label_names)),
      bounds_(std::move(bounds)) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram " + this->name() +
                                  ": bucket bounds must be finite and increasing, got " +
                                  format_value(bounds_[i]) + " at position " + std::to_string(i));
    }
  }
}

std::unique_ptr<Histogram> HistogramFamily::make_child() const {
  return std::make_unique<Histogram>(bounds_);
}

void HistogramFamily::render_samples(std::string& out) const {
  std::lock_guard lock(mutex_);
  std::string le;
  for (const auto& [values, child] : children_) {
    const Histogram::Snapshot s = child->snapshot();
    for (size_t i = 0; i < bounds_.size(); ++i) {
      le.clear();
      append_value(le, bounds_[i]);
      append_sample(out, "_bucket", values, static_cast<double>(s.cumulative[i]), "le", le);
    }
    append_sample(out, "_bucket", values, static_cast<double>(s.cumulative.back()), "le", "+Inf");
    append_sample(out, "_sum", values, s.sum);
    append_sample(out, "_count", values, static_cast<double>(s.count));
  }
}

// ---- CallbackFamily

CallbackFamily::Id CallbackFamily::add(LabelValues labels, std::function<double()> read) {
  check_label_count(labels);
  std::lock_guard lock(mutex_);
  entries_[next_id_] = Entry{std::move(labels), std::move(read), {}};
  return next_id_++;
}

CallbackFamily::Id CallbackFamily::add_many(std::function<std::vector<Value>()> read) {
  std::lock_guard lock(mutex_);
  entries_[next_id_] = Entry{{}, {}, std::move(read)};
  return next_id_++;
}

void CallbackFamily::remove(Id id) {
  std::lock_guard lock(mutex_);
  entries_.erase(id);
}

void CallbackFamily::collect(std::vector<Sample>& samples) const {
  // Copy the callbacks out so none runs under the lock (a callback may take locks of its own
  // that another thread holds while registering).
  std::vector<Entry> entries;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : entries_) entries.push_back(entry);
  }
  for (const auto& entry : entries) {
    if (entry.read_one) {
      samples.push_back({entry.labels, entry.read_one()});
      continue;
    }
    for (auto& v : entry.read_many()) {
      check_label_count(v.labels);
      samples.push_back({std::move(v.labels), v.value});
    }
  }
}

// ---- MetricsRegistry

template <class Family, class... Args>
Family& MetricsRegistry::add(std::string_view name, std::string_view help, MetricType type,
                             bool callback, std::vector<std::string> label_names, Args&&... extra) {
  std::lock_guard lock(mutex_);
  if (auto it = families_.find(name); it != families_.end()) {
    MetricFamily& existing = *it->second.family;
    if (existing.type() != type || it->second.callback != callback ||
        existing.label_names() != label_names) {
      throw std::invalid_argument("metric " + std::string(name) +
                                  " is already registered with another type or labels");
    }
    return static_cast<Family&>(existing);
  }
  std::unique_ptr<Family> family;
  if constexpr (sizeof...(Args) == 0) {
    family = std::make_unique<Family>(std::string(name), std::string(help), type,
                                      std::move(label_names));
  } else {
    family = std::make_unique<Family>(std::string(name), std::string(help), std::move(label_names),
                                      std::forward<Args>(extra)...);
  }
  Family& ref = *family;
  families_.emplace(std::string(name), Entry{std::move(family), callback});
  return ref;
}

CounterFamily& MetricsRegistry::counter(std::string_view name, std::string_view help,
                                        std::vector<std::string> label_names) {
  return add<CounterFamily>(name, help, MetricType::counter, false, std::move(label_names));
}

GaugeFamily& MetricsRegistry::gauge(std::string_view name, std::string_view help,
                                    std::vector<std::string> label_names) {
  return add<GaugeFamily>(name, help, MetricType::gauge, false, std::move(label_names));
}

HistogramFamily& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                            std::vector<std::string> label_names,
                                            std::vector<double> bounds) {
  return add<HistogramFamily>(name, help, MetricType::histogram, false, std::move(label_names),
                              std::move(bounds));
}

CallbackFamily& MetricsRegistry::callback_counter(std::string_view name, std::string_view help,
                                                  std::vector<std::string> label_names) {
  return add<CallbackFamily>(name, help, MetricType::counter, true, std::move(label_names));
}

CallbackFamily& MetricsRegistry::callback_gauge(std::string_view name, std::string_view help,
                                                std::vector<std::string> label_names) {
  return add<CallbackFamily>(name, help, MetricType::gauge, true, std::move(label_names));
}

std::string MetricsRegistry::render() const {
  // Families are never removed, so the pointers stay valid after the lock is released.
  std::vector<const MetricFamily*> families;
  {
    std::lock_guard lock(mutex_);
    families.reserve(families_.size());
    for (const auto& [name, entry] : families_) families.push_back(entry.family.get());
  }
  std::string out;
  for (const MetricFamily* family : families) family->render(out);
  return out;
}

void register_build_info(MetricsRegistry& registry, std::string_view version,
                         std::string_view libsystemd_version) {
  registry
      .gauge("kjournal_build_info",
             "The kjournal version and the libsystemd version it was built against; always 1.",
             {"version", "libsystemd"})
      .labels({std::string(version), std::string(libsystemd_version)})
      .set(1);
}

void register_build_info(MetricsRegistry& registry) {
  register_build_info(registry, KJ_VERSION, KJ_LIBSYSTEMD_VERSION);
}

}  // namespace kj::agent
