#include "agent/pipeline_metrics.h"

namespace kj::agent {

namespace {

using Values = std::vector<CallbackFamily::Value>;

}  // namespace

PipelineMetrics::PipelineMetrics(MetricsRegistry& registry, Pipeline& p) {
  auto per_source = [&](CallbackFamily& family, auto read) {
    registered_.emplace_back(&family, family.add_many([&p, read] {
      Values v;
      for (size_t i = 0; i < p.source_count(); ++i) v.push_back({{p.source_name(i)}, read(i)});
      return v;
    }));
  };
  auto per_exporter = [&](CallbackFamily& family, auto read) {
    registered_.emplace_back(&family, family.add_many([&p, read] {
      Values v;
      for (size_t i = 0; i < p.exporter_count(); ++i)
        v.push_back({{p.exporter(i).name()}, read(p.exporter(i).counters())});
      return v;
    }));
  };
  auto one = [&](CallbackFamily& family, std::function<double()> read) {
    registered_.emplace_back(&family, family.add({}, std::move(read)));
  };

  per_source(registry.callback_counter("kjournal_source_records_read_total",
                                       "Records read by the source.", {"source"}),
             [&p](size_t i) { return double(p.source_counters(i).records_read.load()); });
  per_source(registry.callback_counter("kjournal_source_bytes_read_total",
                                       "Message bytes read by the source.", {"source"}),
             [&p](size_t i) { return double(p.source_counters(i).bytes_read.load()); });
  per_source(registry.callback_counter(
                 "kjournal_source_gaps_total",
                 "Resumes whose checkpoint entry had been vacuumed from the journal.", {"source"}),
             [&p](size_t i) { return double(p.source_counters(i).gaps.load()); });
  per_source(registry.callback_counter(
                 "kjournal_source_gap_estimated_lost_entries_total",
                 "Journal entries estimated lost in gaps, from the cursors' sequence numbers.",
                 {"source"}),
             [&p](size_t i) { return double(p.source_counters(i).estimated_lost.load()); });
  per_source(registry.callback_counter("kjournal_source_errors_total",
                                       "Errors that stopped the source's reader.", {"source"}),
             [&p](size_t i) { return double(p.source_counters(i).read_errors.load()); });
  per_source(registry.callback_gauge("kjournal_journal_files_unreadable",
                                     "Journal files the source cannot read (format, permission).",
                                     {"source"}),
             [&p](size_t i) { return double(p.source_unreadable_files(i)); });
  per_source(registry.callback_gauge("kjournal_checkpoint_lag_seconds",
                                     "Age of the oldest read record not yet acknowledged by "
                                     "every exporter (0: nothing pending).",
                                     {"source"}),
             [&p](size_t i) { return p.checkpoint_lag_seconds(i); });
  per_source(registry.callback_gauge("kjournal_source_up", "1 while the source's reader runs.",
                                     {"source"}),
             [&p](size_t i) { return p.source_counters(i).open.load() ? 1.0 : 0.0; });

  per_exporter(registry.callback_counter("kjournal_exporter_records_sent_total",
                                         "Records the backend accepted.", {"exporter"}),
               [](const exporters::ExporterCounters& c) { return double(c.records_sent.load()); });
  per_exporter(
      registry.callback_counter("kjournal_exporter_records_dropped_total",
                                "Records the backend rejected for good (not retried).",
                                {"exporter"}),
      [](const exporters::ExporterCounters& c) { return double(c.records_dropped.load()); });
  per_exporter(
      registry.callback_counter("kjournal_exporter_bytes_sent_total",
                                "Request body bytes sent (after compression).", {"exporter"}),
      [](const exporters::ExporterCounters& c) { return double(c.bytes_sent.load()); });
  per_exporter(registry.callback_counter("kjournal_exporter_requests_total",
                                         "Requests sent, retries included.", {"exporter"}),
               [](const exporters::ExporterCounters& c) { return double(c.requests.load()); });
  per_exporter(
      registry.callback_counter("kjournal_exporter_retries_total",
                                "Requests sent again after a retryable failure.", {"exporter"}),
      [](const exporters::ExporterCounters& c) { return double(c.retries.load()); });
  per_exporter(
      registry.callback_gauge("kjournal_exporter_parked",
                              "1 while the exporter waits for an operator fix (auth, schema, URL).",
                              {"exporter"}),
      [](const exporters::ExporterCounters& c) { return double(c.parked.load()); });
  auto& errors = registry.callback_counter("kjournal_exporter_errors_total",
                                           "Failed attempts by reason.", {"exporter", "reason"});
  registered_.emplace_back(&errors, errors.add_many([&p] {
    Values v;
    for (size_t i = 0; i < p.exporter_count(); ++i)
      for (const auto& [reason, n] : p.exporter(i).counters().errors())
        v.push_back({{p.exporter(i).name(), reason}, double(n)});
    return v;
  }));

  one(registry.callback_gauge("kjournal_queue_bytes",
                              "Memory held by records between the sources and the exporters."),
      [&p] { return double(p.buffered_bytes()); });
  one(registry.callback_gauge("kjournal_queue_limit_bytes",
                              "Bound on kjournal_queue_bytes; sources stop reading at it."),
      [&p] { return double(p.buffer_limit()); });
  one(registry.callback_counter("kjournal_checkpoint_write_errors_total",
                                "Checkpoint writes that failed (disk full, permissions)."),
      [&p] { return double(p.checkpoint_write_errors()); });
}

PipelineMetrics::~PipelineMetrics() {
  for (auto& [family, id] : registered_) family->remove(id);
}

}  // namespace kj::agent
