// The pipeline's numbers as Prometheus metrics: callbacks read the pipeline's atomics at
// scrape time, so the hot path only increments counters it already keeps.
#pragma once

#include "agent/metrics_registry.h"
#include "agent/pipeline.h"

namespace kj::agent {

// Registers every pipeline metric on `registry`; `pipeline` must outlive the registrations,
// which unregister() removes (a reload builds a new pipeline).
class PipelineMetrics {
 public:
  PipelineMetrics(MetricsRegistry& registry, Pipeline& pipeline);
  ~PipelineMetrics();
  PipelineMetrics(const PipelineMetrics&) = delete;
  PipelineMetrics& operator=(const PipelineMetrics&) = delete;

 private:
  std::vector<std::pair<CallbackFamily*, CallbackFamily::Id>> registered_;
};

}  // namespace kj::agent
