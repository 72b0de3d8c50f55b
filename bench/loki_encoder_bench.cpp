// Records/s and MB/s (of the body as sent) of the Loki push encoders on a batch of typical node
// records: JSON (the transport gzips it afterwards, not measured here) and protobuf, which
// includes snappy compression since that is part of its encoding.
#include <benchmark/benchmark.h>

#include "bench/bench_records.h"
#include "exporters/loki/loki_json_encoder.h"
#include "exporters/loki/loki_protobuf_encoder.h"

namespace {

const std::vector<std::string> kLabels = {"node", "component"};

template <class Encoder>
void run(benchmark::State& state) {
  const auto records = kjbench::typical_records(1000);
  Encoder encoder(kLabels, false, "");
  size_t bytes = 0;
  for (auto _ : state) {
    auto request = encoder.encode(records);
    bytes += request.body.size();
    benchmark::DoNotOptimize(request.body.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["body_bytes_per_record"] =
      double(bytes) / double(state.iterations()) / double(records.size());
}

void BM_LokiJsonEncoder(benchmark::State& state) {
  run<kj::exporters::LokiJsonEncoder>(state);
}
BENCHMARK(BM_LokiJsonEncoder);

// Bytes are the snappy-compressed body as sent.
void BM_LokiProtobufSnappyEncoder(benchmark::State& state) {
  run<kj::exporters::LokiProtobufEncoder>(state);
}
BENCHMARK(BM_LokiProtobufSnappyEncoder);

// The PushRequest alone, before snappy: bytes are the uncompressed message.
void BM_LokiProtobufMessage(benchmark::State& state) {
  const auto records = kjbench::typical_records(1000);
  kj::exporters::LokiProtobufEncoder encoder(kLabels, false, "");
  size_t bytes = 0;
  for (auto _ : state) {
    auto message = encoder.push_request(records);
    bytes += message.size();
    benchmark::DoNotOptimize(message.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["body_bytes_per_record"] =
      double(bytes) / double(state.iterations()) / double(records.size());
}
BENCHMARK(BM_LokiProtobufMessage);

}  // namespace
