// Records -> Loki streams: the stream labels of a record (a few bounded record fields, never
// per-entry values; BACKENDS.md §1.8) and the grouping of a batch into one stream per label
// set, entries sorted by time within each (§1.6), so one push never names a label set twice.
// Both push encodings (JSON and protobuf) are written from this grouping.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/record.h"

namespace kj::exporters {

// Loki's per-tenant defaults `max_label_name_length` and `max_label_value_length`
// (docs/sources/operations/request-validation-rate-limits.md).
inline constexpr size_t kLokiMaxLabelNameBytes = 1024;
inline constexpr size_t kLokiMaxLabelValueBytes = 2048;

// Prometheus' label name rule, which Loki applies: [a-zA-Z_][a-zA-Z0-9_]* (a ':' is allowed
// by Prometheus but reserved for recording rules, so it is not produced here).
bool is_valid_loki_label_name(std::string_view name);

// `name` as a valid label name: every other byte becomes '_', a leading digit gets a '_'
// before it ("podUID" stays, "k8s.io/name" -> "k8s_io_name", "1x" -> "_1x", "" -> "_"), and
// the result is cut to kLokiMaxLabelNameBytes.
std::string loki_label_name(std::string_view name);

// `value` as valid UTF-8 (invalid bytes become U+FFFD, as in the JSON writer) cut at a
// character boundary to at most `max_bytes`. Appends to `out`; returns whether it was cut.
bool append_loki_value(std::string& out, std::string_view value, size_t max_bytes);

// The stream labels of a record, as chosen by the exporter's `labels` and `level_label`.
enum class LokiLabelField { node, component, unit, identifier, level };

// The record's value of one label field ("level" is severity_loki: error, warn, ...).
std::string_view loki_label_value(const Record& r, LokiLabelField field);

struct LokiStream {
  // The label set in Prometheus text form, names sorted: {component="kubelet", node="n1"}.
  // It is the grouping key and, verbatim, the protobuf `labels` field that Loki parses with
  // syntax.ParseLabels (grafana/loki@pkg/loghttp/push/push.go).
  std::string selector;
  std::vector<std::pair<std::string_view, std::string>> labels;  // sorted by name
  std::vector<const Record*> entries;                            // sorted by time, stable
};

class LokiStreamGrouper {
 public:
  // `labels` names fields of kLokiLabelFields (core/config/agent_config.h); `level_label`
  // adds "level". Throws std::invalid_argument naming a field that is not one of them.
  LokiStreamGrouper(const std::vector<std::string>& labels, bool level_label);

  // Groups `records` (which must outlive the result) into streams, in the order each label
  // set first appears. Labels whose value is empty are left out (Prometheus treats an empty
  // value as no label); a record with no label left gets {job="kjournal"}, because Loki
  // refuses a stream without labels (400 "missing labels").
  const std::vector<LokiStream>& group(std::span<const Record> records);

  // Whether the field is a stream label (the others go to structured metadata).
  bool is_label(LokiLabelField field) const;

 private:
  std::vector<std::pair<std::string_view, LokiLabelField>> fields_;  // sorted by name
  std::vector<LokiStream> streams_;
  std::unordered_map<std::string, size_t> index_;  // selector -> streams_ index
  std::string selector_;                           // scratch
};

}  // namespace kj::exporters
