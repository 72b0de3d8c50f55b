// ClickHouse HTTP answers -> outcomes. ClickHouse 18.16 reports bad data as HTTP 500 (400
// only from 20.x on) and sends no X-ClickHouse-Exception-Code header, so the error code is
// read from the body, which starts "Code: 27, e.displayText() = …" on old servers and
// "Code: 27. DB::Exception: …" on new ones. Code numbers are ClickHouse's ErrorCodes.cpp.
#pragma once

#include <optional>
#include <string_view>

#include "exporters/http/http_exporter.h"

namespace kj::exporters {

// The N of the first "Code: N" in `body`.
std::optional<int> parse_clickhouse_code(std::string_view body);

// What ClickHouse error code `code` calls for, nullopt for codes not in the table (then the
// HTTP status decides). `body` refines code 117 (see the .cpp).
std::optional<Outcome> clickhouse_code_outcome(int code, std::string_view body = {});

class ClickHouseClassifier final : public ResponseClassifier {
 public:
  SendResult classify(const HttpResponse& response) override;
};

}  // namespace kj::exporters
