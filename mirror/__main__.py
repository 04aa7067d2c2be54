"""`python -m mirror`: serve a synthetic portal until killed (benchmarks run the crawler in another process)."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import threading
from pathlib import Path

from mirror.server import Mirror, column_slots, synthetic_articles


def main() -> None:
    parser = argparse.ArgumentParser(description="serve N synthetic report pages on 127.0.0.1 JCMS hosts")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hosts", type=int, default=2)
    parser.add_argument("--columns", type=int, default=2, help="JCMS columns per host")
    parser.add_argument("--rate", type=float, default=100000.0, help="rate written into the config (requests/s/host)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds every answer waits (a far-away portal)")
    parser.add_argument("--portal-per-host", action="store_true", help="one portal entry per host, as for a province")
    parser.add_argument("--config-out", required=True, help="write the portal config here once serving")
    parser.add_argument("--log-out", help="on exit, write every request (arrival time, host, method, path) here")
    args = parser.parse_args()
    hosts = [f"host{n + 1}" for n in range(args.hosts)]
    mirror = Mirror(synthetic_articles(args.seed, args.pages, column_slots(hosts, args.columns)), perpage=15)
    mirror.latency = args.latency
    mirror.prerender().start()
    if args.portal_per_host:
        config = "\n".join(mirror.jcms_config(host, [host], rate=args.rate) for host in hosts)
    else:
        config = mirror.jcms_config("synthetic", hosts, rate=args.rate)
    Path(args.config_out).write_text(config, encoding="utf-8")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    mirror.stop()
    if args.log_out:
        Path(args.log_out).write_text("\n".join(json.dumps(r) for r in mirror.requests), encoding="utf-8")


if __name__ == "__main__":
    main()
