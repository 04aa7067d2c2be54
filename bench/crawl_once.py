"""One crawl in its own process, timed without Prefect's start-up, with the peak memory of its process tree.

    python -m bench.crawl_once CONFIG WAREHOUSE [BARRIER]    # prints one JSON line

With BARRIER, the crawl prints "ready" once Prefect is up and starts when that file exists: crawls in several
processes (workers) start together.

`crawl_in_process` is the caller's side: a fresh process per crawl, as `zwgk crawl` runs.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def crawl_in_process(config: Path, warehouse: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.crawl_once", str(config), str(warehouse)], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants (the processing workers are the fork server's), the
    private Prefect API server left out: it is Prefect's, and a shared server runs elsewhere."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                if b"flows.prefect_api" in fh.read():
                    continue
        except OSError:
            continue
        parents[int(entry)] = int(fields.get("PPid", "0").strip() or 0)
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    tree, frontier = {root}, {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - tree
        tree |= frontier
    return sum(rss.get(pid, 0) for pid in tree) / 1024


def machine_busy_s() -> float:
    """CPU-seconds every process on the machine has used (Linux /proc/stat: all but idle and iowait)."""
    with open("/proc/stat", encoding="ascii") as fh:
        ticks = [int(v) for v in fh.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    from prefect import flow, task

    from flows.crawl import crawl
    from flows.prefect_api import prefect_api
    from zwgk import settings

    @task
    def warm_up_task() -> None:
        """Prefect imports its task engine when a first task is submitted (0.025 s)."""

    @flow(name="bench-warm-up")
    def warm_up(portals: list[str]) -> None:
        """A first flow run: the timed crawl does not pay for the client's first connection, nor for the import
        Prefect makes when it first serializes a flow's parameters (fastapi's encoders: 0.13 s, measured)."""
        warm_up_task.submit().wait()

    config, warehouse = sys.argv[1], sys.argv[2]
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], _tree_rss_mb(os.getpid()))

    with prefect_api():  # the private API `zwgk crawl` runs against
        warm_up([])
        if len(sys.argv) > 3:
            print("ready", flush=True)
            while not Path(sys.argv[3]).exists():
                time.sleep(0.01)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started, cpu, busy = time.perf_counter(), time.process_time(), machine_busy_s()
        summary = crawl(portals=list(settings.load_portals(Path(config))), warehouse=warehouse)
        seconds, cpu, busy = time.perf_counter() - started, time.process_time() - cpu, machine_busy_s() - busy
        done.set()
        sampler.join()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, "machine_cpu_s": busy, "peak_mb": peak_mb, "tree_peak_mb": max(peak[0], peak_mb),
                      "new": summary.docs_new, "changed": summary.docs_changed, "unchanged": summary.docs_unchanged,
                      "failed": sum(p.failed for p in summary.portals), "listed": sum(p.listed for p in summary.portals)}))


if __name__ == "__main__":
    main()
