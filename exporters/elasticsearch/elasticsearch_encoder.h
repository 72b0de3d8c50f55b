// Records -> one Elasticsearch/OpenSearch `_bulk` request (BACKENDS.md §2.1, §2.2;
// https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html): NDJSON
// pairs of a `create` action, naming the index and the record's deterministic id as `_id`
// (a replayed record comes back as a 409 and counts as delivered), and the document, every
// line ending in "\n", the last one included.
//
// The document uses ECS field names as nested objects (§2.7;
// https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html):
//   @timestamp                 event time, RFC 3339 UTC with nine fraction digits. A `date`
//                              field keeps milliseconds of it, a `date_nanos` field all.
//   message                    the message, invalid UTF-8 replaced by U+FFFD
//   log.level                  severity on ECS's scale (core/severity.h severity_ecs)
//   log.syslog.severity.code   syslog severity 0-7
//   log.origin.file.name/line  the klog caller ("pod_workers.go", 1298)
//   log.file.path              the file a file record was read from
//   host.name                  the node
//   service.name               the component (kubelet, containerd, ...)
//   process.pid, process.name  the pid and the syslog identifier
//   systemd.unit               the unit (the name Filebeat's journald input uses)
//   event.id                   the record id, equal to `_id`
//   event.created              when the source received the record (journald's receive time)
//   kjournal.level             the level as the source wrote it ("E", "info", "6")
//   kjournal.attributes.*      klog / logrus key-values, all strings
// Fields a record does not have are left out. Arbitrary attribute keys all sit under one
// object so they cannot collide with ECS fields; to keep them from growing the mapping
// towards index.mapping.total_fields.limit (1000 by default, §2.5, §2.7), map
// `kjournal.attributes` as `flattened` (Elasticsearch) or `flat_object` (OpenSearch) in the
// index template. A '.' in a key becomes '_' (Elasticsearch would otherwise expand "a.b"
// into objects, and "a" next to "a.b" is a mapping conflict that rejects the document), an
// empty key becomes "_", and a key repeated in one record keeps its first value
// (Elasticsearch refuses documents with duplicate keys).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/time_format.h"
#include "exporters/elasticsearch/elasticsearch_index.h"
#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// What the classifier must know about the request whose answer it reads: how many actions
// it held. The encoder writes it; HttpExporter encodes, sends and classifies one batch at a
// time, so the value always belongs to the request being classified.
struct BulkRequestShape {
  size_t actions = 0;
};

// The URL path and query of a bulk request: /_bulk with a filter_path that keeps the answer
// to what the classifier reads (Elasticsearch and OpenSearch both honour filter_path), and
// the ingest pipeline when one is named.
std::string bulk_path(std::string_view pipeline);

// Writes ECS documents; keeps scratch space between records.
class EcsDocumentWriter {
 public:
  // Appends the document for `r` (no trailing newline).
  void append(std::string& out, const Record& r);

 private:
  void append_time(std::string& out, int64_t ns);
  void append_attributes(std::string& out, const Record& r);

  Rfc3339UtcFormatter time_format_;
  std::vector<std::string> keys_;  // sanitized attribute keys of the current record
};

class ElasticsearchEncoder final : public HttpEncoder {
 public:
  // `shape` (may be null) receives the action count of every encoded request.
  ElasticsearchEncoder(IndexPattern index, std::string pipeline,
                       std::shared_ptr<BulkRequestShape> shape = nullptr);
  EncodedRequest encode(std::span<const Record> records) override;

  // Response bytes to keep for a request of `actions` actions: enough for a status, an error
  // type and a reason per item.
  static size_t response_budget(size_t actions);

 private:
  IndexPattern index_;
  std::string path_;
  std::shared_ptr<BulkRequestShape> shape_;
  EcsDocumentWriter writer_;
  size_t record_bytes_hint_ = 768;
};

}  // namespace kj::exporters
