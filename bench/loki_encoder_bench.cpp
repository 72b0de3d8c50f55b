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
  Encoder encoder(kLabels, false, "");
  kjbench::run_encoder(state, [&](const auto& records) { return encoder.encode(records).body; });
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
  kj::exporters::LokiProtobufEncoder encoder(kLabels, false, "");
  kjbench::run_encoder(state, [&](const auto& records) { return encoder.push_request(records); });
}
BENCHMARK(BM_LokiProtobufMessage);

}  // namespace
