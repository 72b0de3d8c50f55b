#include "exporters/elasticsearch/elasticsearch_classifier.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string_view>

#include "exporters/http/http_status_classifier.h"

namespace kj::exporters {
namespace {

// The top-level "errors" flag, found without parsing: a quote inside a JSON string is
// escaped, so `"errors":` with plain quotes can only be a key, and with filter_path the only
// such key is the top-level one.
std::optional<bool> errors_flag(std::string_view body) {
  constexpr std::string_view kKey = "\"errors\"";
  const auto at = body.find(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  size_t p = at + kKey.size();
  auto skip_blanks = [&] {
    while (p < body.size() &&
           (body[p] == ' ' || body[p] == '\n' || body[p] == '\r' || body[p] == '\t'))
      ++p;
  };
  skip_blanks();
  if (p >= body.size() || body[p] != ':') return std::nullopt;
  ++p;
  skip_blanks();
  const auto rest = body.substr(p);
  if (rest.starts_with("false")) return false;
  if (rest.starts_with("true")) return true;
  return std::nullopt;
}

// A reason label for the errors-by-reason metric: the exception type when it looks like one
// (lowercase words and underscores, Elasticsearch's naming), else the item status.
std::string reason_of(int status, const std::string& type) {
  const bool plain = !type.empty() && type.size() <= 64 &&
                     std::all_of(type.begin(), type.end(),
                                 [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
  return plain ? "es_" + type : "es_item_" + std::to_string(status);
}

SendResult unreadable(const HttpResponse& response, std::string why) {
  SendResult r;
  r.outcome = Outcome::retry;
  r.http_status = response.status;
  r.reason = "es_unreadable_response";
  r.detail = std::move(why) + ": " + detail_of(response.body);
  return r;
}

}  // namespace

SendResult classify_bulk_response(const HttpResponse& response, size_t actions) {
  SendResult result = classify_http_status(response);
  if (result.outcome != Outcome::success) return result;

  const auto errors = errors_flag(response.body);
  if (errors == false) return result;
  if (!errors) return unreadable(response, "no \"errors\" flag in the bulk answer");

  const auto doc = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return unreadable(response, "bulk answer of " + std::to_string(response.body.size()) +
                                    " bytes is not JSON (cut short?)");
  const auto items = doc.find("items");
  if (items == doc.end() || !items->is_array())
    return unreadable(response, "bulk answer without items");
  if (items->size() != actions)
    return unreadable(response, "bulk answer has " + std::to_string(items->size()) + " items for " +
                                    std::to_string(actions) + " actions");

  size_t parked = 0;
  int first_status = 0;
  std::string first_type, first_reason;
  for (size_t i = 0; i < items->size(); ++i) {
    const auto& item = (*items)[i];
    // {"create":{...}}: one key, the action's name.
    if (!item.is_object() || item.size() != 1 || !item.begin()->is_object())
      return unreadable(response, "bulk answer item " + std::to_string(i) + " is malformed");
    const auto& body = *item.begin();
    const auto status_it = body.find("status");
    if (status_it == body.end() || !status_it->is_number_integer())
      return unreadable(response, "bulk answer item " + std::to_string(i) + " has no status");
    const int status = status_it->get<int>();
    if ((status >= 200 && status < 300) || status == 409) continue;

    if (status == 429 || status >= 500)
      result.retry_items.push_back(i);
    else if (status == 401 || status == 403 || status == 404)
      ++parked;
    else
      result.dropped_items.push_back(i);
    if (first_status == 0) {
      first_status = status;
      if (const auto error = body.find("error"); error != body.end() && error->is_object()) {
        first_type = error->value("type", "");
        first_reason = error->value("reason", "");
      }
    }
  }
  if (first_status == 0) return result;  // errors only from duplicates (409)

  result.reason = reason_of(first_status, first_type);
  result.detail = std::to_string(result.dropped_items.size()) + " item(s) rejected, " +
                  std::to_string(result.retry_items.size()) + " to retry, " +
                  std::to_string(parked) + " refused for configuration; first: status " +
                  std::to_string(first_status);
  if (!first_type.empty()) result.detail += " " + first_type;
  if (!first_reason.empty()) result.detail += ": " + detail_of(first_reason);

  if (parked != 0) {
    // The batch waits whole; drop and retry verdicts are taken again on the next attempt.
    result.outcome = Outcome::park;
    result.retry_items.clear();
    result.dropped_items.clear();
  } else if (!result.retry_items.empty()) {
    result.outcome = Outcome::retry;
  }
  return result;
}

SendResult ElasticsearchClassifier::classify(const HttpResponse& response) {
  return classify_bulk_response(response, shape_ ? shape_->actions : 0);
}

}  // namespace kj::exporters
