#!/usr/bin/env python3
"""Generate a realistic Kubernetes-node journal for the kjournal benchmark.

Usage: generate_journal.py N OUT_DIR [--hours 6] [--seed 1] [--now EPOCH] [--force]

Writes N entries in the systemd Journal Export Format and pipes them into
`systemd-journal-remote --split-mode=none -o OUT_DIR/bench.journal -`, which turns them into
real journal files (it rotates into several files when they grow; readers open the
directory). With OUT_DIR "-" the export stream goes to stdout instead (for inspection).

What a node's journal looks like, and therefore what is generated:
  ~60% kubelet.service   klog text (FORMATS.md §1/§2), mostly I, some W/E. Multi-line klog
                         records are split into one entry per physical line with the same
                         _PID/_STREAM_ID, exactly as journald stores a stdout stream
                         (FORMATS.md §1.3) - so one record may be several entries.
  ~30% containerd.service logrus text (FORMATS.md §4), RFC3339NanoFixed UTC time.
  ~10% others            systemd PID 1 (_TRANSPORT=journal, UNIT=..., MESSAGE_ID=...),
                         kernel (_TRANSPORT=kernel), sshd (_TRANSPORT=syslog),
                         kube-proxy.service (klog).
Every entry carries the trusted fields journald adds, so the per-entry size and field count
(~25) are those of a real node. `_SELINUX_CONTEXT` is "unconfined\\n" - with the trailing
newline, as journald records it on AppArmor hosts (Debian, Ubuntu) - so every non-kernel
entry has one field in the export format's binary form.

__REALTIME_TIMESTAMP rises strictly over --hours and ends just before "now" (the wall clock
unless --now is given), so `--since "1 hour ago"` selects the last hour if the journal is read
soon after it was made. Everything except the time anchor is a function of --seed; with
--now the output is byte-identical between runs.

Only the Python standard library is used. Speed comes from precomputing every per-unit
constant field block once and writing ~1 MiB chunks.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import time

JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote"
CHUNK_BYTES = 1 << 20

# A value needs the export format's binary form if it holds a newline (the text form ends at
# '\n'); other control bytes are put in binary form too, as journalctl -o export does.
_NEEDS_BINARY = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


def export_field(name: bytes, value: bytes) -> bytes:
    """One field in Journal Export Format, text form when possible, binary form otherwise."""
    if _NEEDS_BINARY.search(value):
        return name + b"\n" + struct.pack("<Q", len(value)) + value + b"\n"
    return name + b"=" + value + b"\n"


def export_fields(pairs) -> bytes:
    return b"".join(
        export_field(k.encode(), v if isinstance(v, bytes) else str(v).encode())
        for k, v in pairs
    )


# Go's strconv.Quote for the characters our messages contain (klog and logrus both use it).
# str.replace chains are several times faster than str.translate with a dict table.
def goquote(s: str) -> str:
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    if not s.isprintable():  # C fast path; only control characters need more escapes
        s = s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return '"' + s + '"'


# logrus writes a value bare iff every rune is in this set, else %q (FORMATS.md §4.1).
_LOGRUS_BARE = re.compile(r"[A-Za-z0-9\-._/@^+]*")


def logrus_value(s: str) -> str:
    return s if _LOGRUS_BARE.fullmatch(s) else goquote(s)


# --------------------------------------------------------------------------------------------
# The cluster the node runs: pods, containers, images. Fixed by the seed.


class Pod:
    __slots__ = ("ns", "name", "uid", "ref", "containers", "ip", "sandbox", "qos", "slice")

    def __init__(self, rng: random.Random, ns: str, name: str, containers, ip: str):
        self.ns, self.name, self.ip = ns, name, ip
        self.uid = uuid4(rng)
        self.ref = f"{ns}/{name}"
        self.sandbox = hex_id(rng, 64)
        # (container name, container id, image)
        self.containers = [(c, hex_id(rng, 64), img) for c, img in containers]
        self.qos = rng.choice(["besteffort", "burstable", "burstable", ""])
        # systemd cgroup driver names: kubepods-burstable-pod<uid with _>.slice
        uid_ = self.uid.replace("-", "_")
        self.slice = (f"kubepods-{self.qos}-pod{uid_}.slice" if self.qos
                      else f"kubepods-pod{uid_}.slice")


def hex_id(rng: random.Random, digits: int) -> str:
    return "%0*x" % (digits, rng.getrandbits(digits * 4))


def uuid4(rng: random.Random) -> str:
    h = hex_id(rng, 32)
    return f"{h[0:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def rand_suffix(rng: random.Random, n: int) -> str:
    # Kubernetes generated-name alphabet (no vowels, no confusable digits).
    r = rng.random
    return "".join(_NAME_ALPHABET[int(r() * 27)] for _ in range(n))


def make_pods(rng: random.Random):
    images = {
        "web": "docker.io/library/nginx:1.25.3",
        "api": "registry.example.com/shop/api:v2.14.1",
        "worker": "registry.example.com/shop/worker:v2.14.1",
        "postgres": "docker.io/library/postgres:15.5",
        "redis": "docker.io/library/redis:7.2.3",
        "coredns": "registry.k8s.io/coredns/coredns:v1.10.1",
        "calico-node": "docker.io/calico/node:v3.26.4",
        "node-exporter": "quay.io/prometheus/node-exporter:v1.7.0",
        "controller": "registry.k8s.io/ingress-nginx/controller:v1.9.5",
        "fluent-bit": "cr.fluentbit.io/fluent/fluent-bit:2.2.0",
        "istio-proxy": "docker.io/istio/proxyv2:1.20.1",
    }
    specs = [
        ("default", "web", ["web", "istio-proxy"], 6, "deploy"),
        ("shop", "api", ["api", "istio-proxy"], 5, "deploy"),
        ("shop", "worker", ["worker"], 4, "deploy"),
        ("shop", "postgres", ["postgres"], 2, "sts"),
        ("shop", "redis", ["redis"], 2, "sts"),
        ("kube-system", "coredns", ["coredns"], 2, "deploy"),
        ("kube-system", "calico-node", ["calico-node"], 1, "ds"),
        ("monitoring", "node-exporter", ["node-exporter"], 1, "ds"),
        ("ingress-nginx", "ingress-nginx-controller", ["controller"], 2, "deploy"),
        ("logging", "fluent-bit", ["fluent-bit"], 1, "ds"),
    ]
    pods = []
    ipn = 2
    for ns, base, cnames, count, kind in specs:
        rs_hash = rand_suffix(rng, 10)
        for i in range(count):
            if kind == "deploy":
                name = f"{base}-{rs_hash}-{rand_suffix(rng, 5)}"
            elif kind == "sts":
                name = f"{base}-{i}"
            else:
                name = f"{base}-{rand_suffix(rng, 5)}"
            pods.append(Pod(rng, ns, name, [(c, images[c]) for c in cnames],
                            f"10.244.3.{ipn}"))
            ipn += 1
    return pods


# --------------------------------------------------------------------------------------------
# Message templates. Each takes the generator context and returns
#   kubelet/kube-proxy: (severity letter, "file.go:line", [first body, continuation lines...])
#   containerd:         (level, msg, [(key, value), ...])  - rendered as logrus text
# The texts follow what kubelet 1.28 / containerd 1.7 print; FORMATS.md has the rules.


def kv(key: str, value: str) -> str:
    """A klog structured string pair (always Go-quoted, FORMATS.md §2.3)."""
    return f" {key}={goquote(value)}"


def _pc(g):
    p = g.pick(g.pods)
    c = g.pick(p.containers)
    return p, c


def kl_pleg(g):
    p, c = _pc(g)
    typ = "ContainerStarted" if g.rng.random() < 0.55 else "ContainerDied"
    return "I", "kubelet.go:2463", [
        f'"SyncLoop (PLEG): event for pod" pod="{p.ref}" '
        f'event={{"ID":"{p.uid}","Type":"{typ}","Data":"{c[1]}"}}']


def kl_syncloop_update(g):
    p = g.pick(g.pods)
    return "I", "kubelet.go:2435", [f'"SyncLoop UPDATE" source="api" pods=["{p.ref}"]']


def kl_probe_status(g):
    p = g.pick(g.pods)
    probe, status = g.pick([("readiness", "ready"), ("readiness", ""),
                                  ("liveness", "unhealthy"), ("startup", "started")])
    return "I", "kubelet.go:2545", [
        f'"SyncLoop (probe)" probe="{probe}" status="{status}" pod="{p.ref}"']


def kl_probe_failed(g):
    p, c = _pc(g)
    kind = g.pick(["Readiness", "Readiness", "Liveness"])
    port = 8080 + g.rng.randrange(3)
    out = g.pick([
        f'Get "http://{p.ip}:{port}/healthz": dial tcp {p.ip}:{port}: connect: connection refused',
        f'Get "http://{p.ip}:{port}/ready": context deadline exceeded (Client.Timeout exceeded '
        f'while awaiting headers)',
        "HTTP probe failed with statuscode: 503",
    ])
    return "I", "prober.go:107", [
        f'"Probe failed" probeType="{kind}" pod="{p.ref}" podUID="{p.uid}" containerName="{c[0]}"'
        f' probeResult="failure"' + kv("output", out)]


def kl_remove_container(g):
    _, c = _pc(g)
    return "I", "scope.go:117", [f'"RemoveContainer" containerID="{c[1]}"']


def _volume(g, p):
    vol = f"kube-api-access-{rand_suffix(g.rng, 5)}"
    return vol, f"kubernetes.io/projected/{p.uid}-{vol}"


def kl_verify_volume(g):
    p = g.pick(g.pods)
    vol, uniq = _volume(g, p)
    msg = (f'operationExecutor.VerifyControllerAttachedVolume started for volume "{vol}" '
           f'(UniqueName: "{uniq}") pod "{p.name}" (UID: "{p.uid}") ')
    return "I", "reconciler_common.go:258", [goquote(msg) + f' pod="{p.ref}"']


def kl_mount_setup(g):
    p = g.pick(g.pods)
    vol, uniq = _volume(g, p)
    msg = (f'MountVolume.SetUp succeeded for volume "{vol}" (UniqueName: "{uniq}") '
           f'pod "{p.name}" (UID: "{p.uid}") ')
    return "I", "operation_generator.go:721", [goquote(msg) + f' pod="{p.ref}"']


def kl_killing(g):
    p, c = _pc(g)
    return "I", "kuberuntime_container.go:779", [
        f'"Killing container with a grace period" pod="{p.ref}" podUID="{p.uid}" '
        f'containerName="{c[0]}" containerID="containerd://{c[1]}" gracePeriod=30']


def kl_startup(g):
    p = g.pick(g.pods)
    slo = g.rng.uniform(0.5, 30.0)
    return "I", "pod_startup_latency_tracker.go:102", [
        f'"Observed pod startup duration" pod="{p.ref}" podStartSLOduration={slo:.9f} '
        f'podStartE2EDuration="{slo + g.rng.uniform(0, 5):.9f}s"']


def kl_no_sandbox(g):
    p = g.pick(g.pods)
    return "I", "util.go:30", [
        f'"No sandbox for pod can be found. Need to start a new one" pod="{p.ref}"']


def kl_topology(g):
    p = g.pick(g.pods)
    return "I", "topology_manager.go:215", [
        f'"Topology Admit Handler" podUID="{p.uid}" podNamespace="{p.ns}" podName="{p.name}"']


def kl_status_manager(g):
    p = g.pick(g.pods)
    return "I", "status_manager.go:877", [
        f'"Status for pod updated successfully" pod="{p.ref}" statusVersion={g.rng.randrange(1, 40)}'
        f' status={{"phase":"Running","podIP":"{p.ip}","qosClass":"{p.qos.capitalize() or "Guaranteed"}"}}']


def kl_tls_handshake(g):
    # Go's log package bridged into klog: an unstructured I line.
    return "I", "log.go:245", [
        f"http: TLS handshake error from 10.0.0.{g.rng.randrange(2, 250)}:"
        f"{g.rng.randrange(32768, 61000)}: EOF"]


def kl_memory_manager(g):
    p, c = _pc(g)
    return "I", "memory_manager.go:354", [
        f'"RemoveStaleState removing state" podUID="{p.uid}" containerName="{c[0]}"']


def kl_image_gc(g):
    usage = g.rng.randrange(80, 92)
    return "I", "image_gc_manager.go:373", [
        f'"Disk usage on image filesystem is over the high threshold, trying to free bytes down '
        f'to the low threshold" usage={usage} highThreshold=85 amountToFree='
        f'{g.rng.randrange(10**8, 10**10)} lowThreshold=80']


def kl_cadvisor_watch(g):
    p, c = _pc(g)
    path = f"/sys/fs/cgroup/kubepods.slice/{p.slice}/cri-containerd-{c[1]}.scope"
    return "W", "watcher.go:93", [
        f'Error while processing event ("{path}": 0x40000100 == IN_CREATE|IN_ISDIR): '
        f'inotify_add_watch {path}: no such file or directory']


def kl_reflector(g):
    p = g.pick(g.pods)
    cm = f"{p.name.split('-')[0]}-config"
    return "W", "reflector.go:535", [
        f'object-"{p.ns}"/"{cm}": failed to list *v1.ConfigMap: configmaps "{cm}" is forbidden: '
        f'User "system:node:{g.hostname}" cannot list resource "configmaps" in API group "" in '
        f"the namespace \"{p.ns}\": no relationship found between node '{g.hostname}' and this "
        f"object"]


def kl_pull_secret(g):
    p = g.pick(g.pods)
    return "W", "kubelet_pods.go:417", [
        f'"Unable to retrieve pull secret, the image pull may not succeed." pod="{p.ref}" '
        f'secret="" err="secret \\"regcred\\" not found"']


def kl_crashloop(g):
    p, c = _pc(g)
    err = (f'failed to "StartContainer" for "{c[0]}" with CrashLoopBackOff: "back-off 5m0s '
           f'restarting failed container={c[0]} pod={p.name}_{p.ns}({p.uid})"')
    return "E", "pod_workers.go:1300", [
        '"Error syncing pod, skipping"' + kv("err", err) + f' pod="{p.ref}" podUID="{p.uid}"']


def kl_imagepull(g):
    p, c = _pc(g)
    err = (f'failed to "StartContainer" for "{c[0]}" with ImagePullBackOff: '
           f'"Back-off pulling image {goquote(c[2])}"')
    return "E", "pod_workers.go:1300", [
        '"Error syncing pod, skipping"' + kv("err", err) + f' pod="{p.ref}" podUID="{p.uid}"']


def kl_status_notfound(g):
    _, c = _pc(g)
    err = (f'rpc error: code = NotFound desc = an error occurred when try to find container '
           f'"{c[1]}": not found')
    return "E", "remote_runtime.go:432", [
        '"ContainerStatus from runtime service failed"' + kv("err", err) +
        f' containerID="{c[1]}"']


def kl_cpu_stale(g):
    p, c = _pc(g)
    return "E", "cpu_manager.go:395", [
        f'"RemoveStaleState: removing container" podUID="{p.uid}" containerName="{c[0]}"']


def kl_mount_failed_multiline(g):
    # Unstructured klog record whose message spans four physical lines (mount-utils output).
    p = g.pick(g.pods)
    until = g.fmt_go_time(g.cur_rt + 122_000_000)
    uniq = f"kubernetes.io/nfs/{p.uid}-nfs-data"
    return "E", "nestedpendingoperations.go:348", [
        f'Operation for "{{volumeName:{uniq} podName:{p.uid} nodeName:}}" failed. No retries '
        f"permitted until {until} (durationBeforeRetry 2m2s). Error: MountVolume.SetUp failed "
        f'for volume "nfs-data" (UniqueName: "{uniq}") pod "{p.name}" (UID: "{p.uid}") : mount '
        f"failed: exit status 32",
        "Mounting command: mount",
        f"Mounting arguments: -t nfs 10.0.0.9:/export/data "
        f"/var/lib/kubelet/pods/{p.uid}/volumes/kubernetes.io~nfs/nfs-data",
        "Output: mount.nfs: Connection timed out",
    ]


def kl_probe_multiline(g):
    # Structured record with a multi-line string value: klog's `=<` block (FORMATS.md §2.3).
    p, c = _pc(g)
    return "I", "prober.go:107", [
        f'"Probe failed" probeType="Liveness" pod="{p.ref}" podUID="{p.uid}" '
        f'containerName="{c[0]}" probeResult="failure" output=<',
        "\tpg_isready: /var/run/postgresql:5432 - no response",
        f"\tcould not connect to server: Connection refused (port {g.rng.randrange(5432, 5440)})",
        " >",
    ]


KUBELET_TEMPLATES = [
    (kl_pleg, 14), (kl_syncloop_update, 8), (kl_probe_status, 6), (kl_probe_failed, 9),
    (kl_remove_container, 3), (kl_verify_volume, 6), (kl_mount_setup, 6), (kl_killing, 3),
    (kl_startup, 2), (kl_no_sandbox, 2), (kl_topology, 2), (kl_status_manager, 8),
    (kl_tls_handshake, 3), (kl_memory_manager, 2), (kl_image_gc, 1),
    (kl_cadvisor_watch, 4), (kl_reflector, 1), (kl_pull_secret, 2),
    (kl_crashloop, 4), (kl_imagepull, 1), (kl_status_notfound, 2), (kl_cpu_stale, 1),
    # A few records are multi-line; each becomes 4 consecutive entries.
    (kl_mount_failed_multiline, 0.2), (kl_probe_multiline, 0.2),
]


def kp_sync_complete(g):
    return "I", "proxier.go:827", [f'"SyncProxyRules complete" elapsed="{g.rng.uniform(40, 400):.6f}ms"']


def kp_syncing(g):
    return "I", "proxier.go:1509", ['"Syncing iptables rules"']


def kp_reloading(g):
    n = g.rng.randrange(40, 60)
    return "I", "proxier.go:1546", [
        f'"Reloading service iptables data" numServices={n} numEndpoints={n * 2 + 3} '
        f'numFilterChains=6 numFilterRules={g.rng.randrange(4, 12)} numNATChains={n * 3} '
        f'numNATRules={n * 7}']


def kp_endpoint(g):
    p = g.pick(g.pods)
    return "I", "endpointslicecache.go:361", [
        f'"Setting endpoints for service port name" portName="{p.ns}/{p.name.split("-")[0]}:http"'
        f' endpoints=["{p.ip}:8080"]']


KUBE_PROXY_TEMPLATES = [(kp_sync_complete, 4), (kp_syncing, 4), (kp_reloading, 2), (kp_endpoint, 2)]


def ct_exec_sync(g):
    _, c = _pc(g)
    if g.rng.random() < 0.5:
        return "info", f'ExecSync for "{c[1]}" with command [/bin/sh -c pg_isready -U postgres] ' \
                       f"and timeout 1 (s)", []
    return "info", f'ExecSync for "{c[1]}" returns with exit code 0', []


def ct_start_container(g):
    _, c = _pc(g)
    return "info", f'StartContainer for "{c[1]}" returns successfully', []


def ct_create_container(g):
    p, c = _pc(g)
    return "info", (f'CreateContainer within sandbox "{p.sandbox}" for container '
                    f'&ContainerMetadata{{Name:{c[0]},Attempt:{g.rng.randrange(0, 9)},}} returns '
                    f'container id "{c[1]}"'), []


def ct_run_sandbox(g):
    p = g.pick(g.pods)
    return "info", (f"RunPodSandbox for &PodSandboxMetadata{{Name:{p.name},Uid:{p.uid},"
                    f'Namespace:{p.ns},Attempt:0,}} returns sandbox id "{p.sandbox}"'), []


def ct_shim_disconnected(g):
    _, c = _pc(g)
    r = g.rng.random()
    if r < 0.4:
        return "info", "shim disconnected", [("id", c[1]), ("namespace", "k8s.io")]
    if r < 0.8:
        return "warning", "cleaning up after shim disconnected", [("id", c[1]), ("namespace", "k8s.io")]
    return "info", "cleaning up dead shim", [("namespace", "k8s.io")]


def ct_stop_container(g):
    _, c = _pc(g)
    return "info", g.pick([
        f'StopContainer for "{c[1]}" with timeout 30 (s)',
        f'Stop container "{c[1]}" with signal terminated',
        f'StopContainer for "{c[1]}" returns successfully',
        f'RemoveContainer for "{c[1]}"',
        f'RemoveContainer for "{c[1]}" returns successfully',
    ]), []


def ct_sandbox_teardown(g):
    p = g.pick(g.pods)
    return "info", g.pick([
        f'StopPodSandbox for "{p.sandbox}"',
        f'TearDown network for sandbox "{p.sandbox}" successfully',
        f'StopPodSandbox for "{p.sandbox}" returns successfully',
    ]), []


def ct_image(g):
    _, c = _pc(g)
    img = c[2]
    r = g.rng.random()
    if r < 0.3:
        return "info", f'PullImage "{img}"', []
    if r < 0.6:
        return "info", (f'ImageUpdate event name:"{img}" '
                        f'labels:{{key:"io.cri-containerd.image" value:"managed"}}'), []
    return "info", (f'Pulled image "{img}" with image id "sha256:{hex_id(g.rng, 64)}", repo tag '
                    f'"{img}", repo digest "{img.rsplit(":", 1)[0]}@sha256:{hex_id(g.rng, 64)}", '
                    f'size "{g.rng.randrange(10**6, 3 * 10**8)}" in '
                    f"{g.rng.uniform(0.3, 20):.9f}s"), []


def ct_status_notfound(g):
    _, c = _pc(g)
    return "error", f'ContainerStatus for "{c[1]}" failed', [
        ("error", f'rpc error: code = NotFound desc = an error occurred when try to find '
                  f'container "{c[1]}": not found')]


def ct_teardown_failed(g):
    p = g.pick(g.pods)
    return "error", f'StopPodSandbox for "{p.sandbox}" failed', [
        ("error", f'failed to destroy network for sandbox "{p.sandbox}": plugin type="calico" '
                  f"failed (delete): error getting ClusterInformation: connection is "
                  f"unauthorized: Unauthorized")]


CONTAINERD_TEMPLATES = [
    (ct_exec_sync, 12), (ct_start_container, 3), (ct_create_container, 3), (ct_run_sandbox, 2),
    (ct_shim_disconnected, 4), (ct_stop_container, 4), (ct_sandbox_teardown, 3), (ct_image, 3),
    (ct_status_notfound, 2), (ct_teardown_failed, 1),
]


def weighted(templates, scale=10):
    """A flat list in which each template appears ~weight*scale times: rng.choice on it is the
    cheapest weighted pick."""
    out = []
    for fn, w in templates:
        out.extend([fn] * max(1, round(w * scale)))
    return out


# --------------------------------------------------------------------------------------------


class Gen:
    def __init__(self, n: int, hours: float, seed: int, now_us: int):
        self.rng = rng = random.Random(seed)
        # rng.choice costs ~0.4 us through _randbelow; indexing by random() is ~4x cheaper.
        self.pick = lambda seq, _r=rng.random: seq[int(_r() * len(seq))]
        self.n = n
        self.end_us = now_us
        self.span_us = int(hours * 3600 * 1_000_000)
        self.start_us = now_us - self.span_us
        self.step = self.span_us / n
        if self.step < 8:
            raise SystemExit(f"{n} entries in {hours} h is more than one per 8 us; raise --hours")

        self.hostname = f"k8s-worker-{rng.randrange(1, 40)}"
        self.machine_id = hex_id(rng, 32)
        self.boot_id = hex_id(rng, 32)
        # The node booted days before the window: __MONOTONIC_TIMESTAMP = realtime - boot time.
        self.boot_rt = self.start_us - rng.randrange(2 * 86400, 20 * 86400) * 1_000_000
        self.pods = make_pods(rng)
        self.kubelet_t = weighted(KUBELET_TEMPLATES)
        self.proxy_t = weighted(KUBE_PROXY_TEMPLATES)
        self.ctr_t = weighted(CONTAINERD_TEMPLATES)
        self.cur_rt = self.start_us
        self.last_rt = 0
        self._sec = -1
        self._klog_sec = self._iso_sec = self._syslog_sec = ""

        common = [("_BOOT_ID", self.boot_id), ("_MACHINE_ID", self.machine_id),
                  ("_HOSTNAME", self.hostname)]
        self.common = common
        self.kernel_static = export_fields(
            [("_TRANSPORT", "kernel"), ("SYSLOG_FACILITY", "0"), ("SYSLOG_IDENTIFIER", "kernel")]
            + common)
        self.kubelet = self._service("kubelet", "kubelet", "/usr/bin/kubelet",
                                     "/usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/"
                                     "bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
                                     " --config=/var/lib/kubelet/config.yaml --container-runtime-"
                                     "endpoint=unix:///var/run/containerd/containerd.sock "
                                     "--pod-infra-container-image=registry.k8s.io/pause:3.9")
        self.containerd = self._service("containerd", "containerd", "/usr/bin/containerd",
                                        "/usr/bin/containerd")
        self.proxy = self._service("kube-proxy", "kube-proxy", "/usr/local/bin/kube-proxy",
                                   "/usr/local/bin/kube-proxy --config=/var/lib/kube-proxy/"
                                   "kube-proxy-config.yaml --hostname-override=" + self.hostname)
        self.pid1_static = export_fields(
            [("_TRANSPORT", "journal"), ("PRIORITY", "6"), ("SYSLOG_FACILITY", "3"),
             ("SYSLOG_IDENTIFIER", "systemd"), ("_PID", "1"), ("_UID", "0"), ("_GID", "0"),
             ("_COMM", "systemd"), ("_EXE", "/usr/lib/systemd/systemd"), ("_CMDLINE", "/sbin/init"),
             ("_CAP_EFFECTIVE", "1ffffffffff"), ("_SELINUX_CONTEXT", "unconfined\n"),
             ("_SYSTEMD_CGROUP", "/init.scope"), ("_SYSTEMD_UNIT", "init.scope"),
             ("_SYSTEMD_SLICE", "-.slice")] + common)
        self.sshd_static = export_fields(
            [("_TRANSPORT", "syslog"), ("SYSLOG_IDENTIFIER", "sshd"), ("_UID", "0"), ("_GID", "0"),
             ("_COMM", "sshd"), ("_EXE", "/usr/sbin/sshd"), ("_CAP_EFFECTIVE", "1ffffffffff"),
             ("_SELINUX_CONTEXT", "unconfined\n"), ("_SYSTEMD_CGROUP", "/system.slice/ssh.service"),
             ("_SYSTEMD_UNIT", "ssh.service"), ("_SYSTEMD_SLICE", "system.slice"),
             ("_SYSTEMD_INVOCATION_ID", hex_id(rng, 32))] + common)
        self.kubelet_restart_at = n // 2  # one kubelet restart in the middle: new PID & stream
        self.counts: dict[str, int] = {}

    def _service(self, unit: str, comm: str, exe: str, cmdline: str) -> dict:
        """Per-service state; 'static' holds every field that is constant while it runs."""
        pid = self.rng.randrange(400, 4_000)
        inv = hex_id(self.rng, 32)
        static = export_fields(
            [("_TRANSPORT", "stdout"), ("PRIORITY", "6"), ("SYSLOG_FACILITY", "3"),
             ("SYSLOG_IDENTIFIER", comm), ("_PID", pid), ("_UID", "0"), ("_GID", "0"),
             ("_COMM", comm), ("_EXE", exe), ("_CMDLINE", cmdline),
             ("_CAP_EFFECTIVE", "1ffffffffff"), ("_SELINUX_CONTEXT", "unconfined\n"),
             ("_SYSTEMD_CGROUP", f"/system.slice/{unit}.service"),
             ("_SYSTEMD_UNIT", f"{unit}.service"), ("_SYSTEMD_SLICE", "system.slice"),
             ("_SYSTEMD_INVOCATION_ID", inv), ("_STREAM_ID", hex_id(self.rng, 32))] + self.common)
        return {"unit": unit, "comm": comm, "exe": exe, "cmdline": cmdline, "pid": pid,
                "inv": inv, "static": static, "klog_pid": f" {pid:7d} "}

    # ---- time formatting, cached per second (dozens of entries share one second) ----

    def _set_second(self, sec: int):
        self._sec = sec
        t = time.gmtime(sec)
        self._klog_sec = time.strftime("%m%d %H:%M:%S", t)           # klog header, node in UTC
        self._iso_sec = time.strftime("%Y-%m-%dT%H:%M:%S", t)        # containerd RFC3339Nano
        self._syslog_sec = time.strftime("%b %e %H:%M:%S ", t)      # SYSLOG_TIMESTAMP

    def fmt_go_time(self, us: int) -> str:
        """Go's time.Time String() in UTC, as kubelet prints deadlines."""
        t = time.gmtime(us // 1_000_000)
        mono = (us - self.boot_rt) / 1e6
        return (time.strftime("%Y-%m-%d %H:%M:%S", t) + f".{us % 1_000_000:06d}"
                f"{self.rng.randrange(1000):03d} +0000 UTC m=+{mono:.9f}")

    def _count(self, key: str, k: int = 1):
        self.counts[key] = self.counts.get(key, 0) + k

    # ---- entry producers: each appends one or more complete entries (bytes) to out ----

    def _entry(self, out: list, rt: int, static: bytes, msg: str, extra: bytes = b""):
        m = msg.encode()
        # str.isprintable is a fast C scan; only the rare non-printable message (a TAB in a
        # klog continuation line) goes through the exact check.
        mfield = (b"MESSAGE=" + m + b"\n" if msg.isprintable()
                  else export_field(b"MESSAGE", m))
        out.append(b"__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n%s%s%s\n"
                   % (rt, rt - self.boot_rt, static, extra, mfield))
        self.last_rt = rt

    def _klog(self, out: list, svc: dict, templates, rt: int) -> int:
        sev, src, lines = self.pick(templates)(self)
        # klog's clock is read a little before journald receives the line.
        t = rt - 30 - int(self.rng.random() * 370)
        if t // 1_000_000 != self._sec:
            self._set_second(t // 1_000_000)
        self._entry(out, rt, svc["static"],
                    f"{sev}{self._klog_sec}.{t % 1_000_000:06d}{svc['klog_pid']}{src}] {lines[0]}")
        # journald splits the stream at '\n': continuation lines are entries of their own.
        for k, line in enumerate(lines[1:], 1):
            self._entry(out, rt + 2 * k, svc["static"], line)
        self._count(f"{svc['unit']}:{sev}")
        return len(lines)

    def _containerd(self, out: list, rt: int) -> int:
        level, msg, kvs = self.pick(self.ctr_t)(self)
        t = rt - 20 - int(self.rng.random() * 280)
        if t // 1_000_000 != self._sec:
            self._set_second(t // 1_000_000)
        ns = (t % 1_000_000) * 1000 + (rt * 7919) % 1000
        line = f'time="{self._iso_sec}.{ns:09d}Z" level={level} msg={logrus_value(msg)}'
        for k, v in sorted(kvs):
            line += f" {k}={logrus_value(v)}"
        self._entry(out, rt, self.containerd["static"], line)
        self._count(f"containerd:{level}")
        return 1

    def _pid1(self, out: list, rt: int) -> int:
        rng, pick = self.rng, self.pick
        p, c = _pc(self)
        r = rng.random()
        scope = f"cri-containerd-{c[1]}.scope"
        if r < 0.25:
            unit, msg = scope, f"Started {scope} - libcontainer container {c[1]}."
            extra = [("MESSAGE_ID", "39f53479d3a045ac8e11786248231fbf"), ("JOB_TYPE", "start"),
                     ("JOB_RESULT", "done"), ("CODE_FILE", "src/core/job.c"), ("CODE_LINE", "768"),
                     ("CODE_FUNC", "job_emit_done_message")]
        elif r < 0.5:
            unit, msg = scope, f"{scope}: Deactivated successfully."
            extra = [("MESSAGE_ID", "7ad2d189f7e94e70a38c781354912448"),
                     ("CODE_FILE", "src/core/unit.c"), ("CODE_LINE", "5553"),
                     ("CODE_FUNC", "unit_log_success")]
        elif r < 0.7:
            unit, msg = scope, f"{scope}: Consumed {rng.uniform(0.01, 90):.3f}s CPU time."
            extra = [("MESSAGE_ID", "ae8f7b866b0347b9af31fe1c80b127c0"),
                     ("CPU_USAGE_NSEC", str(rng.randrange(10**7, 10**11))),
                     ("CODE_FILE", "src/core/unit.c"), ("CODE_LINE", "2353"),
                     ("CODE_FUNC", "unit_log_resources")]
        elif r < 0.9:
            # Mount unit names use systemd's path escaping (\x2d for '-', \x7e for '~').
            vol = "kube\\x2dapi\\x2daccess\\x2d" + rand_suffix(rng, 5)
            uid = p.uid.replace("-", "\\x2d")
            unit = f"var-lib-kubelet-pods-{uid}-volumes-kubernetes.io\\x7eprojected-{vol}.mount"
            msg = f"{unit}: Deactivated successfully."
            extra = [("MESSAGE_ID", "7ad2d189f7e94e70a38c781354912448"),
                     ("CODE_FILE", "src/core/unit.c"), ("CODE_LINE", "5553"),
                     ("CODE_FUNC", "unit_log_success")]
        else:
            verb = "Created" if r < 0.95 else "Removed"
            unit = p.slice
            msg = f"{verb} slice {unit} - libcontainer container {unit}."
            extra = [("MESSAGE_ID", "39f53479d3a045ac8e11786248231fbf"),
                     ("JOB_TYPE", "start" if verb == "Created" else "stop"), ("JOB_RESULT", "done"),
                     ("CODE_FILE", "src/core/job.c"), ("CODE_LINE", "768"),
                     ("CODE_FUNC", "job_emit_done_message")]
        extra = [("UNIT", unit), ("INVOCATION_ID", hex_id(rng, 32))] + extra + [
            ("_SOURCE_REALTIME_TIMESTAMP", str(rt - rng.randrange(20, 200)))]
        self._entry(out, rt, self.pid1_static, msg, export_fields(extra))
        self._count("systemd")
        return 1

    def _kubelet_restart(self, out: list, rt: int) -> int:
        """systemd's messages about kubelet.service (journalctl -u kubelet shows them too), then
        a new kubelet process: new _PID, _STREAM_ID and _SYSTEMD_INVOCATION_ID."""
        old = self.kubelet
        desc = "kubelet: The Kubernetes Node Agent"
        msgs = [
            (f"Stopping kubelet.service - {desc}...", [("JOB_TYPE", "stop")], "job_emit_start_message",
             "", old["inv"]),
            ("kubelet.service: Deactivated successfully.", [], "unit_log_success",
             "7ad2d189f7e94e70a38c781354912448", old["inv"]),
            (f"Stopped kubelet.service - {desc}.", [("JOB_TYPE", "stop"), ("JOB_RESULT", "done")],
             "job_emit_done_message", "9d1aaa27d60140bd96365438aad20286", old["inv"]),
        ]
        self.kubelet = self._service(old["unit"], old["comm"], old["exe"], old["cmdline"])
        msgs.append((f"Started kubelet.service - {desc}.", [("JOB_TYPE", "start"), ("JOB_RESULT", "done")],
                     "job_emit_done_message", "39f53479d3a045ac8e11786248231fbf", self.kubelet["inv"]))
        for k, (msg, fields, func, mid, inv) in enumerate(msgs):
            extra = [("UNIT", "kubelet.service"), ("INVOCATION_ID", inv)] + fields
            if mid:
                extra.append(("MESSAGE_ID", mid))
            extra += [("CODE_FILE", "src/core/job.c"), ("CODE_FUNC", func),
                      ("_SOURCE_REALTIME_TIMESTAMP", str(rt + 1000 * k - 50))]
            self._entry(out, rt + 1000 * k, self.pid1_static, msg, export_fields(extra))
        self._count("systemd", len(msgs))
        return len(msgs)

    def _kernel(self, out: list, rt: int) -> int:
        rng, pick = self.rng, self.pick
        mono = rt - self.boot_rt - rng.randrange(50, 500)
        veth = "veth" + hex_id(rng, 8)
        port = rng.randrange(1, 40)
        r = rng.random()
        prio, dev = "6", b""
        if r < 0.6:
            state = pick(["blocking state", "disabled state", "forwarding state"])
            msg = f"cni0: port {port}({veth}) entered {state}"
            dev = export_fields([("_KERNEL_SUBSYSTEM", "net"), ("_KERNEL_DEVICE", "n5"),
                                 ("_UDEV_SYSNAME", "cni0")])
        elif r < 0.8:
            msg = f"device {veth} entered promiscuous mode"
        elif r < 0.97:
            msg = f"IPv6: ADDRCONF(NETDEV_CHANGE): {veth}: link becomes ready"
        else:
            prio = "3"
            msg = (f"Memory cgroup out of memory: Killed process {rng.randrange(5000, 400000)} "
                   f"(java) total-vm:{rng.randrange(10**6, 9 * 10**6)}kB, anon-rss:"
                   f"{rng.randrange(10**5, 10**6)}kB, file-rss:{rng.randrange(0, 50000)}kB, "
                   f"shmem-rss:0kB, UID:1000 pgtables:{rng.randrange(500, 5000)}kB "
                   f"oom_score_adj:{pick([-997, 936, 999, 1000])}")
        extra = b"PRIORITY=%s\n_SOURCE_MONOTONIC_TIMESTAMP=%d\n%s" % (prio.encode(), mono, dev)
        self._entry(out, rt, self.kernel_static, msg, extra)
        self._count("kernel")
        return 1

    def _sshd(self, out: list, rt: int) -> int:
        rng, pick = self.rng, self.pick
        pid = rng.randrange(10_000, 400_000)
        if rng.random() < 0.6:  # scanners on a public node
            user = pick(["admin", "oracle", "test", "ubuntu", "postgres", "git", "user"])
            ip = f"{rng.randrange(1, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            sport = rng.randrange(1024, 65535)
            msg = pick([f"Invalid user {user} from {ip} port {sport}",
                              f"Connection closed by invalid user {user} {ip} port {sport} [preauth]",
                              f"Received disconnect from {ip} port {sport}:11: Bye Bye [preauth]"])
            fac, cmd = "4", "sshd: unknown [priv]"
        else:
            sport = rng.randrange(40000, 65535)
            fac, cmd, msg = pick([
                ("4", "sshd: admin [priv]", f"Accepted publickey for admin from 10.0.0.5 port {sport} "
                                            f"ssh2: ED25519 SHA256:Xq3v9mF1pYl0kEo7wJ2rT8bN5cH6dA4sZ1uG0iK9eLw"),
                ("10", "sshd: admin [priv]", "pam_unix(sshd:session): session opened for user "
                                             "admin(uid=1000) by (uid=0)"),
                ("10", "sshd: admin [priv]", "pam_unix(sshd:session): session closed for user admin"),
                ("4", "sshd: admin", f"Disconnected from user admin 10.0.0.5 port {sport}"),
            ])
        if rt // 1_000_000 != self._sec:
            self._set_second(rt // 1_000_000)
        extra = export_fields([("PRIORITY", "6"), ("SYSLOG_FACILITY", fac), ("SYSLOG_PID", pid),
                               ("SYSLOG_TIMESTAMP", self._syslog_sec), ("_PID", pid),
                               ("_CMDLINE", cmd),
                               ("_SOURCE_REALTIME_TIMESTAMP", rt - rng.randrange(20, 200))])
        self._entry(out, rt, self.sshd_static, msg, extra)
        self._count("sshd")
        return 1

    # ---- main loop ----

    def run(self, sink) -> int:
        """Generate all entries, handing ~1 MiB chunks to sink(bytes). Returns bytes written."""
        rng, pick = self.rng, self.pick
        n, start, step = self.n, self.start_us, self.step
        out: list[bytes] = []
        out_bytes = 0
        i = 0
        restarted = False
        while i < n:
            # Slot i spans [start + i*step, start + (i+1)*step); a random point in its first half
            # keeps the times irregular, strictly rising and below "now" at the end.
            rt = start + int(i * step) + int(rng.random() * step * 0.5)
            if rt <= self.last_rt:
                rt = self.last_rt + 1
            self.cur_rt = rt
            left = n - i
            r = rng.random()
            if not restarted and i >= self.kubelet_restart_at and left >= 4:
                k = self._kubelet_restart(out, rt)
                restarted = True
            elif r < 0.60:
                k = self._klog(out, self.kubelet, self.kubelet_t, rt)
            elif r < 0.90:
                k = self._containerd(out, rt)
            elif r < 0.94:
                k = self._pid1(out, rt)
            elif r < 0.965:
                k = self._klog(out, self.proxy, self.proxy_t, rt)
            elif r < 0.99:
                k = self._kernel(out, rt)
            else:
                k = self._sshd(out, rt)
            if k > left:  # a multi-line record at the very end: keep exactly N entries
                del out[len(out) - (k - left):]
                k = left
            i += k
            if len(out) >= 1024:
                chunk = b"".join(out)
                out.clear()
                sink(chunk)
                out_bytes += len(chunk)
        if out:
            chunk = b"".join(out)
            sink(chunk)
            out_bytes += len(chunk)
        return out_bytes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("entries", type=int, help="number of journal entries (N)")
    ap.add_argument("out_dir", help="directory for bench.journal (and its rotations); '-' = stdout")
    ap.add_argument("--hours", type=float, default=6.0, help="time span ending now (default 6)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--now", type=float, default=None,
                    help="end of the span as Unix seconds (default: the wall clock)")
    ap.add_argument("--force", action="store_true",
                    help="delete *.journal files already in OUT_DIR instead of refusing")
    args = ap.parse_args()
    if args.entries <= 0:
        ap.error("N must be positive")

    now_us = int(args.now * 1_000_000) if args.now is not None else time.time_ns() // 1000
    gen = Gen(args.entries, args.hours, args.seed, now_us)
    t0 = time.monotonic()

    if args.out_dir == "-":
        out = sys.stdout.buffer
        nbytes = gen.run(out.write)
        out.flush()
        report(gen, nbytes, time.monotonic() - t0, None)
        return 0

    os.makedirs(args.out_dir, exist_ok=True)
    old = [f for f in os.listdir(args.out_dir) if f.endswith((".journal", ".journal~"))]
    if old and not args.force:
        print(f"{args.out_dir} already holds journal files ({old[0]}, ...); use --force",
              file=sys.stderr)
        return 2
    for f in old:
        os.unlink(os.path.join(args.out_dir, f))

    # journal-remote reports "Finishing after writing N entries" on stderr: kept in a file (not
    # a pipe, which could fill while we are busy writing its stdin) and checked against N.
    with tempfile.TemporaryFile() as errf:
        proc = subprocess.Popen(
            [JOURNAL_REMOTE, "--split-mode=none", "-o",
             os.path.join(args.out_dir, "bench.journal"), "-"],
            stdin=subprocess.PIPE, stderr=errf, bufsize=CHUNK_BYTES)
        try:
            nbytes = gen.run(proc.stdin.write)
            proc.stdin.close()
        except BrokenPipeError:
            nbytes = -1
        rc = proc.wait()
        errf.seek(0)
        err = errf.read().decode(errors="replace")
    m = re.search(r"writing (\d+) entries", err)
    written = int(m.group(1)) if m else -1
    if rc != 0 or nbytes < 0 or written != args.entries:
        sys.stderr.write(err)
        print(f"systemd-journal-remote failed (rc={rc}) or wrote {written} of {args.entries} "
              "entries", file=sys.stderr)
        return 1
    report(gen, nbytes, time.monotonic() - t0, args.out_dir)
    return 0


def report(gen: Gen, nbytes: int, secs: float, out_dir: str | None):
    size = ""
    if out_dir:
        files = [os.path.join(out_dir, f) for f in os.listdir(out_dir) if f.endswith(".journal")]
        size = (f", {len(files)} journal file(s) {sum(os.path.getsize(f) for f in files) / 2**20:.0f} "
                f"MiB in {out_dir}")
    mix = " ".join(f"{k}={v}" for k, v in sorted(gen.counts.items()))
    print(f"generated {gen.n} entries, {nbytes / 2**20:.0f} MiB export format "
          f"({nbytes / gen.n:.0f} B/entry) in {secs:.1f} s{size}\n"
          f"span {gen.start_us} .. {gen.last_rt} us (realtime), records by source/severity: {mix}",
          file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
