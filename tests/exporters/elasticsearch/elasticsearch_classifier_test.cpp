// Bulk answers -> outcomes (BACKENDS.md §2.3, §2.4), with answers shaped as Elasticsearch
// writes them under the exporter's filter_path.
#include "exporters/elasticsearch/elasticsearch_classifier.h"

#include <gtest/gtest.h>

namespace kj::exporters {
namespace {

HttpResponse answer(int status, std::string body, HeaderList headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

std::string item(int status, const std::string& type = "", const std::string& reason = "") {
  std::string s = R"({"create":{"status":)" + std::to_string(status);
  if (!type.empty()) s += R"(,"error":{"type":")" + type + R"(","reason":")" + reason + R"("})";
  return s + "}}";
}

std::string bulk(bool errors, const std::vector<std::string>& items) {
  std::string s = std::string(R"({"errors":)") + (errors ? "true" : "false") + R"(,"items":[)";
  for (size_t i = 0; i < items.size(); ++i) s += (i ? "," : "") + items[i];
  return s + "]}";
}

TEST(ElasticsearchClassifierTest, ErrorsFalseIsSuccessWithoutReadingItems) {
  // Items cut short (a capped answer) do not matter when errors is false.
  const auto r =
      classify_bulk_response(answer(200, R"({"errors":false,"items":[{"create":{"st)"), 7);
  EXPECT_EQ(r.outcome, Outcome::success);
  EXPECT_TRUE(r.retry_items.empty());
  EXPECT_TRUE(r.dropped_items.empty());
  // Unfiltered, as an ES 7 answer starts: took first.
  EXPECT_EQ(
      classify_bulk_response(answer(200, R"({"took":30, "errors" : false,"items":[]})"), 0).outcome,
      Outcome::success);
}

TEST(ElasticsearchClassifierTest, DuplicatesCountAsDelivered) {
  const auto r = classify_bulk_response(
      answer(200, bulk(true, {item(409, "version_conflict_engine_exception", "exists"), item(201),
                              item(409, "version_conflict_engine_exception", "exists")})),
      3);
  EXPECT_EQ(r.outcome, Outcome::success);
  EXPECT_TRUE(r.retry_items.empty());
  EXPECT_TRUE(r.dropped_items.empty());
}

TEST(ElasticsearchClassifierTest, PerItemFailuresAreRetriedOrDropped) {
  const auto r = classify_bulk_response(
      answer(200, bulk(true, {item(201), item(429, "es_rejected_execution_exception", "queue full"),
                              item(400, "mapper_parsing_exception", "failed to parse field [x]"),
                              item(503, "unavailable_shards_exception", "primary not active"),
                              item(409, "version_conflict_engine_exception", "exists"),
                              item(400, "document_parsing_exception", "bad")})),
      6);
  EXPECT_EQ(r.outcome, Outcome::retry);
  EXPECT_EQ(r.retry_items, (std::vector<size_t>{1, 3}));
  EXPECT_EQ(r.dropped_items, (std::vector<size_t>{2, 5}));
  EXPECT_EQ(r.reason, "es_es_rejected_execution_exception");
  EXPECT_NE(r.detail.find("queue full"), std::string::npos) << r.detail;
}

TEST(ElasticsearchClassifierTest, OnlyDroppedItemsIsSuccessWithDrops) {
  const auto r = classify_bulk_response(
      answer(200, bulk(true, {item(201), item(400, "mapper_parsing_exception", "failed")})), 2);
  EXPECT_EQ(r.outcome, Outcome::success);
  EXPECT_EQ(r.dropped_items, (std::vector<size_t>{1}));
  EXPECT_EQ(r.reason, "es_mapper_parsing_exception");
  EXPECT_NE(r.detail.find("1 item(s) rejected"), std::string::npos) << r.detail;
}

TEST(ElasticsearchClassifierTest, ItemRefusedForConfigurationParksTheBatch) {
  const auto r = classify_bulk_response(
      answer(200, bulk(true, {item(201), item(403, "security_exception", "unauthorized"),
                              item(400, "mapper_parsing_exception", "x")})),
      3);
  EXPECT_EQ(r.outcome, Outcome::park);
  EXPECT_TRUE(r.retry_items.empty());
  EXPECT_TRUE(r.dropped_items.empty());
}

TEST(ElasticsearchClassifierTest, UnreadableItemsRetryTheWholeBatch) {
  for (const auto& [body, actions] : std::vector<std::pair<std::string, size_t>>{
           {bulk(true, {item(201), item(429, "x", "y")}), 3},  // fewer items than actions
           {R"({"errors":true,"items":[{"create":{"status":201}},{"cre)", 2},  // cut short
           {R"({"errors":true})", 1},
           {"<html>proxy</html>", 1},  // no errors flag at all
           {R"({"errors":true,"items":[{"create":{}}]})", 1}}) {
    const auto r = classify_bulk_response(answer(200, body), actions);
    EXPECT_EQ(r.outcome, Outcome::retry) << body;
    EXPECT_TRUE(r.retry_items.empty()) << body;
    EXPECT_EQ(r.reason, "es_unreadable_response") << body;
  }
}

TEST(ElasticsearchClassifierTest, HttpStatusDecidesFirst) {
  EXPECT_EQ(classify_bulk_response(answer(413, ""), 10).outcome, Outcome::split);
  const auto busy = classify_bulk_response(
      answer(429, R"({"error":{"type":"es_rejected_execution_exception"},"status":429})",
             {{"Retry-After", "3"}}),
      10);
  EXPECT_EQ(busy.outcome, Outcome::retry);
  EXPECT_EQ(busy.retry_after, std::chrono::milliseconds(3000));
  EXPECT_EQ(classify_bulk_response(answer(500, "{}"), 10).outcome, Outcome::retry);
  EXPECT_EQ(classify_bulk_response(answer(503, "{}"), 10).outcome, Outcome::retry);
  EXPECT_EQ(classify_bulk_response(
                answer(400, R"({"error":{"type":"illegal_argument_exception","reason":"The bulk )"
                            R"(request must be terminated by a newline [\n]"},"status":400})"),
                10)
                .outcome,
            Outcome::drop);
  for (int s : {401, 403, 404})
    EXPECT_EQ(classify_bulk_response(answer(s, "{}"), 10).outcome, Outcome::park) << s;
  HttpResponse refused;
  refused.transport_error = "connection refused";
  refused.connect_failed = true;
  EXPECT_EQ(classify_bulk_response(refused, 10).outcome, Outcome::retry);
}

TEST(ElasticsearchClassifierTest, ClassifierReadsTheEncodersActionCount) {
  auto shape = std::make_shared<BulkRequestShape>();
  ElasticsearchClassifier classifier(shape);
  const auto body = bulk(true, {item(201), item(429, "x", "y")});
  shape->actions = 2;
  EXPECT_EQ(classifier.classify(answer(200, body)).retry_items, (std::vector<size_t>{1}));
  shape->actions = 5;
  EXPECT_EQ(classifier.classify(answer(200, body)).reason, "es_unreadable_response");
}

}  // namespace
}  // namespace kj::exporters
