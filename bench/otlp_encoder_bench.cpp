// Records/s and MB/s (of the body before gzip, which the transport applies afterwards and is
// not measured here) of the OTLP/HTTP logs encoders on a batch of typical node records:
// OTLP/JSON and binary protobuf.
#include <benchmark/benchmark.h>

#include "bench/bench_records.h"
#include "exporters/otlp/otlp_json_encoder.h"
#include "exporters/otlp/otlp_protobuf_encoder.h"

namespace {

template <class Encoder>
void run(benchmark::State& state) {
  Encoder encoder("0.1.0");
  kjbench::run_encoder(state, [&](const auto& records) { return encoder.encode(records).body; });
}

void BM_OtlpJsonEncoder(benchmark::State& state) {
  run<kj::exporters::otlp::OtlpJsonEncoder>(state);
}
BENCHMARK(BM_OtlpJsonEncoder);

void BM_OtlpProtobufEncoder(benchmark::State& state) {
  run<kj::exporters::otlp::OtlpProtobufEncoder>(state);
}
BENCHMARK(BM_OtlpProtobufEncoder);

}  // namespace
