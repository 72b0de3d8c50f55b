// Records -> one Loki push as protobuf logproto.PushRequest, snappy block-compressed: what
// Promtail, Alloy's loki.write and Vector send (BACKENDS.md §1.3). Loki decodes any request
// that is not application/json this way (grafana/loki@pkg/loghttp/push/push.go
// ParseLokiRequest, util.RawSnappy), so the body must be raw snappy, never gzip on top.
//
// Field numbers from grafana/loki@pkg/push/push.proto:
//   PushRequest      { repeated StreamAdapter streams = 1; }
//   StreamAdapter    { string labels = 1; repeated EntryAdapter entries = 2; }  (hash = 3 is
//                    Loki's own and not sent)
//   EntryAdapter     { google.protobuf.Timestamp timestamp = 1; string line = 2;
//                      repeated LabelPairAdapter structuredMetadata = 3; }  (parsed = 4 is
//                    for query responses only)
//   LabelPairAdapter { string name = 1; string value = 2; }
//   google.protobuf.Timestamp { int64 seconds = 1; int32 nanos = 2; }
// Streams, labels, lines and metadata are the same as in the JSON form (LokiJsonEncoder).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/record.h"
#include "exporters/http/http_exporter.h"
#include "exporters/loki/loki_entry.h"
#include "exporters/loki/loki_streams.h"

namespace kj::exporters {

inline constexpr std::string_view kLokiProtobufContentType = "application/x-protobuf";

class LokiProtobufEncoder final : public HttpEncoder {
 public:
  LokiProtobufEncoder(const std::vector<std::string>& labels, bool level_label, std::string tenant,
                      bool structured_metadata = true);
  // The snappy-compressed PushRequest, compress = false.
  EncodedRequest encode(std::span<const Record> records) override;
  // The PushRequest before compression (for tests and golden payloads).
  std::string push_request(std::span<const Record> records);

 private:
  LokiStreamGrouper grouper_;
  LokiEntryFormatter formatter_;
  std::string tenant_;
};

}  // namespace kj::exporters
