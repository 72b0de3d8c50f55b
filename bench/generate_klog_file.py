#!/usr/bin/env python3
"""Generate a realistic kube-scheduler klog file for the kjournal file-read benchmark.

Usage: generate_klog_file.py SIZE_MB OUT_FILE [--seed 1]

Writes about SIZE_MB MiB (stopping at the first record boundary past it) of klog text as
kube-scheduler writes it to /var/log/kube-scheduler.log:

  I1127 22:50:00.123456       1 schedule_one.go:1004] "Unable to schedule pod; no fit; waiting" pod="default/web-1" err="..."

  - mostly structured InfoS lines, a quoted message and 2-6 key=value pairs;
  - some unstructured Infof lines (reflector, leader election);
  - ~10% W/E lines, structured and unstructured;
  - ~2% multi-line records: a Go panic stack trace or a goroutine dump after an E line, and
    klog's `key=<` blocks (`key=<\\n\\tline\\n\\tline\\n >`).

Times rise through one day (Nov 27, no year: klog has none) and the thread id is always 1,
as in a real kube-scheduler. The number of records (klog header lines; the continuation
lines of a multi-line record belong to it) goes to the sidecar OUT_FILE.count, so the
benchmark can check that a reader saw every record.

Only the Python standard library is used. The content is a function of SIZE_MB and --seed;
every character is ASCII, so a record's len() is its size in bytes. Speed comes from
precomputed pools of names and from joining records into ~8 MiB blocks before writing.
"""

from __future__ import annotations

import argparse
import os
import random
import sys

BLOCK_BYTES = 8 << 20
DAY_US = 86_400 * 1_000_000
MONTH_DAY = "1127"
# klog pads the thread id to 7 columns after the separating space.
THREAD = "       1"

NAMESPACES = ["default", "kube-system", "monitoring", "ingress-nginx", "payments", "batch-jobs",
              "logging", "cert-manager", "argocd", "data-pipeline"]
APPS = ["web", "api", "worker", "frontend", "redis", "postgres", "nginx", "coredns", "fluent-bit",
        "prometheus", "grafana", "checkout", "cart", "search", "etl", "kafka", "zookeeper"]
PLUGINS = ["NodeResourcesFit", "NodeAffinity", "TaintToleration", "PodTopologySpread",
           "InterPodAffinity", "VolumeBinding", "ImageLocality", "NodeResourcesBalancedAllocation"]
RESOURCES = ["*v1.Pod", "*v1.Node", "*v1.PersistentVolume", "*v1.PersistentVolumeClaim",
             "*v1.Namespace", "*v1.Service", "*v1.StorageClass", "*v1.CSINode",
             "*v1.ReplicaSet", "*v1.StatefulSet", "*v1.PodDisruptionBudget"]
EVENTS = ["NodeAdd", "NodeUpdate", "AssignedPodDelete", "PvcAdd", "NodeTaintChange",
          "NodeAllocatableChange", "UnschedulableTimeout"]
QUEUES = ["Active", "Backoff", "Unschedulable"]
ALNUM = "bcdfghjklmnpqrstvwxz2456789"


def pod_pool(rng: random.Random, n: int) -> list[str]:
    """Deployment-style pod names: ns/app-<rs hash>-<suffix>, as klog.KObj prints them."""
    out = []
    for _ in range(n):
        h = "".join(rng.choice(ALNUM) for _ in range(9))
        s = "".join(rng.choice(ALNUM) for _ in range(5))
        out.append(f"{rng.choice(NAMESPACES)}/{rng.choice(APPS)}-{h}-{s}")
    return out


def node_pool(rng: random.Random, n: int) -> list[str]:
    return [f"ip-10-0-{rng.randrange(256)}-{rng.randrange(256)}.ec2.internal" for _ in range(n)]


