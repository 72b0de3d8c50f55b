// A batch of typical node records for the encoder benchmarks: kubelet klog lines with
// structured key/values, containerd logrus lines and kube-scheduler file lines, in the
// proportions a busy node's journal shows (mostly kubelet), with distinct times and cursors.
// run_encoder() is the measuring loop every encoder benchmark shares.
#pragma once

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/record.h"

namespace kjbench {

inline std::vector<kj::Record> typical_records(size_t n) {
  std::vector<kj::Record> out;
  out.reserve(n);
  const int64_t base = 1'764'240'000'000'000'000;
  for (size_t i = 0; i < n; ++i) {
    kj::Record r;
    r.time_ns = base + static_cast<int64_t>(i) * 1'000'123;
    r.observed_time_ns = r.time_ns + 20'000;
    r.node = "ip-10-0-12-34.eu-west-1.compute.internal";
    r.source = "journal";
    r.position.cursor =
        "s=6f2f1a1e0c5e4b3a9d8c7b6a5f4e3d2c;i=" + std::to_string(0x10000 + i) +
        ";b=0d3c4b5a69788796a5b4c3d2e1f00112;m=1a2b3c;t=63f1a2b3c4d5e;x=1f2e3d4c5b6a7988";
    switch (i % 4) {
      case 0:
      case 1:
        r.severity = kj::Severity::info;
        r.level_raw = "I";
        r.component = r.identifier = "kubelet";
        r.unit = "kubelet.service";
        r.pid = 1234;
        r.caller = "kubelet.go:2453";
        r.message = "SyncLoop (PLEG): event for pod";
        r.attributes = {{"pod", "kube-system/coredns-5d78c9869d-" + std::to_string(i % 97)},
                        {"event", "{\"ID\":\"5c0f8a6e\",\"Type\":\"ContainerStarted\"}"},
                        {"klog_time", "2025-11-27T10:40:00.123400Z"}};
        break;
      case 2:
        r.severity = kj::Severity::info;
        r.level_raw = "info";
        r.component = r.identifier = "containerd";
        r.unit = "containerd.service";
        r.pid = 811;
        r.message = "StartContainer for \"4f1e2d3c5b6a\" returns successfully";
        r.attributes = {{"runtime", "io.containerd.runc.v2"}};
        break;
      default:
        r.severity = kj::Severity::warning;
        r.level_raw = "W";
        r.component = r.identifier = "kube-scheduler";
        r.source = "/var/log/kube-scheduler.log";
        r.position.cursor = "file:2049:131077:" + std::to_string(i * 180);
        r.caller = "reflector.go:535";
        r.message = "failed to list *v1.Pod: the server could not find the requested resource";
        r.attributes = {{"reflector", "k8s.io/client-go/informers/factory.go:150"}};
        break;
    }
    out.push_back(std::move(r));
  }
  return out;
}

// Runs `encode` (records -> the body as sent) over 1000 typical records once per iteration
// and reports records/s, body bytes/s and the body bytes per record, so every encoder
// benchmark measures the same batch the same way.
template <class Encode>
void run_encoder(benchmark::State& state, Encode encode) {
  const auto records = typical_records(1000);
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string body = encode(records);
    bytes += body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["body_bytes_per_record"] =
      double(bytes) / double(state.iterations()) / double(records.size());
}

}  // namespace kjbench
