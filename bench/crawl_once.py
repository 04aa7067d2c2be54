"""One crawl in its own process, timed without Prefect's start-up, with the process's peak memory."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from prefect import flow

from flows.crawl import crawl
from zwgk import settings


@flow(name="bench-warm-up")
def _warm_up() -> None:
    """Starts the ephemeral Prefect API so the timed crawl does not pay for it."""


def main() -> None:
    config, warehouse = sys.argv[1], sys.argv[2]
    _warm_up()
    started = time.perf_counter()
    summary = crawl(portals=list(settings.load_portals(Path(config))), warehouse=warehouse)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "new": summary.docs_new, "changed": summary.docs_changed,
                      "unchanged": summary.docs_unchanged, "failed": sum(p.failed for p in summary.portals),
                      "listed": sum(p.listed for p in summary.portals)}))


if __name__ == "__main__":
    main()
