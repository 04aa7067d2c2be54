"""Pages per second of one workload over a folder of pages, in this process, pinned to one core.

    python -m bench.throughput clean|trafilatura|process PAGES_DIR

Each measurement runs in a fresh process (bench/run.py starts one per repetition), so no tool profits from
another's warm caches or from its own caches of an earlier repetition, and every tool gets the same single core.
Prints one JSON line: {"pages": n, "seconds": s, "indicators": k}.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from mirror.synthetic import report

CORE = 0
WARM_UP_SEED = 999_983  # pages from another seed than the corpus: warm-up fills no cache with measured lines


def _pin_to_one_core() -> None:
    os.environ["POLARS_MAX_THREADS"] = "1"  # read when polars is imported, below
    if hasattr(os, "sched_setaffinity"):
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {available[CORE % len(available)]})


def _clean() -> Callable[[list[bytes]], int]:
    from transforms.clean import clean_page

    def run(pages: list[bytes]) -> int:
        for page in pages:
            clean_page(page)
        return 0

    return run


def _trafilatura() -> Callable[[list[bytes]], int]:
    import trafilatura

    def run(pages: list[bytes]) -> int:
        for page in pages:
            trafilatura.extract(page.decode("utf-8"))
        return 0

    return run


def _process() -> Callable[[list[bytes]], int]:
    """Clean + extract + normalise exactly as a crawl's worker process does it, batch by batch (the rows laid out
    for the warehouse, raw bytes compressed; writing the staged file left out)."""
    from flows.process import stage_pages
    from transforms.models import RawPage
    from zwgk.settings import PROCESS_BATCH

    def run(pages: list[bytes]) -> int:
        raw = [RawPage(url=f"http://bench/{i}", portal="bench", status=200, fetched_at="", content=page,
                       content_type="text/html; charset=utf-8") for i, page in enumerate(pages)]
        return sum(stage_pages(raw[i : i + PROCESS_BATCH]).indicators.height for i in range(0, len(raw), PROCESS_BATCH))

    return run


WORKLOADS: dict[str, Callable[[], Callable[[list[bytes]], int]]] = {
    "clean": _clean, "trafilatura": _trafilatura, "process": _process,
}


def main(argv: list[str]) -> int:
    workload, folder = argv
    _pin_to_one_core()
    run = WORKLOADS[workload]()
    pages = [p.read_bytes() for p in sorted(Path(folder).iterdir())]
    run([report(WARM_UP_SEED, i).html().encode("utf-8") for i in range(5)])  # first-call set-up is not throughput
    started = time.perf_counter()
    indicators = run(pages)
    seconds = time.perf_counter() - started
    print(json.dumps({"pages": len(pages), "seconds": seconds, "indicators": indicators}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
