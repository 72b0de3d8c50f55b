#include "exporters/otlp/otlp_encoder.h"

#include <chrono>

#include "exporters/otlp/otlp_json_encoder.h"
#include "exporters/otlp/otlp_log_model.h"
#include "exporters/otlp/otlp_protobuf_encoder.h"

namespace kj::exporters::otlp {

int64_t system_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

EncodedRequest OtlpEncoder::encode(std::span<const Record> records) {
  EncodedRequest request;
  request.path_and_query = std::string(kLogsPath);
  if (encoding_ == Encoding::json) {
    request.content_type = std::string(kJsonContentType);
    append_logs_json(request.body, records, scope_version_, now_());
  } else {
    request.content_type = std::string(kProtobufContentType);
    append_logs_protobuf(request.body, records, scope_version_, now_());
  }
  return request;
}

}  // namespace kj::exporters::otlp
