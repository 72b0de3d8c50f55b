// Records/s and MB/s (of the NDJSON body before gzip, which the transport applies afterwards
// and is not measured here) of the Elasticsearch bulk encoder on a batch of typical node
// records, and the bulk classifier on the two answers it meets: "errors":false (the fast
// path, items not parsed) and "errors":true with per-item failures (items parsed).
#include <benchmark/benchmark.h>

#include "bench/bench_records.h"
#include "exporters/elasticsearch/elasticsearch_classifier.h"
#include "exporters/elasticsearch/elasticsearch_encoder.h"

namespace {

constexpr size_t kRecords = 1000;

void BM_ElasticsearchBulkEncoder(benchmark::State& state) {
  kj::exporters::ElasticsearchEncoder encoder(kj::exporters::IndexPattern("kjournal-%Y.%m.%d"), "");
  kjbench::run_encoder(state, [&](const auto& records) { return encoder.encode(records).body; });
}
BENCHMARK(BM_ElasticsearchBulkEncoder);

// A filtered answer for kRecords items as Elasticsearch writes it: every item 201, or (with
// failures) every tenth a 429 and every hundredth a 400.
kj::exporters::HttpResponse bulk_answer(bool failures) {
  kj::exporters::HttpResponse r;
  r.status = 200;
  r.body = std::string(R"({"errors":)") + (failures ? "true" : "false") + R"(,"items":[)";
  for (size_t i = 0; i < kRecords; ++i) {
    if (i) r.body += ',';
    if (failures && i % 100 == 0)
      r.body += R"({"create":{"status":400,"error":{"type":"mapper_parsing_exception",)"
                R"("reason":"failed to parse field [process.pid] of type [long] in document"}}})";
    else if (failures && i % 10 == 0)
      r.body += R"({"create":{"status":429,"error":{"type":"es_rejected_execution_exception",)"
                R"("reason":"rejected execution of coordinating operation"}}})";
    else
      r.body += R"({"create":{"status":201}})";
  }
  r.body += "]}";
  return r;
}

void run_classifier(benchmark::State& state, bool failures) {
  const auto response = bulk_answer(failures);
  for (auto _ : state) {
    auto result = kj::exporters::classify_bulk_response(response, kRecords);
    benchmark::DoNotOptimize(result.retry_items.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kRecords));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(response.body.size()));
}

void BM_ElasticsearchClassifierNoErrors(benchmark::State& state) {
  run_classifier(state, false);
}
BENCHMARK(BM_ElasticsearchClassifierNoErrors);

void BM_ElasticsearchClassifierItemErrors(benchmark::State& state) {
  run_classifier(state, true);
}
BENCHMARK(BM_ElasticsearchClassifierItemErrors);

}  // namespace
