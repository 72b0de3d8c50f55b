// Records/s and MB/s (of the body before gzip, which the transport applies afterwards and is
// not measured here) of the OTLP/HTTP logs encoders on a batch of typical node records:
// OTLP/JSON and binary protobuf.
#include <benchmark/benchmark.h>

#include "bench/bench_records.h"
#include "exporters/otlp/otlp_encoder.h"

namespace {

void run(benchmark::State& state, kj::exporters::otlp::Encoding encoding) {
  kj::exporters::otlp::OtlpEncoder encoder(encoding, "0.1.0");
  kjbench::run_encoder(state, [&](const auto& records) { return encoder.encode(records).body; });
}

void BM_OtlpJsonEncoder(benchmark::State& state) {
  run(state, kj::exporters::otlp::Encoding::json);
}
BENCHMARK(BM_OtlpJsonEncoder);

void BM_OtlpProtobufEncoder(benchmark::State& state) {
  run(state, kj::exporters::otlp::Encoding::protobuf);
}
BENCHMARK(BM_OtlpProtobufEncoder);

}  // namespace
