"""`python -m mirror`: serve a synthetic portal until killed (benchmarks run the crawler in another process)."""

from __future__ import annotations

import argparse
import contextlib
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
    parser.add_argument("--rate", type=float, default=1000.0, help="rate written into the config (requests/s/host)")
    parser.add_argument("--config-out", required=True, help="write the portal config here once serving")
    args = parser.parse_args()
    hosts = [f"host{n + 1}" for n in range(args.hosts)]
    mirror = Mirror(synthetic_articles(args.seed, args.pages, column_slots(hosts, args.columns)), perpage=15).start()
    Path(args.config_out).write_text(mirror.jcms_config("synthetic", hosts, rate=args.rate), encoding="utf-8")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    mirror.stop()


if __name__ == "__main__":
    main()
