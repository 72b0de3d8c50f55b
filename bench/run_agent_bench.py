#!/usr/bin/env python3
"""Whole-process agent throughput: `kjournal agent` ships a generated journal, from its start
(no checkpoint) until the last record is acknowledged, to
  (a) NDJSON on stdout > /dev/null,
  (b) a minimal local HTTP receiver that only counts bytes (the ClickHouse exporter's
      requests, answered 200 with an empty body, as ClickHouse does); once with the
      exporter's defaults (gzip level 1) and once with gzip off, which shows what
      compression costs,
  (c) a local clickhouse-server (Debian's),
  (d) the same counting receiver answering as Loki, Elasticsearch and an OTLP/HTTP collector
      do on success, for the loki, elasticsearch and otlp (protobuf and JSON) exporters,
next to the yardstick `journalctl -o export > /dev/null` on the same journal, in the same run.
Reports wall seconds, CPU seconds per 100k records, peak anonymous RSS (RssAnon, sampled every
50 ms) and ratios to journalctl. Never run by the test suite; see bench/README.md.

Usage: bench/run_agent_bench.py [--journal DIR] [--entries N] [--kjournal PATH] [--reps N]
"""
import argparse
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CountingHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    received = 0
    # Headers and body in one send, without Nagle: written apart, a small body waits for
    # the client's delayed ACK (40 ms per request), which would time the receiver, not the
    # agent.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        left = n
        while left:
            chunk = self.rfile.read(min(left, 1 << 20))
            if not chunk:
                break
            left -= len(chunk)
        CountingHandler.received += n
        # What each backend answers when everything was accepted.
        status, body, ctype = 200, b"", None
        if self.path.endswith("/loki/api/v1/push"):
            status = 204
        elif "/_bulk" in self.path:
            body, ctype = b'{"took":1,"errors":false,"items":[]}', "application/json"
        elif self.path.endswith("/v1/logs"):
            if self.headers.get("Content-Type", "") == "application/json":
                body, ctype = b"{}", "application/json"
            else:
                ctype = "application/x-protobuf"  # an empty ExportLogsServiceResponse
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_receiver():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), CountingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start_clickhouse(workdir):
    root = os.path.join(workdir, "clickhouse")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    http_port, tcp_port = free_port(), free_port()
    with open(os.path.join(root, "users.xml"), "w") as f:
        f.write("<?xml version=\"1.0\"?><yandex><profiles><default></default></profiles><users>"
                "<default><password></password><networks><ip>127.0.0.1</ip></networks>"
                "<profile>default</profile><quota>default</quota></default></users>"
                "<quotas><default></default></quotas></yandex>\n")
    with open(os.path.join(root, "config.xml"), "w") as f:
        f.write(f"""<?xml version="1.0"?><yandex>
<logger><level>warning</level><console>0</console><log>{root}/server.log</log>
<errorlog>{root}/server.err.log</errorlog></logger>
<http_port>{http_port}</http_port><tcp_port>{tcp_port}</tcp_port>
<listen_host>127.0.0.1</listen_host><path>{root}/data/</path><tmp_path>{root}/tmp/</tmp_path>
<user_files_path>{root}/user_files/</user_files_path><users_config>{root}/users.xml</users_config>
<default_profile>default</default_profile><default_database>default</default_database>
<mark_cache_size>268435456</mark_cache_size></yandex>
""")
    proc = subprocess.Popen(["/usr/sbin/clickhouse-server", "--config-file=" + root + "/config.xml"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root)
    url = f"http://127.0.0.1:{http_port}"
    for _ in range(300):
        try:
            if urllib.request.urlopen(url + "/ping", timeout=1).read() == b"Ok.\n":
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("run_agent_bench: clickhouse-server did not start")


def clickhouse_query(url, sql):
    return urllib.request.urlopen(url + "/", data=sql.encode(), timeout=30).read().decode()


def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def proc_rss_anon_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def metric(port, sample):
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
    except OSError:
        return None
    for line in body.splitlines():
        if line.startswith(sample + " "):
            return float(line.split()[-1])
    return None


def run_agent(kjournal, journal, entries, exporter_yaml, workdir, stdout_null=True):
    state = tempfile.mkdtemp(dir=workdir, prefix="state-")
    port = free_port()
    config = os.path.join(workdir, "agent.yaml")
    with open(config, "w") as f:
        f.write(f"""node: bench-node
state_dir: {state}
server: {{listen: "127.0.0.1:{port}"}}
sources:
  - name: journal
    type: journal
    directory: {journal}
    all: true
    start_at: beginning
exporters:
{exporter_yaml}""")
    start = time.monotonic()
    proc = subprocess.Popen([kjournal, "agent", "--config", config, "--log-level", "warn"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(workdir, "agent.err"), "w"))
    peak = 0
    cpu = None
    wall = None
    next_poll = 0
    while proc.poll() is None:
        peak = max(peak, proc_rss_anon_kib(proc.pid))
        now = time.monotonic()
        if now >= next_poll:
            next_poll = now + 0.1
            sent = metric(port, 'kjournal_exporter_records_sent_total{exporter="bench"}')
            if sent is not None and sent >= entries:
                wall = time.monotonic() - start
                cpu = proc_cpu_seconds(proc.pid)
                break
        if now - start > 600:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    shutil.rmtree(state, ignore_errors=True)
    if wall is None:
        sys.exit("run_agent_bench: the agent did not deliver every record; see " +
                 os.path.join(workdir, "agent.err"))
    return wall, cpu, peak


def time_command(argv):
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if status != 0:
        sys.exit(f"run_agent_bench: {' '.join(argv)} failed")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--journal", default=os.path.join(ROOT, "bench/out/journal-1000000"))
    ap.add_argument("--entries", type=int, default=1000000,
                    help="entries in the journal (bench/run_journal_bench.sh makes it)")
    ap.add_argument("--kjournal", default=os.path.join(ROOT, "build/kjournal"))
    ap.add_argument("--floor", default=os.path.join(ROOT, "build/bench/journal_floor"),
                    help="journal_floor binary: the sd-journal walk alone, with and without "
                         "a cursor per entry, as the bound under any agent (skipped if absent)")
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--workdir", default=os.path.join(ROOT, "bench/out/agent"))
    ap.add_argument("--only", default="",
                    help="comma-separated subset of: stdout,http,clickhouse,backends")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))

    def wanted(part):
        return not only or part in only

    if not os.path.isdir(args.journal):
        sys.exit(f"run_agent_bench: no journal at {args.journal}; make one with "
                 "bench/run_journal_bench.sh --entries 1000000")
    os.makedirs(args.workdir, exist_ok=True)
    receiver = start_receiver()
    receiver_url = f"http://127.0.0.1:{receiver.server_address[1]}"
    clickhouse, ch_url = start_clickhouse(args.workdir) if wanted("clickhouse") else (None, "")
    # The exporters' own defaults throughout (batch 5000 records / 4 MiB, gzip level 1,
    # pipeline budget 8 MiB): the figures are what an unconfigured agent does.
    runs = []
    if wanted("stdout"):
        runs.append(("agent -> stdout NDJSON", "  - {name: bench, type: stdout}\n"))
    if wanted("http"):
        runs.append(("agent -> HTTP receiver",
                     f"  - name: bench\n    type: clickhouse\n    url: {receiver_url}\n"))
        runs.append(("agent -> HTTP receiver, gzip off",
                     f"  - name: bench\n    type: clickhouse\n    url: {receiver_url}\n"
                     f"    gzip: false\n"))
    if wanted("backends"):
        for backend, extra in (("loki", ""), ("elasticsearch", ""),
                               ("otlp", "    encoding: protobuf\n"),
                               ("otlp", "    encoding: json\n")):
            label = backend + (" " + extra.split(":")[1].strip() if extra else "")
            runs.append((f"agent -> {label} receiver",
                         f"  - name: bench\n    type: {backend}\n    url: {receiver_url}\n"
                         + extra))
    # What every sd-journal reader pays before doing anything with an entry: walking it and
    # enumerating its fields; and with the cursor the agent takes of every entry (checkpoints
    # and record ids are made from it).
    floors = []
    if os.access(args.floor, os.X_OK):
        floors = [("sd-journal walk, every field (journal_floor)", [args.floor, args.journal]),
                  ("sd-journal walk + cursor per entry (journal_floor --cursor)",
                   [args.floor, "--cursor", args.journal])]
    else:
        print(f"run_agent_bench: {args.floor} not built: the sd-journal floor is left out",
              file=sys.stderr)
    results = {}
    try:
        for rep in range(args.reps):
            print(f"repetition {rep + 1}/{args.reps} ...", file=sys.stderr)
            results.setdefault("journalctl -o export", []).append(
                time_command(["journalctl", "-D", args.journal, "-o", "export"]))
            for name, argv in floors:
                results.setdefault(name, []).append(time_command(argv))
            for name, yaml in runs:
                results.setdefault(name, []).append(
                    run_agent(args.kjournal, args.journal, args.entries, yaml, args.workdir))
            if clickhouse:
                clickhouse_query(ch_url, "DROP TABLE IF EXISTS bench.logs")
                results.setdefault("agent -> ClickHouse", []).append(
                    run_agent(args.kjournal, args.journal, args.entries,
                              f"  - name: bench\n    type: clickhouse\n    url: {ch_url}\n"
                              f"    table: bench.logs\n    create_table: true\n",
                              args.workdir))
                stored = int(clickhouse_query(ch_url, "SELECT count() FROM bench.logs").strip())
                if stored < args.entries:
                    sys.exit(f"run_agent_bench: ClickHouse holds {stored} of {args.entries} rows")
    finally:
        if clickhouse:
            clickhouse.terminate()
            clickhouse.wait(timeout=30)
        receiver.shutdown()

    def best(name):
        return min(results[name], key=lambda r: r[0])

    jw, jc, jr = best("journalctl -o export")
    print(f"\n{args.entries} entries, best of {args.reps}; RSS: journalctl max RSS, agent peak RssAnon")
    print(f"| command | wall s | CPU s | CPU s / 100k | peak RSS MB | wall / journalctl | CPU / journalctl |")
    print("|---|---|---|---|---|---|---|")
    print(f"| journalctl -o export > /dev/null | {jw:.2f} | {jc:.2f} | {jc * 1e5 / args.entries:.3f} "
          f"| {jr / 1024:.1f} | 1.00 | 1.00 |")
    for name in ([n for n, _ in floors] + [n for n, _ in runs] +
                 (["agent -> ClickHouse"] if clickhouse else [])):
        w, c, r = best(name)
        print(f"| {name} | {w:.2f} | {c:.2f} | {c * 1e5 / args.entries:.3f} | {r / 1024:.1f} "
              f"| {w / jw:.2f} | {c / jc:.2f} |")
    print(f"\nHTTP receiver got {CountingHandler.received / 1e6:.1f} MB over all repetitions")


if __name__ == "__main__":
    main()
