#include "tests/support/sample_records.h"

#include <cstdio>
#include <string>

namespace kjt {
namespace {

constexpr int64_t kBase = 1'764'240'000'123'456'789;  // 2025-11-27T10:40:00.123456789Z

kj::Record journal_record(int64_t offset_ns, const std::string& seqnum) {
  kj::Record r;
  r.time_ns = kBase + offset_ns;
  r.observed_time_ns = r.time_ns + 1'000;
  r.node = "node-a";
  r.source = "journal";
  r.position.cursor =
      "s=6f2f1a1e0c5e4b3a9d8c7b6a5f4e3d2c;i=" + seqnum +
      ";b=0d3c4b5a69788796a5b4c3d2e1f00112;m=1a2b3c;t=63f1a2b3c4d5e;x=1f2e3d4c5b6a7988";
  return r;
}

kj::Record file_record(int64_t offset_ns, uint64_t byte_offset) {
  kj::Record r;
  r.time_ns = kBase + offset_ns;
  r.node = "node-a";
  r.source = "/var/log/kube-scheduler.log";
  r.component = "kube-scheduler";
  r.identifier = "kube-scheduler";
  r.position.file = r.source;
  r.position.device = 2049;
  r.position.inode = 131'077;
  r.position.offset = byte_offset;
  // File records carry their id key in the cursor slot (see core/record_json.cpp).
  r.position.cursor = "file:2049:131077:" + std::to_string(byte_offset);
  return r;
}

}  // namespace

std::vector<kj::Record> sample_records() {
  std::vector<kj::Record> out;

  // kubelet through journald, klog structured: attributes, caller, pid, unit.
  kj::Record kubelet = journal_record(0, "1a2b");
  kubelet.severity = kj::Severity::error;
  kubelet.level_raw = "E";
  kubelet.component = "kubelet";
  kubelet.unit = "kubelet.service";
  kubelet.identifier = "kubelet";
  kubelet.pid = 1234;
  kubelet.caller = "pod_workers.go:1298";
  kubelet.message = "Error syncing pod, skipping";
  kubelet.attributes = {{"err", "failed to \"StartContainer\" for \"app\" with CrashLoopBackOff"},
                        {"pod", "default/web-7d4b9c6f5-x2x9k"},
                        {"podUID", "5c0f8a6e-2b1d-4c3e-9f7a-1b2c3d4e5f60"},
                        {"klog_time", "2025-11-27T10:40:00.123400Z"}};
  out.push_back(kubelet);

  // containerd through journald, logrus fields.
  kj::Record containerd = journal_record(1'000'000, "1a2c");
  containerd.severity = kj::Severity::info;
  containerd.level_raw = "info";
  containerd.component = "containerd";
  containerd.unit = "containerd.service";
  containerd.identifier = "containerd";
  containerd.pid = 811;
  containerd.message = "StartContainer for \"4f1e2d3c\" returns successfully";
  containerd.attributes = {{"runtime", "io.containerd.runc.v2"}};
  out.push_back(containerd);

  // A klog file line with a multi-line Go panic as its message.
  kj::Record panic = file_record(2'000'000, 40'960);
  panic.severity = kj::Severity::fatal;
  panic.level_raw = "F";
  panic.caller = "scheduler.go:77";
  panic.pid = 1;
  panic.message =
      "panic: runtime error: invalid memory address or nil pointer dereference\n"
      "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1a2b3c]\n\n"
      "goroutine 1 [running]:\n"
      "k8s.io/kubernetes/pkg/scheduler.(*Scheduler).Run(0x0)\n"
      "\t/workspace/pkg/scheduler/scheduler.go:77 +0x1d\n";
  out.push_back(panic);

  // Invalid UTF-8, control characters, quotes and backslashes, and non-ASCII text.
  kj::Record binary = journal_record(3'000'000, "1a2d");
  binary.severity = kj::Severity::warning;
  binary.level_raw = "4";
  binary.component = "dockerd";
  binary.unit = "docker.service";
  binary.identifier = "dockerd";
  binary.pid = 77;
  binary.message = std::string("bytes \xff\xfe\x80 end, tab\t bell\x07 nul") +
                   std::string(1, '\0') + " quote\" backslash\\ caf\xc3\xa9 \xe2\x9c\x93";
  binary.attributes = {{"path", "C:\\tmp\\\"x\""}, {"bad\xffkey", "v\xc3"}};
  out.push_back(binary);

  // A huge attribute (256 KiB) and a long message: size limits and buffer growth.
  kj::Record huge = file_record(4'000'000, 81'920);
  huge.severity = kj::Severity::debug;
  huge.level_raw = "I";
  huge.caller = "round_trippers.go:553";
  huge.message = "Response Body " + std::string(10'000, 'm');
  huge.attributes = {{"body", std::string(256 * 1024, 'x')}};
  out.push_back(huge);

  // Nearly empty: no level, component, unit, pid or attributes (optional fields left out).
  kj::Record bare = journal_record(5'000'000, "1a2e");
  bare.message = "";
  out.push_back(bare);

  // Every other severity, so level mappings are all exercised.
  int64_t t = 6'000'000;
  unsigned seq = 0x1a2f;
  for (kj::Severity s : {kj::Severity::trace, kj::Severity::notice, kj::Severity::critical,
                         kj::Severity::alert, kj::Severity::emergency, kj::Severity::panic}) {
    char hex[16];
    snprintf(hex, sizeof hex, "%x", seq++);
    kj::Record r = journal_record(t, hex);
    t += 1'000'000;
    r.severity = s;
    r.component = "kube-proxy";
    r.unit = "kube-proxy.service";
    r.identifier = "kube-proxy";
    r.pid = 4242;
    r.message = "severity sample";
    out.push_back(r);
  }
  return out;
}

}  // namespace kjt
