#include "exporters/clickhouse/clickhouse_classifier.h"

#include <Poco/String.h>

#include <charconv>
#include <string>

#include "exporters/http/http_status_classifier.h"

namespace kj::exporters {

std::optional<int> parse_clickhouse_code(std::string_view body) {
  constexpr std::string_view kPrefix = "Code: ";
  const auto at = body.find(kPrefix);
  if (at == std::string_view::npos) return std::nullopt;
  const char* begin = body.data() + at + kPrefix.size();
  const char* end = body.data() + body.size();
  int code = 0;
  auto [p, ec] = std::from_chars(begin, end, code);
  if (ec != std::errc() || p == begin) return std::nullopt;
  return code;
}

std::optional<Outcome> clickhouse_code_outcome(int code, std::string_view body) {
  switch (code) {
    // The server is busy or lost a dependency: the same insert may work later. 319 (unknown
    // status of insert) may have been applied; resending the same bytes lets a replicated
    // table deduplicate it.
    case 159:  // TIMEOUT_EXCEEDED
    case 201:  // QUOTA_EXPIRED
    case 202:  // TOO_MANY_SIMULTANEOUS_QUERIES
    case 209:  // SOCKET_TIMEOUT
    case 210:  // NETWORK_ERROR
    case 225:  // NO_ZOOKEEPER
    case 241:  // MEMORY_LIMIT_EXCEEDED
    case 242:  // TABLE_IS_READ_ONLY
    case 243:  // NOT_ENOUGH_SPACE
    case 252:  // TOO_MANY_PARTS
    case 285:  // TOO_FEW_LIVE_REPLICAS
    case 319:  // UNKNOWN_STATUS_OF_INSERT
    case 364:  // RECEIVED_ERROR_TOO_MANY_REQUESTS
    case 394:  // QUERY_WAS_CANCELLED
      return Outcome::retry;
    // The rows themselves are rejected: sending them again cannot help. One bad row refuses
    // the whole INSERT, so the batch is bisected (split) down to the rows that fail alone,
    // which are dropped; the good rows around them are kept.
    case 6:    // CANNOT_PARSE_TEXT
    case 26:   // CANNOT_PARSE_QUOTED_STRING
    case 27:   // CANNOT_PARSE_INPUT_ASSERTION_FAILED
    case 38:   // CANNOT_PARSE_DATE
    case 41:   // CANNOT_PARSE_DATETIME
    case 53:   // TYPE_MISMATCH
    case 72:   // CANNOT_PARSE_NUMBER
    case 130:  // CANNOT_READ_ARRAY_FROM_TEXT
    case 349:  // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
      return Outcome::split;
    case 117:  // INCORRECT_DATA
      // "Unknown field found while parsing JSONEachRow format: component" means the table
      // lacks a column kjournal writes: a schema mismatch every row would hit, not bad
      // data, so wait for the operator instead of dropping everything.
      if (body.find("Unknown field") != std::string_view::npos) return Outcome::park;
      return Outcome::split;
    // Configuration or schema: nothing changes until an operator acts.
    case 16:   // NO_SUCH_COLUMN_IN_TABLE
    case 60:   // UNKNOWN_TABLE
    case 62:   // SYNTAX_ERROR
    case 81:   // UNKNOWN_DATABASE
    case 115:  // UNKNOWN_SETTING
    case 164:  // READONLY
    case 192:  // UNKNOWN_USER
    case 193:  // WRONG_PASSWORD
    case 194:  // REQUIRED_PASSWORD
    case 497:  // ACCESS_DENIED
    case 516:  // AUTHENTICATION_FAILED
      return Outcome::park;
    case 389:  // INSERT_WAS_DEDUPLICATED: the rows are there already
      return Outcome::success;
    default:
      return std::nullopt;
  }
}

SendResult ClickHouseClassifier::classify(const HttpResponse& response) {
  if (response.status <= 0) return classify_transport_error(response);
  SendResult result = classify_http_status(response);
  if (result.outcome == Outcome::success) return result;

  std::optional<int> code;
  for (const auto& [name, value] : response.headers) {
    if (Poco::icompare(name, "X-ClickHouse-Exception-Code") != 0) continue;
    int n = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec == std::errc() && p != value.data()) code = n;
  }
  if (!code) code = parse_clickhouse_code(response.body);
  if (!code) return result;  // a proxy's answer, or no body: the status decides

  result.backend_code = *code;
  result.reason = "clickhouse_code_" + std::to_string(*code);
  // A code not in the table keeps the status's verdict: 5xx retry (an unknown server-side
  // error), 4xx drop.
  if (auto outcome = clickhouse_code_outcome(*code, response.body)) result.outcome = *outcome;
  return result;
}

}  // namespace kj::exporters
