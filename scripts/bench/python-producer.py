#!/usr/bin/env python3
"""Producer writes/s from one Python process: jobwire.Client (keep-alive, an Idempotency-Key
per write) beside plain urllib.request calls (a new connection per request), sequential and
from 16 threads, against one jobwired, in one run. Also the Python process's CPU time per
write (all its threads) and jobwired's.

    python3 scripts/bench/python-producer.py [--seconds 3] [--threads 16]

Each write is a set_progress on a running job (one job per thread), the commonest producer
call. The binary is $JOBWIRED_BIN, else build/jobwired.
"""
import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable, List, Tuple

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
import jobwire  # noqa: E402

Writer = Callable[[str, int], None]  # (job id, n) -> one write


def start_jobwired(db: str, token: str) -> Tuple[subprocess.Popen, str]:
    binary = os.environ.get("JOBWIRED_BIN") or str(ROOT / "build" / "jobwired")
    proc = subprocess.Popen([binary, "--port", "0", "--token", token, "--db", db, "--no-dashboard"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep the pipe drained
            return proc, match.group(1)
    raise SystemExit(f"jobwired did not start ({binary})")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def urllib_writer(url: str, token: str) -> Writer:
    def write(job_id: str, n: int) -> None:
        request = urllib.request.Request(f"{url}/api/jobs/{job_id}/progress", method="POST",
                                         data=json.dumps({"progress": n % 100}).encode(),
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()
    return write


def measure(write: Writer, job_ids: List[str], seconds: float, server_pid: int) -> dict:
    """Each thread writes to its own job until the time is up."""
    latencies: List[List[float]] = [[] for _ in job_ids]
    stop = time.monotonic() + seconds

    def run(index: int) -> None:
        mine, job_id, n = latencies[index], job_ids[index], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            write(job_id, n)
            mine.append(time.perf_counter() - started)
            n += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(job_ids))]
    cpu_before, server_before, wall_before = time.process_time(), cpu_seconds(server_pid), time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - wall_before
    cpu, server_cpu = time.process_time() - cpu_before, cpu_seconds(server_pid) - server_before
    every = sorted(x for per_thread in latencies for x in per_thread)
    writes = len(every)
    return {"writes_per_s": writes / wall, "p50_ms": 1000 * statistics.median(every),
            "p99_ms": 1000 * every[int(0.99 * (writes - 1))], "cpu_us": 1e6 * cpu / writes,
            "server_cpu_us": 1e6 * server_cpu / writes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--threads", type=int, default=16)
    options = parser.parse_args()
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="jobwire-bench-") as folder:
        proc, url = start_jobwired(os.path.join(folder, "bench.db"), token)
        try:
            with jobwire.Client(url, token) as client:
                jobs = [client.create_job("bench")["id"] for _ in range(options.threads)]
                for job_id in jobs:
                    client.set_status(job_id, "running")
                ours: Writer = lambda job_id, n: client.set_progress(job_id, n % 100)  # noqa: E731
                plain = urllib_writer(url, token)
                rows = []
                for label, count in (("sequential", 1), (f"{options.threads} threads", options.threads)):
                    measure(ours, jobs[:count], 0.3, proc.pid)  # warm-up: connections, caches
                    rows.append((label, measure(ours, jobs[:count], options.seconds, proc.pid),
                                 measure(plain, jobs[:count], options.seconds, proc.pid)))
        finally:
            proc.terminate()
            proc.wait(10)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, "
          f"{options.seconds:g} s per cell, set_progress writes")
    print(f"{'':14} {'jobwire.Client /s':>18} {'p50':>8} {'p99':>8} {'CPU µs/w':>9} {'server µs/w':>11}"
          f" | {'urllib /s':>10} {'p50':>8} {'p99':>8} {'CPU µs/w':>9} {'server µs/w':>11} | {'ratio':>6}")
    for label, a, b in rows:
        cells = [f"{a['writes_per_s']:18,.0f} {a['p50_ms']:7.2f}m {a['p99_ms']:7.2f}m {a['cpu_us']:9.0f} "
                 f"{a['server_cpu_us']:11.0f}",
                 f"{b['writes_per_s']:10,.0f} {b['p50_ms']:7.2f}m {b['p99_ms']:7.2f}m {b['cpu_us']:9.0f} "
                 f"{b['server_cpu_us']:11.0f}"]
        print(f"{label:14} {cells[0]} | {cells[1]} | {a['writes_per_s'] / b['writes_per_s']:5.1f}×")


if __name__ == "__main__":
    main()
