// The otlp exporter's encoder: one ExportLogsServiceRequest per batch to POST /v1/logs, in
// the configured encoding (binary protobuf, otlp_protobuf_encoder.h, or OTLP/JSON,
// otlp_json_encoder.h). The transport gzips either body.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "core/record.h"
#include "exporters/http/http_exporter.h"

namespace kj::exporters::otlp {

enum class Encoding { protobuf, json };

// Nanoseconds since the epoch; the encoder takes it as a parameter so golden payloads and
// tests get a fixed observed time.
using NowNs = std::function<int64_t()>;
int64_t system_now_ns();

class OtlpEncoder final : public HttpEncoder {
 public:
  OtlpEncoder(Encoding encoding, std::string scope_version, NowNs now = system_now_ns)
      : encoding_(encoding), scope_version_(std::move(scope_version)), now_(std::move(now)) {}
  EncodedRequest encode(std::span<const Record> records) override;

 private:
  Encoding encoding_;
  std::string scope_version_;
  NowNs now_;
};

}  // namespace kj::exporters::otlp
