#include "exporters/loki/loki_protobuf_encoder.h"

#include <snappy.h>

#include <algorithm>

#include "exporters/loki/loki_json_encoder.h"
#include "exporters/protobuf/protobuf_writer.h"

namespace kj::exporters {
namespace {

// grafana/loki@pkg/push/push.proto
constexpr uint32_t kPushRequestStreams = 1;
constexpr uint32_t kStreamLabels = 1;
constexpr uint32_t kStreamEntries = 2;
constexpr uint32_t kEntryTimestamp = 1;
constexpr uint32_t kEntryLine = 2;
constexpr uint32_t kEntryStructuredMetadata = 3;
constexpr uint32_t kLabelPairName = 1;
constexpr uint32_t kLabelPairValue = 2;
// google/protobuf/timestamp.proto
constexpr uint32_t kTimestampSeconds = 1;
constexpr uint32_t kTimestampNanos = 2;

constexpr int64_t kNsPerSecond = 1'000'000'000;

}  // namespace

LokiProtobufEncoder::LokiProtobufEncoder(const std::vector<std::string>& labels, bool level_label,
                                         std::string tenant, bool structured_metadata)
    : grouper_(labels, level_label),
      formatter_(grouper_, structured_metadata),
      tenant_(std::move(tenant)) {}

std::string LokiProtobufEncoder::push_request(std::span<const Record> records) {
  std::string out;
  protobuf::Writer w(out);
  for (const LokiStream& stream : grouper_.group(records)) {
    w.begin_message(kPushRequestStreams);
    w.bytes_field(kStreamLabels, stream.selector);
    for (const Record* r : stream.entries) {
      formatter_.format(*r);
      const int64_t ns = std::max<int64_t>(r->time_ns, 0);
      w.begin_message(kStreamEntries);
      w.begin_message(kEntryTimestamp);
      w.varint_field(kTimestampSeconds, static_cast<uint64_t>(ns / kNsPerSecond));
      if (ns % kNsPerSecond != 0)
        w.varint_field(kTimestampNanos, static_cast<uint64_t>(ns % kNsPerSecond));
      w.end_message();
      w.bytes_field(kEntryLine, formatter_.line());
      for (const auto& [name, value] : formatter_.metadata()) {
        w.begin_message(kEntryStructuredMetadata);
        w.bytes_field(kLabelPairName, name);
        w.bytes_field(kLabelPairValue, value);
        w.end_message();
      }
      w.end_message();
    }
    w.end_message();
  }
  return out;
}

EncodedRequest LokiProtobufEncoder::encode(std::span<const Record> records) {
  EncodedRequest request = loki_push_request(tenant_);
  request.content_type = kLokiProtobufContentType;
  // Snappy already: gzip on top would cost CPU on both ends for next to nothing.
  request.compress = false;
  const std::string message = push_request(records);
  snappy::Compress(message.data(), message.size(), &request.body);
  return request;
}

}  // namespace kj::exporters
