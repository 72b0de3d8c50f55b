// Records -> one Loki push in the JSON form (BACKENDS.md §1.2, grafana/loki
// docs/sources/reference/loki-http-api.md "Ingest logs"):
//   {"streams":[{"stream":{"component":"kubelet","node":"n1"},
//                "values":[["<ns since the epoch, as a string>","<line>",{metadata}],...]}]}
// one stream per label set, entries in time order within each. The transport gzips the body
// (Loki accepts Content-Encoding gzip for JSON).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "exporters/http/http_exporter.h"
#include "exporters/loki/loki_entry.h"
#include "exporters/loki/loki_streams.h"

namespace kj::exporters {

inline constexpr std::string_view kLokiPushPath = "/loki/api/v1/push";
inline constexpr std::string_view kLokiTenantHeader = "X-Scope-OrgID";

// The request fields every Loki push shares: path, and the tenant header when there is one.
EncodedRequest loki_push_request(const std::string& tenant);

class LokiJsonEncoder final : public HttpEncoder {
 public:
  // See LokiStreamGrouper for `labels` and `level_label`; `tenant` empty: no tenant header.
  LokiJsonEncoder(const std::vector<std::string>& labels, bool level_label, std::string tenant,
                  bool structured_metadata = true);
  EncodedRequest encode(std::span<const Record> records) override;

 private:
  LokiStreamGrouper grouper_;
  LokiEntryFormatter formatter_;
  std::string tenant_;
  size_t entry_bytes_hint_ = 512;  // bytes per entry of the previous batch
};

}  // namespace kj::exporters