def no_fit_reason(rng: random.Random, total: int) -> str:
    taint = rng.randrange(1, total) if total > 1 else 1
    rest = total - taint
    return (f"0/{total} nodes are available: {taint} node(s) had untolerated taint "
            f"{{node-role.kubernetes.io/control-plane: }}, {rest} Insufficient cpu. preemption: "
            f"0/{total} nodes are available: {taint} Preemption is not helpful for scheduling, "
            f"{rest} No preemption victims found for incoming pod.")


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        rng = self.rng
        self.pods = pod_pool(rng, 4000)
        self.nodes = node_pool(rng, 60)
        # A few no-fit reasons cover what a cluster repeats all day; precomputed because the
        # "no fit" line is the most frequent long one.
        self.no_fit = [no_fit_reason(rng, rng.choice([3, 5, 12, 60])) for _ in range(16)]
        self.goroutine = 100_000

    # -- single-line records: each returns (level, file:line, message) --------------------------

    def info_structured(self) -> tuple[str, str, str]:
        r = self.rng
        pod = r.choice(self.pods)
        k = r.random()
        if k < 0.22:
            return "I", "schedule_one.go:1004", (
                f'"Unable to schedule pod; no fit; waiting" pod="{pod}" '
                f'err="{r.choice(self.no_fit)}"')
        if k < 0.42:
            feasible = r.randrange(1, 60)
            return "I", "schedule_one.go:314", (
                f'"Successfully bound pod to node" pod="{pod}" node="{r.choice(self.nodes)}" '
                f'evaluatedNodes={feasible + r.randrange(0, 5)} feasibleNodes={feasible}')
        if k < 0.55:
            return "I", "schedule_one.go:97", f'"Attempting to schedule pod" pod="{pod}"'
        if k < 0.66:
            return "I", "scheduling_queue.go:1227", (
                f'"Pod moved to an internal scheduling queue" pod="{pod}" '
                f'event="{r.choice(EVENTS)}" queue="{r.choice(QUEUES)}" hint={r.randrange(3)}')
        if k < 0.76:
            return "I", "eventhandlers.go:149", (
                f'"Add event for unscheduled pod" pod="{pod}"')
        if k < 0.84:
            return "I", "eventhandlers.go:243", (
                f'"Delete event for scheduled pod" pod="{pod}"')
        if k < 0.92:
            return "I", "generic_scheduler.go:598", (
                f'"Plugin scored node for pod" pod="{pod}" plugin="{r.choice(PLUGINS)}" '
                f'node="{r.choice(self.nodes)}" score={r.randrange(101)}')
        return "I", "default_preemption.go:225", (
            f'"Preemption is not helpful for scheduling" pod="{pod}" '
            f'nominatedNodeName="" candidates={r.randrange(0, 4)} victims={r.randrange(0, 3)} '
            f'durationSeconds={r.random():.6f} attempt={r.randrange(1, 9)}')

    def info_unstructured(self) -> tuple[str, str, str]:
        r = self.rng
        k = r.random()
        if k < 0.45:
            return "I", "leaderelection.go:281", (
                "successfully renewed lease kube-system/kube-scheduler")
        if k < 0.8:
            return "I", "reflector.go:368", (
                f"Caches populated for {r.choice(RESOURCES)} from "
                f"k8s.io/client-go/informers/factory.go:160")
        return "I", "trace.go:236", (
            f'Trace[{r.randrange(10**9)}]: "Scheduling" namespace:{r.choice(NAMESPACES)},'
            f"name:{r.choice(APPS)} (27-Nov-2026) (total time: {r.randrange(100, 900)}ms)")

    def warning(self) -> tuple[str, str, str]:
        r = self.rng
        k = r.random()
        if k < 0.4:
            res = r.choice(RESOURCES)[4:].lower() + "s"
            return "W", "reflector.go:561", (
                f"k8s.io/client-go/informers/factory.go:160: failed to list {r.choice(RESOURCES)}: "
                f'{res} is forbidden: User "system:kube-scheduler" cannot list resource "{res}" '
                f'in API group "" at the cluster scope')
        if k < 0.7:
            return "W", "warnings.go:70", (
                "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice")
        return "W", "schedule_one.go:891", (
            f'"Pod not found in the informer cache; skipping" pod="{r.choice(self.pods)}" '
            f'err="pods \\"{r.choice(APPS)}\\" not found"')

    def error(self) -> tuple[str, str, str]:
        r = self.rng
        pod = r.choice(self.pods)
        k = r.random()
        if k < 0.45:
            return "E", "schedule_one.go:1057", (
                f'"Error scheduling pod; retrying" err="{r.choice(self.no_fit)}" pod="{pod}"')
        if k < 0.75:
            return "E", "reflector.go:158", (
                f'"Unhandled Error" err="k8s.io/client-go/informers/factory.go:160: Failed to watch '
                f'{r.choice(RESOURCES)}: the server has asked for the client to provide credentials" '
                f'logger="UnhandledError"')
        return "E", "leaderelection.go:429", (
            'Failed to update lock optimitically: Operation cannot be fulfilled on '
            'leases.coordination.k8s.io "kube-scheduler": the object has been modified; please '
            'apply your changes to the latest version and try again, falling back to slow path')

    # -- multi-line records: the first line's message, then its continuation lines -------------

    def frames(self, n: int) -> list[str]:
        """Go stack frames: a function line, then the tab-indented file:line +offset line."""
        r = self.rng
        funcs = [
            ("k8s.io/kubernetes/pkg/scheduler.(*Scheduler).scheduleOne", "pkg/scheduler/schedule_one.go"),
            ("k8s.io/kubernetes/pkg/scheduler.(*Scheduler).schedulingCycle", "pkg/scheduler/schedule_one.go"),
            ("k8s.io/kubernetes/pkg/scheduler/framework/runtime.(*frameworkImpl).RunFilterPlugins", "pkg/scheduler/framework/runtime/framework.go"),
            ("k8s.io/kubernetes/pkg/scheduler/framework/plugins/noderesources.(*Fit).Filter", "pkg/scheduler/framework/plugins/noderesources/fit.go"),
            ("k8s.io/apimachinery/pkg/util/wait.JitterUntilWithContext.func1", "vendor/k8s.io/apimachinery/pkg/util/wait/backoff.go"),
            ("k8s.io/apimachinery/pkg/util/wait.BackoffUntil.func1", "vendor/k8s.io/apimachinery/pkg/util/wait/backoff.go"),
            ("k8s.io/client-go/tools/cache.(*processorListener).run", "vendor/k8s.io/client-go/tools/cache/shared_informer.go"),
            ("k8s.io/apimachinery/pkg/util/runtime.handleCrash", "vendor/k8s.io/apimachinery/pkg/util/runtime/runtime.go"),
        ]
        out = []
        for _ in range(n):
            fn, path = r.choice(funcs)
            out.append(f"{fn}({{0x{r.randrange(1 << 28):x}, 0xc00{r.randrange(1 << 24):06x}}})")
            out.append(f"\t/workspace/src/k8s.io/kubernetes/_output/local/go/src/k8s.io/kubernetes/"
                       f"{path}:{r.randrange(50, 1200)} +0x{r.randrange(1 << 12):x}")
        return out

    def panic_trace(self) -> tuple[str, str, str, list[str]]:
        r = self.rng
        self.goroutine += r.randrange(1, 50)
        lines = [f"goroutine {self.goroutine} [running]:"]
        lines += self.frames(r.randrange(4, 10))
        lines.append("created by k8s.io/apimachinery/pkg/util/wait.(*Group).Start in goroutine 1")
        lines.append("\t/workspace/src/k8s.io/kubernetes/_output/local/go/src/k8s.io/kubernetes/"
                     "vendor/k8s.io/apimachinery/pkg/util/wait/wait.go:70 +0x73")
        return "E", "runtime.go:79", (
            'Observed a panic: "invalid memory address or nil pointer dereference" '
            "(runtime error: invalid memory address or nil pointer dereference)"), lines

    def goroutine_dump(self) -> tuple[str, str, str, list[str]]:
        r = self.rng
        lines: list[str] = []
        for g in range(r.randrange(2, 5)):
            if g:
                lines.append("")  # goroutines are separated by a blank line
            state = r.choice(["running", "select", "chan receive", "IO wait", "sync.Cond.Wait"])
            mins = f", {r.randrange(1, 600)} minutes" if state != "running" else ""
            lines.append(f"goroutine {r.randrange(1, 5000)} [{state}{mins}]:")
            lines += self.frames(r.randrange(2, 6))
        return "E", "server.go:254", (
            f'"Dumping goroutine stacks" reason="watchdog timeout" '
            f'goroutines={r.randrange(200, 900)}'), lines

    def key_block(self) -> tuple[str, str, str, list[str]]:
        """klog prints a string value holding newlines as key=<, tab-indented lines, then " >"."""
        r = self.rng
        pod = r.choice(self.pods)
        if r.random() < 0.5:
            head = f'"Unable to schedule pod; no fit; waiting" pod="{pod}" err=<'
            body = [f"\t0/{r.choice([3, 5, 12])} nodes are available:",
                    "\t  1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }",
                    f"\t  {r.randrange(1, 9)} Insufficient memory",
                    "\tpreemption: not eligible due to preemptionPolicy=Never."]
            return "I", "schedule_one.go:1004", head, body + [" >"]
        head = '"Scheduler configuration" profile="default-scheduler" config=<'
        body = ["\tapiVersion: kubescheduler.config.k8s.io/v1", "\tkind: KubeSchedulerConfiguration",
                "\tleaderElection:", "\t  leaderElect: true",
                f"\tpercentageOfNodesToScore: {r.randrange(0, 100)}",
                f"\tpodInitialBackoffSeconds: {r.randrange(1, 5)}"]
        return "I", "configfile.go:94", head, body + [" >"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size_mb", type=float, help="target size in MiB")
    ap.add_argument("out_file")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.size_mb <= 0:
        ap.error("SIZE_MB must be positive")

    target = int(a.size_mb * (1 << 20))
    g = Generator(a.seed)
    rng = g.rng
    written = 0
    records = 0
    block: list[str] = []
    block_bytes = 0
    last_sec = -1
    sec_text = ""
    with open(a.out_file, "w", encoding="ascii", newline="\n") as f:
        while written + block_bytes < target:
            # Time follows the bytes written so far: strictly rising (every record has bytes)
            # and the last record lands just before midnight whatever the size.
            t_us = DAY_US * (written + block_bytes) // target
            sec, us = divmod(t_us, 1_000_000)
            if sec != last_sec:  # many records share a second at large sizes: format it once
                h, rem = divmod(sec, 3600)
                sec_text = f"{h:02d}:{rem // 60:02d}:{rem % 60:02d}."
                last_sec = sec
            k = rng.random()
            cont: list[str] = []
            # Shares: 68.6% structured I, 19.6% unstructured I, 4.9% W, 4.9% E, then 2%
            # multi-line of which half are E; so ~10.8% W/E in all.
            if k < 0.686:
                lvl, src, msg = g.info_structured()
            elif k < 0.882:
                lvl, src, msg = g.info_unstructured()
            elif k < 0.931:
                lvl, src, msg = g.warning()
            elif k < 0.98:
                lvl, src, msg = g.error()
            elif k < 0.9875:
                lvl, src, msg, cont = g.panic_trace()
            elif k < 0.99:
                lvl, src, msg, cont = g.goroutine_dump()
            else:
                lvl, src, msg, cont = g.key_block()
            line = f"{lvl}{MONTH_DAY} {sec_text}{us:06d}{THREAD} {src}] {msg}\n"
            if cont:
                line += "\n".join(cont) + "\n"
            block.append(line)
            block_bytes += len(line)
            records += 1
            if block_bytes >= BLOCK_BYTES:
                f.write("".join(block))
                written += block_bytes
                block, block_bytes = [], 0
        f.write("".join(block))
        written += block_bytes
    with open(a.out_file + ".count", "w", encoding="ascii") as c:
        c.write(f"{records}\n")
    print(f"generate_klog_file: {records} records, {written} bytes -> {a.out_file}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
