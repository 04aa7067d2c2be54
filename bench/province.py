"""A synthetic province: hundreds of one-host portals, each polite at 1 request/s, answering after a delay.

The politeness bound is what no crawl can beat: the busiest host's requests divided by its rate. A crawl that keeps
every host busy at once takes about that long; one that works hosts a few at a time takes a multiple of it. The
rate each host saw is measured from the mirror's own access log, not from the crawler's intentions.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench.crawl_once import ROOT, crawl_in_process


@dataclass
class Province:
    hosts: int
    articles: int
    seconds: float
    bound_s: float
    stored: int
    busiest_requests: int
    min_gap_s: float  # the closest two requests to one host ever came, at the server
    max_per_second: int  # the most requests one host got within any one second
    peak_mb: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.bound_s


def _max_in_window(times: list[float], window: float) -> int:
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def province(folder: Path, hosts: int, articles: int, latency: float, rate: float = 1.0) -> Province:
    folder.mkdir(parents=True, exist_ok=True)
    config, log = folder / "province.toml", folder / "province-log.jsonl"
    mirror = subprocess.Popen([sys.executable, "-m", "mirror", "--pages", str(articles), "--hosts", str(hosts),
                               "--columns", "1", "--rate", str(rate), "--latency", str(latency), "--portal-per-host",
                               "--config-out", str(config), "--log-out", str(log)], cwd=ROOT)
    try:
        for _ in range(1200):
            if config.exists():
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("province mirror did not start")
        run = crawl_in_process(config, folder / "wh-province")
    finally:
        mirror.terminate()
        mirror.wait(timeout=120)
    per_host: dict[str, list[float]] = defaultdict(list)
    for line in log.read_text(encoding="utf-8").splitlines():
        t, host, _method, _path = json.loads(line)
        per_host[host].append(t)
    busiest = max(len(v) for v in per_host.values())
    gaps = [b - a for times in per_host.values() for a, b in zip(sorted(times), sorted(times)[1:], strict=False)]
    return Province(hosts=hosts, articles=articles, seconds=run["seconds"], bound_s=busiest / rate,
                    stored=int(run["new"]), busiest_requests=busiest, min_gap_s=min(gaps),
                    max_per_second=max(_max_in_window(sorted(v), 1.0) for v in per_host.values()),
                    peak_mb=run["tree_peak_mb"])
