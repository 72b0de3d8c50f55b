// Parse throughput of each format parser in MB/s (Google Benchmark), on generated lines shaped
// like what the components write: kube-scheduler klog text (structured InfoS and printf-style
// lines), component-base JSON, containerd's logrus text and JSON, and the CRI and Docker
// json-file envelopes. Each benchmark parses the same fixed set of lines over and over into
// one reused output, as the collectors do, so buffers have grown and the figure is the
// parser's own cost. Never run by ctest; see bench/README.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/cri_parser.h"
#include "core/docker_json_parser.h"
#include "core/klog_json_parser.h"
#include "core/klog_parser.h"
#include "core/logrus_parser.h"
#include "core/parsed_line.h"

namespace {

constexpr size_t kLines = 4096;

// A small deterministic generator: the same lines on every run and machine.
class Lcg {
 public:
  explicit Lcg(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    s_ = s_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return s_ >> 33;
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  template <typename T, size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

 private:
  uint64_t s_;
};

const char* const kPods[] = {"default/web-7d4b9c-x2kq9", "kube-system/coredns-5d78c9869d-4xv2p",
                             "payments/api-6f9c7b8d5-qm2zt", "monitoring/prometheus-k8s-0"};
const char* const kNodes[] = {"ip-10-0-23-190.ec2.internal", "node-1", "worker-b-7f3k"};
const char* const kFiles[] = {"schedule_one.go:314", "scheduling_queue.go:1227", "reflector.go:368",
                              "leaderelection.go:281"};

std::string stamp(Lcg& r, char letter) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%c1127 %02zu:%02zu:%02zu.%06zu       1 ", letter, r.below(24),
                r.below(60), r.below(60), r.below(1000000));
  return buf;
}

std::string klog_line(Lcg& r) {
  const char letter = r.below(10) == 0 ? 'E' : 'I';
  std::string s = stamp(r, letter) + r.pick(kFiles) + "] ";
  switch (r.below(4)) {
    case 0:
      return s + "Caches populated for *v1.Pod from k8s.io/client-go/informers/factory.go:160";
    case 1:
      return s + "\"Pod moved to an internal scheduling queue\" pod=\"" + r.pick(kPods) +
             "\" event=\"NodeUpdate\" queue=\"Active\" hint=" + std::to_string(r.below(4));
    case 2:
      return s + "\"Unable to schedule pod; no fit; waiting\" pod=\"" + r.pick(kPods) +
             "\" err=\"0/3 nodes are available: 1 node(s) had untolerated taint " +
             "{node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.\"";
    default:
      return s + "\"Successfully bound pod to node\" pod=\"" + r.pick(kPods) + "\" node=\"" +
             r.pick(kNodes) + "\" evaluatedNodes=" + std::to_string(r.below(100)) +
             " feasibleNodes=" + std::to_string(r.below(100));
  }
}

std::string klog_json_line(Lcg& r) {
  char ts[48];
  std::snprintf(ts, sizeof ts, "%zu.%03zu", 1795820000000 + r.below(86400000), r.below(1000));
  std::string s = std::string("{\"ts\":") + ts + ",\"caller\":\"" + r.pick(kFiles) + "\",";
  if (r.below(5) == 0) {
    return s + "\"msg\":\"Failed to update lock\",\"err\":\"etcdserver: request timed out\"}";
  }
  return s + "\"msg\":\"Successfully bound pod to node\",\"v\":2,\"pod\":{\"name\":\"" +
         r.pick(kPods) + "\",\"namespace\":\"default\"},\"node\":\"" + r.pick(kNodes) +
         "\",\"evaluatedNodes\":" + std::to_string(r.below(100)) + "}";
}

std::string rfc3339(Lcg& r, const char* zone) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "2026-11-27T%02zu:%02zu:%02zu.%09zu%s", r.below(24), r.below(60),
                r.below(60), r.below(1000000000), zone);
  return buf;
}

const char* const kLevels[] = {"info", "info", "info", "debug", "warning", "error"};

std::string logrus_line(Lcg& r) {
  std::string s = "time=\"" + rfc3339(r, "Z") + "\" level=" + r.pick(kLevels) + " msg=";
  switch (r.below(3)) {
    case 0:
      return s + "\"StopContainer for \\\"b797f5c3a1\\\" with timeout 30 (s)\"";
    case 1:
      return s + "\"loading plugin \\\"io.containerd.grpc.v1.cri\\\"...\" " +
             "type=io.containerd.grpc.v1";
    default:
      return s + "\"failed to pull image\" error=\"rpc error: code = NotFound\" " +
             "image=\"registry.k8s.io/pause:3.9\" namespace=k8s.io";
  }
}

std::string logrus_json_line(Lcg& r) {
  return std::string("{\"level\":\"") + r.pick(kLevels) +
         "\",\"msg\":\"received signal\",\"signal\":\"terminated\",\"time\":\"" + rfc3339(r, "Z") +
         "\"}";
}

std::string cri_line(Lcg& r) {
  return rfc3339(r, "Z") + (r.below(4) == 0 ? " stderr" : " stdout") +
         (r.below(8) == 0 ? " P " : " F ") + klog_line(r);
}

std::string docker_line(Lcg& r) {
  std::string log = klog_line(r);
  std::string escaped;
  for (const char c : log) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return "{\"log\":\"" + escaped + "\\n\",\"stream\":\"stderr\",\"time\":\"" + rfc3339(r, "Z") +
         "\"}";
}

std::vector<std::string> make_lines(std::string (*gen)(Lcg&), uint64_t seed) {
  Lcg r(seed);
  std::vector<std::string> out;
  out.reserve(kLines);
  for (size_t i = 0; i < kLines; ++i) out.push_back(gen(r));
  return out;
}

int64_t total_bytes(const std::vector<std::string>& lines) {
  int64_t n = 0;
  for (const auto& l : lines) n += static_cast<int64_t>(l.size());
  return n;
}

// Runs `parse(line)` over every line per iteration; a line that does not parse is a broken
// generator, not a slow parser, and fails the benchmark.
template <typename ParseFn>
void run(benchmark::State& state, const std::vector<std::string>& lines, ParseFn parse) {
  for (const auto& l : lines) {
    if (!parse(l)) {
      state.SkipWithError(("line does not parse: " + l).c_str());
      return;
    }
  }
  for (auto _ : state) {
    for (const auto& l : lines) benchmark::DoNotOptimize(parse(l));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * total_bytes(lines));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(lines.size()));
}

void BM_KlogText(benchmark::State& state) {
  const auto lines = make_lines(klog_line, 1);
  kj::ParsedLine out;
  run(state, lines, [&](const std::string& l) { return kj::parse_klog(l, out); });
}

void BM_KlogJson(benchmark::State& state) {
  const auto lines = make_lines(klog_json_line, 2);
  kj::ParsedLine out;
  run(state, lines, [&](const std::string& l) { return kj::parse_klog_json(l, out); });
}

void BM_LogrusText(benchmark::State& state) {
  const auto lines = make_lines(logrus_line, 3);
  kj::ParsedLine out;
  run(state, lines, [&](const std::string& l) { return kj::parse_logrus(l, out); });
}

void BM_LogrusJson(benchmark::State& state) {
  const auto lines = make_lines(logrus_json_line, 4);
  kj::ParsedLine out;
  run(state, lines, [&](const std::string& l) { return kj::parse_logrus(l, out); });
}

void BM_Cri(benchmark::State& state) {
  const auto lines = make_lines(cri_line, 5);
  kj::CriLine out;
  run(state, lines, [&](const std::string& l) { return kj::parse_cri(l, out); });
}

void BM_DockerJson(benchmark::State& state) {
  const auto lines = make_lines(docker_line, 6);
  kj::DockerLine out;
  run(state, lines, [&](const std::string& l) { return kj::parse_docker_json(l, out); });
}

BENCHMARK(BM_KlogText);
BENCHMARK(BM_KlogJson);
BENCHMARK(BM_LogrusText);
BENCHMARK(BM_LogrusJson);
BENCHMARK(BM_Cri);
BENCHMARK(BM_DockerJson);

}  // namespace

BENCHMARK_MAIN();
